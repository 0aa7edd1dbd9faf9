"""A trained model from Python: Result.predict gives cgp-run --predict's numbers for the same saved
model, Result.save writes a file cgp-run and cgp.load read, the held-out evaluations are those of
cgp-run --json, and bad rows to predict are Python exceptions with cgp's message."""
import csv
import os
import pathlib
import subprocess
import unittest

import numpy as np

import cgp
from support import BUILD, SOURCE, cgp_run_json, work_file

try:
    import pandas
except ImportError:
    pandas = None

IRIS = os.path.join(SOURCE, "examples", "data", "iris.csv")
CANCER = os.path.join(SOURCE, "examples", "data", "breast_cancer.csv")
IRIS_RUN = dict(label="species", optimizer="adam", layers=[4, 8, 3], activation="relu", loss="cross-entropy",
                split="0.6,0.2,0.2", standardize=True, iterations=400, log_every=50, eval_every=100)
IRIS_ARGS = ["--data", IRIS, "--label", "species", "--optimizer", "adam", "--layers", "4", "8", "3", "--activation",
             "relu", "--loss", "cross-entropy", "--split", "0.6,0.2,0.2", "--standardize", "--iterations", "400",
             "--log-every", "50", "--eval-every", "100"]


def iris_features():
    """The iris rows' feature columns, by name, and the rows as a float64 array."""
    with open(IRIS) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return header[:4], np.array([[float(v) for v in r[:4]] for r in body])


def cgp_run_predict(model_path, data_path):
    """cgp-run --predict's CSV as (header, rows of strings)."""
    out = work_file("predictions.csv")
    subprocess.run([os.path.join(BUILD, "bin", "cgp-run"), "--predict", data_path, "--saved-model", model_path,
                    "--out", out], check=True, capture_output=True)
    with open(out) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


class Predictions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = cgp.train(IRIS, progress=False, **IRIS_RUN)
        cls.path = work_file("iris-model.json")
        cls.result.save(cls.path)

    def test_result_predict_gives_the_numbers_of_cgp_run_predict_on_the_saved_file(self):
        header, rows = cgp_run_predict(self.path, IRIS)
        _, x = iris_features()
        p = self.result.predict(x)
        self.assertEqual(p.columns, header[1:])
        self.assertEqual(p.values.shape, (150, 3))
        expected = np.array([[float(v) for v in r[1:]] for r in rows])
        np.testing.assert_array_equal(p.values, expected)  # the same tape, the same bits
        self.assertEqual(list(p.classes), [r[0] for r in rows])
        self.assertEqual(list(np.array(self.result.classes)[p.class_index]), list(p.classes))
        np.testing.assert_allclose(p.probabilities.sum(axis=1), 1.0, rtol=1e-6)

    def test_cgp_load_reads_a_cgp_run_saved_model_and_predicts_as_cgp_run_does(self):
        path = work_file("cancer-model.json")
        subprocess.run([os.path.join(BUILD, "bin", "cgp-run"), "--quiet", "--data", CANCER, "--label", "diagnosis",
                        "--layers", "30", "4", "1", "--loss", "bce", "--standardize", "--iterations", "200",
                        "--save-model", path], check=True, capture_output=True)
        model = cgp.load(path)
        self.assertEqual(model.class_names, ["0", "1"])
        self.assertEqual(len(model.columns), 30)
        header, rows = cgp_run_predict(path, CANCER)
        with open(CANCER) as f:
            body = list(csv.reader(f))
        x = np.array([[float(r[body[0].index(c)]) for c in model.columns] for r in body[1:]])
        p = model.predict(x)
        self.assertEqual(p.columns, header[1:])  # p(0), p(1): one bce output as two probabilities
        np.testing.assert_array_equal(p.values, np.array([[float(v) for v in r[1:]] for r in rows]))
        self.assertEqual(list(p.classes), [r[0] for r in rows])

    def test_a_saved_result_loads_back_with_its_parameters(self):
        model = cgp.load(self.path)
        np.testing.assert_array_equal(model.params, self.result.params)
        self.assertEqual(model.param_names, self.result.param_names)
        self.assertEqual(model.loss, "cross-entropy")
        _, x = iris_features()
        np.testing.assert_array_equal(model.predict(x).values, self.result.predict(x).values)

    @unittest.skipIf(pandas is None, "pandas is not installed")
    def test_a_dataframe_binds_by_column_name_in_any_order_and_extra_columns_are_ignored(self):
        frame = pandas.read_csv(IRIS)
        names, x = iris_features()
        shuffled = frame[["species"] + names[::-1]]
        np.testing.assert_array_equal(self.result.predict(shuffled).values, self.result.predict(x).values)
        table = self.result.predict(frame).to_frame()
        self.assertEqual(list(table.columns), ["p(setosa)", "p(versicolor)", "p(virginica)", "class"])


class HeldOutMetrics(unittest.TestCase):
    def test_the_evaluations_are_those_of_cgp_run_json_as_arrays(self):
        r = cgp.train(IRIS, progress=False, **IRIS_RUN)
        reference = cgp_run_json(*IRIS_ARGS)["evaluation"]
        self.assertEqual(list(r.evaluation["iteration"]), [h["iteration"] for h in reference["history"]])
        for split in ("validation", "test"):
            for metric in ("loss", "accuracy"):
                np.testing.assert_array_equal(r.evaluation[f"{split}_{metric}"],
                                              [h[split][metric] for h in reference["history"]])
        self.assertEqual(r.best["iteration"], reference["best"]["iteration"])
        self.assertEqual(r.best["test"]["accuracy"], reference["best"]["test"]["accuracy"])
        self.assertEqual(r.classes, ["setosa", "versicolor", "virginica"])
        if pandas is not None:
            frame = r.evaluation_frame()
            self.assertEqual(list(frame.columns), ["iteration", "validation_loss", "validation_accuracy", "test_loss",
                                                   "test_accuracy"])

    def test_a_run_without_held_out_data_has_no_evaluation(self):
        r = cgp.train(model="one-neuron", iterations=100, progress=False)
        self.assertIsNone(r.evaluation)
        self.assertIsNone(r.best)
        with self.assertRaises(cgp.Error) as e:
            r.evaluation_frame()
        self.assertIn("no held-out data", str(e.exception))


class RealDataOptions(unittest.TestCase):
    """cgp-run's real-data outputs as keywords: the same files and the same stop as cgp-run writes."""

    def test_save_model_and_keep_best_write_the_files_cgp_run_writes(self):
        ours, best = work_file("train-save-model.json"), work_file("train-keep-best.json")
        theirs, theirs_best = work_file("run-save-model.json"), work_file("run-keep-best.json")
        cgp.train(IRIS, progress=False, save_model=ours, keep_best=best, **IRIS_RUN)
        cgp_run_json(*IRIS_ARGS, "--save-model", theirs, "--keep-best", theirs_best)
        for a, b in ((ours, theirs), (best, theirs_best)):
            self.assertEqual(cgp.load(a).params.tolist(), cgp.load(b).params.tolist())

    def test_keep_best_without_validation_data_is_refused_before_training(self):
        path = work_file("train-no-validation.json")
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(IRIS, progress=False, keep_best=path, **dict(IRIS_RUN, split="0.8,0,0.2"))
        self.assertIn("keep_best keeps the best validation model and needs validation data", str(e.exception))
        self.assertFalse(os.path.exists(path))

    def test_early_stop_on_validation_stops_where_cgp_run_stops(self):
        r = cgp.train(IRIS, progress=False, early_stop=2, early_stop_on="validation",
                      **dict(IRIS_RUN, optimizer="sgd", lr=1e-4, iterations=20000, eval_every=50))
        j = cgp_run_json("--data", IRIS, "--label", "species", "--optimizer", "sgd", "--lr", "1e-4", "--layers", "4",
                         "8", "3", "--activation", "relu", "--loss", "cross-entropy", "--split", "0.6,0.2,0.2",
                         "--standardize", "--iterations", "20000", "--log-every", "50", "--eval-every", "50",
                         "--early-stop", "2", "--early-stop-on", "validation")
        self.assertLess(j["iterations"], 20000)
        self.assertEqual((r.iterations, r.final_loss), (j["iterations"], j["final_loss"]))
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(IRIS, label="species", early_stop_on="valid", progress=False)
        self.assertIn("use 'loss' or 'validation'", str(e.exception))

    def test_the_loss_csv_has_the_evaluation_columns_cgp_run_writes(self):
        ours, theirs = work_file("train-eval-loss.csv"), work_file("run-eval-loss.csv")
        cgp.train(IRIS, progress=False, loss_csv=ours, **IRIS_RUN)
        cgp_run_json(*IRIS_ARGS, "--loss-csv", theirs)
        ours_rows, theirs_rows = open(ours).read().split(), open(theirs).read().split()
        self.assertEqual(ours_rows[0], "iteration,loss,window,validation_loss,validation_accuracy,test_loss,"
                                       "test_accuracy")
        self.assertEqual([r.split(",")[3:] for r in ours_rows], [r.split(",")[3:] for r in theirs_rows])

    def test_cgp_runs_predict_options_are_refused_with_what_to_use(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.train(IRIS, label="species", predict=IRIS, progress=False)
        self.assertIn("cgp.train does not take cgp-run's --predict", str(e.exception))
        self.assertIn("cgp.load(FILE).predict(X)", str(e.exception))


@unittest.skipIf(pandas is None, "pandas is not installed")
class ClassNames(unittest.TestCase):
    """A label column of class names, in a DataFrame or as y, trains as the CSV file with those names."""

    def test_a_dataframe_with_a_class_name_column_trains_as_its_csv_file(self):
        by_path = cgp.train(IRIS, progress=False, **IRIS_RUN)
        frame = pandas.read_csv(IRIS)
        for labels in (frame, frame.astype({"species": "category"})):
            by_frame = cgp.train(labels, progress=False, **IRIS_RUN)
            np.testing.assert_array_equal(by_frame.params, by_path.params)
            self.assertEqual(by_frame.classes, ["setosa", "versicolor", "virginica"])
            self.assertEqual(list(by_frame.evaluation["test_accuracy"]), list(by_path.evaluation["test_accuracy"]))
        p = by_frame.predict(frame)
        self.assertEqual(p.columns, ["p(setosa)", "p(versicolor)", "p(virginica)"])

    def test_one_class_column_y_trains_a_model_of_several_outputs(self):
        frame = pandas.read_csv(IRIS)
        run = {k: v for k, v in IRIS_RUN.items() if k != "label"}
        by_path = cgp.train(IRIS, progress=False, **IRIS_RUN)
        x = frame.iloc[:, :4].to_numpy()
        names = cgp.train((x, frame["species"].to_numpy()), progress=False, **run)
        np.testing.assert_array_equal(names.params, by_path.params)
        indices = cgp.train((x, frame["species"].astype("category").cat.codes.to_numpy()), progress=False, **run)
        np.testing.assert_array_equal(indices.params, by_path.params)
        self.assertEqual(indices.classes, ["0", "1", "2"])

    def test_a_missing_class_or_one_with_a_comma_names_its_row(self):
        frame = pandas.read_csv(IRIS)
        frame.loc[7, "species"] = None
        with self.assertRaises(cgp.DataError) as e:
            cgp.train(frame, progress=False, **IRIS_RUN)
        self.assertIn("DataFrame column 'species': no class at row 7 (index 7)", str(e.exception))
        frame.loc[7, "species"] = "setosa, maybe"
        with self.assertRaises(cgp.DataError) as e:
            cgp.train(frame, progress=False, **IRIS_RUN)
        self.assertIn("class 'setosa, maybe' at row 7", str(e.exception))

    def test_y_of_the_wrong_shape_says_what_shapes_are_expected(self):
        run = {k: v for k, v in IRIS_RUN.items() if k != "label"}
        with self.assertRaises(cgp.DataError) as e:
            cgp.train((np.zeros((10, 4)), np.zeros((10, 2))), progress=False, **run)
        self.assertIn("y has shape (10, 2); the model has 3 outputs (x2_0, x2_1, x2_2), so expected shape "
                      "(samples,) (one target or class column) or (samples, 3)", str(e.exception))


class BadRows(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = cgp.train(IRIS, progress=False, **dict(IRIS_RUN, iterations=50, eval_every=50)).to_model()

    def test_rows_of_the_wrong_shape_say_what_was_expected(self):
        with self.assertRaises(cgp.DataError) as e:
            self.model.predict(np.zeros((3, 5)))
        self.assertIn("X has shape (3, 5); the model reads 4 columns (sepal_length, sepal_width, petal_length, "
                      "petal_width), so expected shape (samples, 4)", str(e.exception))

    def test_rows_of_strings_name_their_dtype(self):
        with self.assertRaises(cgp.DataError) as e:
            self.model.predict(np.array([["a"] * 4]))
        self.assertIn("X has dtype <U1; expected real numbers", str(e.exception))

    def test_nan_names_its_row_and_column(self):
        _, x = iris_features()
        x[4, 1] = np.nan
        with self.assertRaises(cgp.DataError) as e:
            self.model.predict(x)
        self.assertIn("X: NaN at row 4, column 'sepal_width'", str(e.exception))
        self.assertIn("before predicting", str(e.exception))

    @unittest.skipIf(pandas is None, "pandas is not installed")
    def test_a_dataframe_missing_a_column_names_it(self):
        frame = pandas.read_csv(IRIS).drop(columns=["petal_width"])
        with self.assertRaises(cgp.DataError) as e:
            self.model.predict(frame)
        self.assertIn("the DataFrame has no column 'petal_width' that the model reads", str(e.exception))

    def test_a_missing_or_malformed_saved_model_is_a_cgp_error_naming_the_file(self):
        path = work_file("not-a-model.json")
        pathlib.Path(path).write_text('{"format": "something-else"}')
        with self.assertRaises(cgp.Error) as e:
            cgp.load(path)
        self.assertIn(path, str(e.exception))
        with self.assertRaises(cgp.Error):
            cgp.load(work_file("missing-model.json"))


if __name__ == "__main__":
    unittest.main()
