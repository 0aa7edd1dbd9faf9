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
