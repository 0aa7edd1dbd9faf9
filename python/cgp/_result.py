"""The result of cgp.train: the loss record and the parameters as numpy arrays (the record also as
a pandas DataFrame), the held-out evaluations, the summary cgp-run prints, what identifies the run,
and the trained model (save, predict)."""
import os
import tempfile

import numpy as np

from . import _cgp
from ._errors import Error

RECORD_DTYPE = np.dtype([("iteration", np.uint64), ("loss", np.float64), ("window", np.uint64),
                         ("seconds", np.float64)])


class Result:
    """A finished (or stopped) training run.

    record      the loss record: a structured array with fields iteration (last iteration of the
                window), loss (mean batch loss over the window), window (its iterations), seconds
    loss        record["loss"]
    params      the trained parameters (float64), in the model's parameter order; param_names
    metrics     final_loss, min_loss, min_iteration
    stop        "completed", "early-stop", "non-finite" or "interrupted"; message says why
    evaluation  with held-out data (validation=, test=, split=): a structured array, one row per
                evaluation (every eval_every iterations and at the end), fields iteration and
                validation_loss, validation_accuracy (or validation_mae, validation_r2), the same
                for test; None without held-out data. evaluation_frame() as a DataFrame
    best        the best validation point: dict(iteration, validation={...}, test={...}), or None
    classes     a class model's class names (empty otherwise)
    save(path)  the trained model in the saved-model format (cgp-run --save-model's)
    predict(X)  predictions of the trained model (cgp.Predictions), as cgp-run --predict gives
    """

    def __init__(self, raw, data_description=None):
        r = raw["records"]
        record = np.empty(len(r["loss"]), dtype=RECORD_DTYPE)
        for field in RECORD_DTYPE.names:
            record[field] = r[field]
        self.record = record
        self.params = raw["params"]
        self.param_names = list(raw["param_names"])
        self.model = raw["model"]
        self.inputs = list(raw["inputs"])
        self.outputs = list(raw["outputs"])
        self.optimizer = dict(raw["optimizer"])
        self.hyperparameters = dict(raw["hyperparameters"])
        self.data = data_description or raw["data"]
        self.dtype = raw["dtype"]
        self.simd = dict(raw["simd"])
        self.threads = dict(raw["threads"])
        self.batch_size = raw["batch_size"]
        self.seed = raw["seed"]
        self.log_every = raw["log_every"]
        self.iterations = raw["iterations"]
        self.steps = raw["steps"]
        self.skipped = raw["skipped"]
        self.final_loss = raw["final_loss"]
        self.min_loss = raw["min_loss"]
        self.min_iteration = raw["min_iteration"]
        self.seconds = raw["seconds"]
        self.iterations_per_second = raw["iterations_per_second"]
        self.stop = raw["stop"]
        self.message = raw["message"]
        self.transforms = raw["transforms"]
        self.notes = list(raw["notes"])
        self._document = raw["saved_model"]
        self._document_error = raw.get("saved_model_error", "")
        self._model = None
        e = raw["evaluation"]
        self.evaluation = None
        self.best = None
        self.classes = []
        if e is not None:
            columns = e["columns"]
            names = list(columns.keys())
            dtype = np.dtype([(n, np.uint64 if n == "iteration" else np.float64) for n in names])
            self.evaluation = np.empty(len(columns["iteration"]), dtype=dtype)
            for n in names:
                self.evaluation[n] = columns[n]
            self.best = None if e["best"] is None else dict(e["best"])
            self.classes = list(e["classes"])

    @property
    def loss(self):
        return self.record["loss"]

    @property
    def metrics(self):
        return {"final_loss": self.final_loss, "min_loss": self.min_loss, "min_iteration": self.min_iteration}

    def param_dict(self):
        """The parameters by name."""
        return dict(zip(self.param_names, self.params.tolist()))

    def to_frame(self):
        """The loss record as a pandas DataFrame (columns iteration, loss, window, seconds)."""
        try:
            import pandas
        except ImportError as e:
            raise ImportError("Result.to_frame needs pandas (apt-get install python3-pandas); the record is "
                              "also result.record, a numpy array") from e
        return pandas.DataFrame({name: self.record[name] for name in RECORD_DTYPE.names})

    def evaluation_frame(self):
        """The held-out evaluations as a pandas DataFrame (the columns of result.evaluation)."""
        if self.evaluation is None:
            raise Error("the run had no held-out data; give validation=, test= or split= to cgp.train")
        import pandas
        return pandas.DataFrame({name: self.evaluation[name] for name in self.evaluation.dtype.names})

    def save(self, path):
        """Writes the trained model (the last parameters) in the saved-model format, atomically;
        cgp.load(path) and cgp-run --predict --saved-model read it."""
        if self._document is None:
            raise Error(f"this run's model cannot be saved: {self._document_error}")
        _cgp.write_saved_model(self._document, os.fspath(path))

    def to_model(self):
        """The trained model as a cgp.Model (what cgp.load gives for the saved file)."""
        if self._model is None:
            from ._model import Model
            with tempfile.TemporaryDirectory(prefix="cgp-model-") as folder:
                path = os.path.join(folder, "model.json")
                self.save(path)
                self._model = Model(_cgp.read_saved_model(path), "cgp.train's result")
        return self._model

    def predict(self, X):
        """Predictions of the trained model for X (a DataFrame with the model's columns, or an array
        of shape (samples, inputs)): cgp.Predictions with values, and classes for a class model."""
        return self.to_model().predict(X)

    def __repr__(self):
        return (f"<cgp.Result {self.model} with {self.optimizer['id']}: {self.iterations} iterations, final loss "
                f"{self.final_loss:.6g}, {self.stop}>")
