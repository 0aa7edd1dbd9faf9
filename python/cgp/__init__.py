"""cgp for Python: train cgp's models with its optimizer plugins from a notebook, get the results as
numpy arrays and pandas DataFrames, and step PyTorch models with the same plugins (cgp.torch).

    import cgp
    r = cgp.train(model="one-neuron", optimizer="sgdplus", lr=1e-2, momentum=0.9, iterations=5000)
    r.loss, r.params, r.to_frame()
    cgp.sweep(optimizers=["sgd", "adam"], grid={"lr": [1e-2, 1e-3]}, iterations=2000)
    cgp.plugins(), cgp.conformance("adam")

Keywords are cgp-run's options with underscores (batch_size=32 is --batch-size 32), with the same
defaults; an optimizer's hyperparameters are keywords too (lr, beta1, eps_inside_sqrt).
"""
import os
import tempfile
import warnings

from ._errors import DataError, Error, SourceError, TensorError, UsageError
from . import _config
from . import _cgp
from . import _data
from ._arrays import ArrayOptimizer
from ._options import checked_keywords, option_text, to_args
from ._programs import conformance, sweep
from ._progress import Progress
from ._result import Result
from ._model import Model, Predictions, load

__all__ = ["train", "train_options", "plugins", "sweep", "conformance", "load", "Result", "Model", "Predictions",
           "ArrayOptimizer", "Error", "SourceError",
           "UsageError", "DataError", "TensorError"]
__version__ = _config.VERSION

_cgp.set_default_plugin_dir(_config.PLUGIN_DIR)
_options_cache = {}


def _dirs(plugin_dir):
    if plugin_dir is None:
        return []
    if isinstance(plugin_dir, (str, os.PathLike)):
        return [os.fspath(plugin_dir)]
    return [os.fspath(d) for d in plugin_dir]


@checked_keywords
def train_options(optimizer="adam", plugin_dir=None):
    """The keywords cgp.train takes with this optimizer: dicts with name (the keyword), option
    (cgp-run's spelling), kind (flag, list or value), group (option or hyperparameter) and help."""
    return [dict(o, option="--" + o["name"], name=o["name"].replace("-", "_"))
            for o in _cgp_options(option_text(optimizer), _dirs(plugin_dir))]


def train(data="generated", *, optimizer="adam", label=None, progress="auto", plugin_dir=None, **options):
    """Trains a model with an optimizer plugin, as cgp-run does; returns a Result.

    data: "generated" (CGP's two Gaussian classes), a CSV path, a pandas DataFrame (columns named
    after the model's inputs, label= the label columns) or a pair (X, y) of arrays (X's columns in
    the model's input order). options: cgp-run's options and the optimizer's hyperparameters as
    keywords (cgp.train_options lists them). progress: "auto" (one updating line in a notebook or
    terminal), True, False, or a function(iteration, total, loss, seconds).

    The GIL is released while training. Ctrl-C (a notebook's interrupt) stops the run after the
    current iteration and raises KeyboardInterrupt, whose .result holds the run so far. A run
    stopped by a non-finite loss returns its Result with stop == "non-finite" and a RuntimeWarning.
    """
    dirs, optimizer = _dirs(plugin_dir), option_text(optimizer)
    reserved = ("data", "label", "optimizer", "plugin-dir")  # keywords of train itself
    known = [o for o in _cgp_options(optimizer, dirs) if o["name"] not in reserved]
    for key in options:
        instead = _cgp.options_not_taken().get(key.replace("_", "-"))
        if instead is not None:
            raise UsageError(f"cgp.train does not take cgp-run's --{key.replace('_', '-')}\nhint: {instead}")
    args = [f"--optimizer={option_text(optimizer)}"] + [f"--plugin-dir={d}" for d in dirs]
    args += to_args("cgp.train", options, known)
    with tempfile.TemporaryDirectory(prefix="cgp-data-") as folder:
        path = description = None
        if _data.is_table(data):
            path, labels, description = _data.write_table(data, label, _cgp.model_info(args), folder)
            args += [f"--data={path}"] + [f"--label={c}" for c in labels]
        else:
            args.append(f"--data={option_text(data)}")
            labels = [] if label is None else [label] if isinstance(label, str) else list(label)
            args += [f"--label={c}" for c in labels]
        show = Progress(progress, "cgp.train")
        try:
            raw = _cgp.train(args, show if show.active else None, 0.25)
        except Error as e:
            if path is not None:
                e.args = tuple(str(a).replace(path, description) for a in e.args)
            raise
    result = Result(raw, raw["data"].replace(path, description) if path else None)
    show.close(result.iterations, result.final_loss, result.seconds)
    for note in result.notes:
        warnings.warn(note, stacklevel=2)
    if raw["interrupted"]:
        stopped = KeyboardInterrupt(f"cgp.train stopped after iteration {result.iterations}; the run so far is "
                                    f"this exception's .result")
        stopped.result = result
        raise stopped
    if result.stop == "non-finite":
        warnings.warn(f"cgp.train: {result.message}", RuntimeWarning, stacklevel=2)
    return result


def _cgp_options(optimizer, dirs):
    key = (optimizer, tuple(dirs))
    if key not in _options_cache:
        _options_cache[key] = _cgp.train_options(optimizer, dirs)
    return _options_cache[key]


@checked_keywords
def plugins(plugin_dir=None):
    """Every optimizer plugin found (the folders given, CGP_PLUGIN_PATH, then cgp's own): a dict per
    plugin with id, name, version, summary, algorithm, path, abi, simd, state_count and
    hyperparameters (dicts: name, option, default, min, max, range, integer, help). Files that do
    not load are left out with a warning saying why."""
    found, failed = _cgp.plugins(_dirs(plugin_dir))
    for f in failed:
        warnings.warn(f"cgp.plugins: skipped {f['path']}: {f['error']}", stacklevel=2)
    return list(found)
