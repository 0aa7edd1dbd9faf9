"""The result of cgp.train: the loss record and the parameters as numpy arrays (the record also as
a pandas DataFrame), the summary cgp-run prints, and what identifies the run."""
import numpy as np

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

    def __repr__(self):
        return (f"<cgp.Result {self.model} with {self.optimizer['id']}: {self.iterations} iterations, final loss "
                f"{self.final_loss:.6g}, {self.stop}>")
