"""Training data given as Python objects: a pandas DataFrame (its columns bind to the model's inputs
as a CSV file's do: by name when every input names a column, by position when none does and the
feature columns are as many as the inputs; a DataFrame naming only some inputs is refused) or arrays (X, y) (columns in the model's input
order). Both are checked here, with messages that say which array or column and what was
expected, then handed to the engine as a CSV file in a private temporary folder, so they load
exactly as `--data FILE.csv` does (same binding, --standardize, label handling)."""
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
    values = np.empty((len(frame), len(names)))
    for k, name in enumerate(names):
        values[:, k] = _numeric(frame[name].to_numpy(), f"DataFrame column '{name}'")
    _check_finite(values, "the DataFrame", names, list(frame.index))
    return names, values, labels, f"DataFrame ({len(frame)} rows)"


def _from_arrays(data, label, inputs, outputs):
    if isinstance(data, np.ndarray):
        raise UsageError("data= an array needs its labels too: pass data=(X, y)")
    if len(data) != 2:
        raise UsageError(f"data= a {type(data).__name__} of {len(data)} items; expected (X, y)")
    if label is not None:
        raise UsageError("label= names DataFrame or CSV columns; with data=(X, y) the labels are y")
    x = _numeric(data[0], "X")
    y = _numeric(data[1], "y")
    if x.ndim == 1 and len(inputs) == 1:
        x = x.reshape(-1, 1)
    if y.ndim == 1 and len(outputs) == 1:
        y = y.reshape(-1, 1)
    if x.ndim != 2 or x.shape[1] != len(inputs):
        raise DataError(f"X has shape {x.shape}; the model has {len(inputs)} input{'s' if len(inputs) != 1 else ''} "
                        f"({', '.join(inputs)}), so expected shape (samples, {len(inputs)})")
    if y.ndim != 2 or y.shape[1] != len(outputs):
        raise DataError(f"y has shape {y.shape}; the model has {len(outputs)} output"
                        f"{'s' if len(outputs) != 1 else ''} ({', '.join(outputs)}), so expected shape "
                        f"(samples,{' ' + str(len(outputs)) if len(outputs) > 1 else ''})")
    if y.shape[0] != x.shape[0]:
        raise DataError(f"X has {x.shape[0]} samples (rows) but y has {y.shape[0]}")
    if x.shape[0] == 0:
        raise DataError("X has no samples")
    _check_finite(x, "X", inputs)
    _check_finite(y, "y", outputs)
    return list(inputs) + list(outputs), np.hstack([x, y]), list(outputs), f"arrays ({x.shape[0]} samples)"


def write_table(data, label, model, folder):
    """Checks in-memory data against the model (dict with inputs and outputs) and writes it to a CSV
    file in `folder`. Returns (path, label columns, description)."""
    inputs, outputs = model["inputs"], model["outputs"]
    if _is_frame(data):
        names, values, labels, description = _from_frame(data, label, inputs, outputs)
    else:
        names, values, labels, description = _from_arrays(data, label, inputs, outputs)
    for name in names:
        if any(c in name for c in ',"\n\r'):
            raise DataError(f"column name {name!r}: a CSV column name cannot hold a comma, quote or line break")
    path = os.path.join(folder, "data.csv")
    np.savetxt(path, values, delimiter=",", header=",".join(names), comments="", fmt="%.17g")
    return path, labels, description
