"""Bad input to cgp.train: one Python exception with one clear message saying what and where
(file:line:column for sources), what was expected, and nothing written over."""
import os
import unittest

import numpy as np

import cgp
from support import CSV, work_file

try:
    import pandas
except ImportError:
    pandas = None


class BadArrays(unittest.TestCase):
    def test_x_with_the_wrong_number_of_columns_says_what_shape_was_expected(self):
        with self.assertRaises(cgp.DataError) as e:
            cgp.train((np.zeros((10, 3)), np.zeros(10)), progress=False)
        self.assertIn("X has shape (10, 3)", str(e.exception))
        self.assertIn("expected shape (samples, 4)", str(e.exception))

    def test_y_with_other_rows_than_x_is_refused(self):
        with self.assertRaises(cgp.DataError) as e:
            cgp.train((np.zeros((10, 4)), np.zeros(9)), progress=False)
        self.assertIn("X has 10 samples (rows) but y has 9", str(e.exception))

    def test_an_array_of_strings_names_its_dtype(self):
        with self.assertRaises(cgp.DataError) as e:
            cgp.train((np.array([["a"] * 4] * 3), np.zeros(3)), progress=False)
        self.assertIn("X has dtype <U1; expected real numbers", str(e.exception))

    def test_nan_in_the_data_names_its_row_and_column(self):
        x = np.ones((20, 4))
        x[7, 2] = np.nan
        with self.assertRaises(cgp.DataError) as e:
            cgp.train((x, np.zeros(20)), model="one-neuron", progress=False)
        self.assertIn("X: NaN at row 7, column 'xc'", str(e.exception))

    def test_an_array_without_labels_is_refused(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(np.zeros((10, 4)), progress=False)
        self.assertIn("data=(X, y)", str(e.exception))


@unittest.skipIf(pandas is None, "pandas is not installed")
class BadFrames(unittest.TestCase):
    def test_a_dataframe_missing_an_input_column_names_it(self):
        frame = pandas.read_csv(CSV).drop(columns=["xc"])
        with self.assertRaises(cgp.DataError) as e:
            cgp.train(frame, model="one-neuron", label="class", progress=False)
        self.assertIn("no column for the model input 'xc'", str(e.exception))
        self.assertIn("hint:", str(e.exception))

    def test_a_missing_label_column_and_a_missing_label_are_refused(self):
        frame = pandas.read_csv(CSV)
        with self.assertRaises(cgp.DataError) as e:
            cgp.train(frame, label="klass", progress=False)
        self.assertIn("no label column 'klass'", str(e.exception))
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(frame, progress=False)
        self.assertIn("needs label=", str(e.exception))

    def test_nan_in_a_dataframe_names_the_index_and_column(self):
        frame = pandas.read_csv(CSV)
        frame.index = frame.index + 100
        frame.loc[103, "xb"] = np.nan
        with self.assertRaises(cgp.DataError) as e:
            cgp.train(frame, model="one-neuron", label="class", progress=False)
        self.assertIn("NaN at row 3 (index 103), column 'xb'", str(e.exception))


class BadOptions(unittest.TestCase):
    def test_an_unknown_keyword_suggests_the_nearest_name(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(batchsize=8, progress=False)
        self.assertIn("unknown keyword 'batchsize'", str(e.exception))
        self.assertIn("did you mean batch_size?", str(e.exception))
        self.assertIsInstance(e.exception, TypeError)

    def test_an_unknown_hyperparameter_suggests_the_plugins_own(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(optimizer="adam", beta_1=0.8, progress=False)
        self.assertIn("did you mean beta1", str(e.exception))

    def test_cgp_runs_figure_options_are_not_keywords(self):
        with self.assertRaises(cgp.UsageError):
            cgp.train(plot="loss.png", progress=False)

    def test_a_switch_takes_true_or_false(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(standardize="yes", progress=False)
        self.assertIn("expected True or False", str(e.exception))

    def test_a_value_out_of_range_is_cgps_message(self):
        with self.assertRaises(cgp.Error) as e:
            cgp.train(optimizer="adam", beta1=1.5, progress=False)
        self.assertIn("beta1", str(e.exception))

    def test_an_unknown_plugin_says_where_it_looked(self):
        with self.assertRaises(cgp.Error) as e:
            cgp.train(optimizer="no-such-optimizer", progress=False)
        self.assertIn("no-such-optimizer", str(e.exception))

    def test_a_bad_statement_carries_file_line_and_column(self):
        path = work_file("bad-model.cgp")
        with open(path, "w") as f:
            f.write("# a model\nh = a*x1 + b*x2\ny = sigmoid(h +* c)\n")
        with self.assertRaises(cgp.SourceError) as e:
            cgp.train(model=path, progress=False)
        self.assertEqual((e.exception.file, e.exception.line), (path, 3))
        self.assertGreater(e.exception.column, 0)
        self.assertIn(f"{path}:3:{e.exception.column}: error:", str(e.exception))

    def test_a_checkpoint_of_another_run_is_not_overwritten(self):
        path = work_file("other.ckpt")
        with open(path, "w") as f:
            f.write("not this run's")
        with self.assertRaises(cgp.Error) as e:
            cgp.train(model="one-neuron", iterations=10, checkpoint=path, progress=False)
        self.assertIn("force=True", str(e.exception))
        self.assertEqual(open(path).read(), "not this run's")

    def test_the_loss_csv_may_not_be_the_data(self):
        with self.assertRaises(cgp.Error):
            cgp.train(CSV, label="class", loss_csv=CSV, progress=False)
        self.assertTrue(open(CSV).read().startswith("xa,xb,xc,xd,class"))

    def test_the_saved_model_may_not_be_the_data_or_another_output(self):
        with self.assertRaises(cgp.Error) as e:
            cgp.train(CSV, label="class", save_model=CSV, iterations=10, progress=False)
        self.assertIn("save_model", str(e.exception))
        self.assertTrue(open(CSV).read().startswith("xa,xb,xc,xd,class"))
        path = work_file("same-output.json")
        with self.assertRaises(cgp.Error) as e:
            cgp.train(CSV, label="class", split="0.6,0.2,0.2", save_model=path, keep_best=path, iterations=10,
                      progress=False)
        self.assertIn("keep_best", str(e.exception))
        self.assertFalse(os.path.exists(path))

    def test_cgp_runs_figure_options_say_what_to_use_instead(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(plot="loss.png", progress=False)
        self.assertIn("cgp.train does not take cgp-run's --plot\nhint: plot result.record with matplotlib",
                      str(e.exception))


if __name__ == "__main__":
    unittest.main()
