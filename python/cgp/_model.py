"""Saved models from Python: cgp.load(path) and a Result's model give a Model that predicts, with
the same numbers as `cgp-run --predict` (the saved standardisation applied, the outputs after the
link: probabilities under a sigmoid or softmax, and the predicted class for a class model)."""
import numpy as np

from . import _cgp
from ._data import _check_finite, _is_frame, _numeric
from ._errors import DataError
from ._options import checked_keywords


class Predictions:
    """What Model.predict returns.

    values         samples x columns (float64): the outputs after the link; for a class model the
                   class probabilities, one column per class (a single bce output p gives 1 - p, p)
    columns        the name of each column of values, as in cgp-run --predict's CSV: the labels, or
                   "p(CLASS)" per class
    class_index    the predicted class per sample (int64), or None without classes
    classes        the predicted class names (an object array), or None without classes
    """

    def __init__(self, raw, model):
        self.values = raw["values"]
        self.class_index = raw["classes"]
        names = list(model.class_names)
        if self.class_index is not None:
            self.classes = np.array([names[i] for i in self.class_index], dtype=object)
            if self.values.shape[1] == 1:  # one bce output: p(class 1)
                self.values = np.hstack([1.0 - self.values, self.values])
            self.columns = [f"p({n})" for n in names]
        else:
            self.classes = None
            self.columns = list(model.labels)

    @property
    def probabilities(self):
        """The class probabilities (values) of a class model."""
        return self.values

    def to_frame(self):
        """The predictions as a pandas DataFrame, the columns of cgp-run --predict's CSV."""
        import pandas
        frame = pandas.DataFrame(self.values, columns=self.columns)
        if self.classes is not None:
            frame["class"] = self.classes
        return frame

    def __len__(self):
        return self.values.shape[0]


class Model:
    """A trained model that predicts: cgp.load(path) or Result.to_model().

    columns      the data columns it reads, in order (a DataFrame binds them by name, an array's
                 columns are taken in this order)
    labels       the label column(s); class_names the classes of a class model
    params       the parameters (float64), in param_names order
    """

    def __init__(self, saved, origin):
        self._saved = saved
        self.origin = origin
        self.columns = list(saved.columns)
        self.labels = list(saved.labels)
        self.class_names = list(saved.class_names)
        self.outputs = list(saved.outputs)
        self.params = np.asarray(saved.params, dtype=np.float64)
        self.param_names = list(saved.param_names)
        self.loss = saved.loss

    def _rows(self, X):
        columns = self.columns
        if _is_frame(X):
            have = [str(c) for c in X.columns]
            missing = [c for c in columns if c not in have]
            if missing:
                raise DataError(f"the DataFrame has no column {', '.join(repr(c) for c in missing)} that the model "
                                f"reads; its columns are: {', '.join(have)}\nhint: the model reads "
                                f"{', '.join(columns)}")
            rows = np.empty((len(X), len(columns)))
            for k, name in enumerate(columns):
                rows[:, k] = _numeric(X[name].to_numpy(), f"DataFrame column '{name}'")
            _check_finite(rows, "the DataFrame", columns, list(X.index), "predicting")
            return rows
        rows = _numeric(X, "X")
        if rows.ndim == 1 and len(columns) == 1:
            rows = rows.reshape(-1, 1)
        if rows.ndim != 2 or rows.shape[1] != len(columns):
            raise DataError(f"X has shape {rows.shape}; the model reads {len(columns)} column"
                            f"{'s' if len(columns) != 1 else ''} ({', '.join(columns)}), so expected shape "
                            f"(samples, {len(columns)})")
        _check_finite(rows, "X", columns, before="predicting")
        return np.ascontiguousarray(rows)

    def predict(self, X):
        """Predictions for X: a DataFrame with the model's columns (by name; others are ignored) or
        an array of shape (samples, len(columns)). Returns Predictions (values, classes, ...)."""
        return Predictions(self._saved.predict(self._rows(X)), self)

    def __repr__(self):
        kind = f"{len(self.class_names)} classes" if self.class_names else f"{len(self.outputs)} outputs"
        return f"<cgp.Model from {self.origin}: {len(self.columns)} columns, {kind}, loss {self.loss}>"


@checked_keywords
def load(path):
    """A saved model (cgp-run --save-model, --keep-best or Result.save) that predicts."""
    return Model(_cgp.read_saved_model(str(path)), str(path))
