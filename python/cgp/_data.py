"""Training data given as Python objects: a pandas DataFrame (its columns bind to the model's inputs
as a CSV file's do: by name when every input names a column, by position when none does and the
feature columns are as many as the inputs; a DataFrame naming only some inputs is refused) or arrays (X, y) (columns in the model's input
order). A label column of text (class names: str, object or category columns) stays text, so the
engine numbers its classes as it numbers a CSV file's. Both are checked here, with messages that
say which array or column and what was expected, then handed to the engine as a CSV file in a
private temporary folder, so they load exactly as `--data FILE.csv` does (same binding,
--standardize, label handling)."""
import os

import numpy as np

from ._errors import DataError, UsageError


def _is_frame(data):
    return type(data).__name__ == "DataFrame" and hasattr(data, "columns")


def is_table(data):
    """Whether `data` is in-memory data (a DataFrame or an (X, y) pair), not a source name or path."""
    return _is_frame(data) or isinstance(data, (tuple, list)) or isinstance(data, np.ndarray)


def _numeric(values, what):
    a = np.asarray(values)
    if a.dtype == bool:
        a = a.astype(np.float64)
    if not np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.complexfloating):
        raise DataError(f"{what} has dtype {a.dtype}; expected real numbers (float64, float32 or integers)")
    return a.astype(np.float64, copy=False)


def _is_text(a):
    return a.dtype.kind in "OUS" or type(a.dtype).__name__ == "CategoricalDtype"


def _label(values, what, row_labels=None):
    """A label column: real numbers (float64), or class names (text), kept as text for the engine."""
    a = np.asarray(values)
    if not _is_text(a):
        return _numeric(a, what)
    if a.dtype == object and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in a.flat):
        return _numeric(a.astype(np.float64), what)  # numbers held as Python objects
    names = []
    for row, v in enumerate(a.tolist()):
        where = f"row {row}" if row_labels is None else f"row {row} (index {row_labels[row]!r})"
        if isinstance(v, bytes):
            v = v.decode()
        if v is None or (isinstance(v, float) and v != v) or type(v).__name__ in ("NAType", "NaTType"):
            raise DataError(f"{what}: no class at {where}\nhint: drop or fill the missing values before training")
        if isinstance(v, float) and not np.isfinite(v):
            raise DataError(f"{what}: {v} at {where}; expected a class name or a number")
        text = str(v)
        if not text.strip() or any(c in text for c in ',"\n\r'):
            raise DataError(f"{what}: class {text!r} at {where}: a class name must be non-empty text without a "
                            f"comma, quote or line break")
        names.append(text)
    return np.array(names, dtype=object)


def _check_finite(a, what, column_names, row_labels=None, before="training"):
    bad = ~np.isfinite(a)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        value = "NaN" if np.isnan(a[row, col]) else str(a[row, col])
        where = f"row {row}" if row_labels is None else f"row {row} (index {row_labels[row]!r})"
        raise DataError(f"{what}: {value} at {where}, column '{column_names[col]}' ({int(bad.sum())} non-finite "
                        f"values in all)\nhint: drop or fill the missing values before {before}")


def _from_frame(frame, label, inputs, outputs):
    if label is None:
        raise UsageError(f"data=DataFrame needs label=: the label column(s), one per model output "
                         f"({', '.join(outputs)})")
    labels = [label] if isinstance(label, str) else list(label)
    columns = [str(c) for c in frame.columns]
    missing = [c for c in labels if c not in columns]
    if missing:
        raise DataError(f"the DataFrame has no label column {', '.join(repr(c) for c in missing)}; its columns are: "
                        f"{', '.join(columns)}")
    features = [c for c in columns if c not in labels]
    missing = [i for i in inputs if i not in columns]
    if not missing:
        names = list(inputs) + labels  # by name, as a CSV header binds
    elif len(missing) == len(inputs) and len(features) == len(inputs):
        names = features + labels  # no input named: by position, as a CSV file's columns bind
    else:
        raise DataError(f"the DataFrame has no column for the model input{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(repr(c) for c in missing)}; the model's inputs are {', '.join(inputs)} and the "
                        f"feature columns are: {', '.join(features)}\nhint: name a column after every input "
                        f"(frame.rename(columns={{...}})), or give exactly {len(inputs)} feature columns named after "
                        f"none of them to bind by position")
    index = list(frame.index)
    columns = [_label(frame[name].to_numpy(), f"DataFrame column '{name}'", index) if name in labels else
               _numeric(frame[name].to_numpy(), f"DataFrame column '{name}'") for name in names]
    _check_columns_finite(columns, "the DataFrame", names, index)
    return names, columns, labels, f"DataFrame ({len(frame)} rows)"


def _from_arrays(data, label, inputs, outputs):
    if isinstance(data, np.ndarray):
        raise UsageError("data= an array needs its labels too: pass data=(X, y)")
    if len(data) != 2:
        raise UsageError(f"data= a {type(data).__name__} of {len(data)} items; expected (X, y)")
    if label is not None:
        raise UsageError("label= names DataFrame or CSV columns; with data=(X, y) the labels are y")
    x = _numeric(data[0], "X")
    y = np.asarray(data[1])
    if x.ndim == 1 and len(inputs) == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2 or x.shape[1] != len(inputs):
        raise DataError(f"X has shape {x.shape}; the model has {len(inputs)} input{'s' if len(inputs) != 1 else ''} "
                        f"({', '.join(inputs)}), so expected shape (samples, {len(inputs)})")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)
    if y.ndim == 1:
        # one label column: the target of a one-output model, else a class column (class indices or
        # names), as a CSV file's one --label column is
        labels = list(outputs) if len(outputs) == 1 else [_free_name("class", inputs)]
        ys = [_label(y, "y")]
    elif y.ndim == 2 and y.shape[1] == len(outputs):
        labels = list(outputs)
        ys = [col for col in _numeric(y, "y").T]
    else:
        raise DataError(f"y has shape {y.shape}; the model has {len(outputs)} output"
                        f"{'s' if len(outputs) != 1 else ''} ({', '.join(outputs)}), so expected shape (samples,) "
                        f"(one target or class column){f' or (samples, {len(outputs)})' if len(outputs) > 1 else ''}")
    if y.shape[0] != x.shape[0]:
        raise DataError(f"X has {x.shape[0]} samples (rows) but y has {y.shape[0]}")
    if x.shape[0] == 0:
        raise DataError("X has no samples")
    _check_finite(x, "X", inputs)
    _check_columns_finite(ys, "y", labels)
    return list(inputs) + labels, list(x.T) + ys, labels, f"arrays ({x.shape[0]} samples)"


def _free_name(name, taken):
    while name in taken:
        name += "_"
    return name


def _check_columns_finite(columns, what, names, row_labels=None):
    """_check_finite over the numeric columns (class names are checked by _label)."""
    numeric = [k for k, c in enumerate(columns) if c.dtype != object]
    if numeric:
        _check_finite(np.column_stack([columns[k] for k in numeric]), what, [names[k] for k in numeric], row_labels)


def write_table(data, label, model, folder):
    """Checks in-memory data against the model (dict with inputs and outputs) and writes it to a CSV
    file in `folder` (numbers exactly, class names as text). Returns (path, label columns, description)."""
    inputs, outputs = model["inputs"], model["outputs"]
    if _is_frame(data):
        names, values, labels, description = _from_frame(data, label, inputs, outputs)
    else:
        names, values, labels, description = _from_arrays(data, label, inputs, outputs)
    for name in names:
        if any(c in name for c in ',"\n\r'):
            raise DataError(f"column name {name!r}: a CSV column name cannot hold a comma, quote or line break")
    path = os.path.join(folder, "data.csv")
    if all(c.dtype != object for c in values):
        np.savetxt(path, np.column_stack(values), delimiter=",", header=",".join(names), comments="", fmt="%.17g")
    else:
        cells = [c if c.dtype == object else np.char.mod("%.17g", c) for c in values]
        with open(path, "w") as f:
            f.write(",".join(names) + "\n")
            f.writelines(",".join(row) + "\n" for row in zip(*cells))
    return path, labels, description
