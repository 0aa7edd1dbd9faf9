"""cgp.sweep and cgp.conformance: the programs cgp-sweep and cgp-conformance, run as child
processes (conformance forks a child per check, which a Python process with threads should not do
itself), their machine-readable outputs read back as data. Ctrl-C stops the child cleanly (it
receives SIGINT and writes nothing) and raises KeyboardInterrupt."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile

from . import _config
from ._errors import Error, UsageError
from ._options import checked_keywords, option_text, to_args

_option_lists = {}


def program(name):
    """The path of a cgp program: next to this package's build or install, else on PATH."""
    path = os.path.join(_config.PROGRAM_DIR, name)
    if os.access(path, os.X_OK):
        return path
    found = shutil.which(name)
    if found is None:
        raise Error(f"{name} was not found in {_config.PROGRAM_DIR} or on PATH\nhint: build cgp (cmake --build) "
                    f"or install it (cmake --install)")
    return found


def _run(name, args):
    """Runs program `name`; returns its stdout. A failure raises Error (UsageError for exit status 2)
    with the program's message."""
    child = subprocess.Popen([program(name)] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = child.communicate()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        child.communicate()
        raise
    if child.returncode in (130, 143) or child.returncode == -signal.SIGINT:
        raise KeyboardInterrupt(f"{name} was interrupted")
    if child.returncode not in (0,) and not (name == "cgp-conformance" and child.returncode == 1 and out):
        message = err.strip() or f"{name} exited with status {child.returncode}"
        raise (UsageError if child.returncode == 2 else Error)(message)
    return out


def options_of(name):
    """The long options a program takes, read from its --help: dicts with name and kind."""
    if name not in _option_lists:
        text = _run(name, ["--help"])
        found = {}
        for line in text.splitlines():
            m = re.match(r"\s+(?:-\w \[ )?--([a-z0-9-]+)(?: \])?( arg| [A-Z]+| \[=[A-Z]+\(=\w+\)\])?", line)
            if m and m.group(1) not in found:
                found[m.group(1)] = "value" if m.group(2) else "flag"
        _option_lists[name] = [{"name": n, "kind": k} for n, k in found.items()]
    return _option_lists[name]


def _frame_module():
    try:
        import pandas
    except ImportError as e:
        raise ImportError("cgp.sweep returns a pandas DataFrame: install pandas (apt-get install python3-pandas)") \
            from e
    return pandas


def sweep(optimizers=None, models=None, grid=None, out=None, **options):
    """Runs cgp-sweep; returns its results table (results.csv) as a DataFrame, each run's loss
    record in frame.attrs["records"] (a dict from the run's file name, as in the runs column, to a
    DataFrame). grid: {"lr": [1e-2, 1e-3], ...} or a list of "KEY=V1,V2" strings. Without out= the
    results go to a temporary folder and no figures are drawn."""
    pandas = _frame_module()
    skip = {"help", "config", "optimizers", "models", "grid", "out", "quiet", "force"}
    known = [o for o in options_of("cgp-sweep") if o["name"] not in skip]
    for o in known:
        if o["name"] in ("expr", "layers", "label", "output", "plugin-dir", "schedule"):
            o["kind"] = "list"
    args = ["--quiet"] + to_args("cgp.sweep", options, known)
    if optimizers is not None:
        args.append("--optimizers=" + (optimizers if isinstance(optimizers, str) else ",".join(optimizers)))
    if models is not None:
        args.append("--models=" + (models if isinstance(models, str) else ",".join(option_text(m) for m in models)))
    if isinstance(grid, dict):
        grid = [f"{k.replace('_', '-')}={','.join(option_text(v) for v in (vs if isinstance(vs, (list, tuple)) else [vs]))}"
                for k, vs in grid.items()]
    args.extend(f"--grid={g}" for g in (grid or []))
    with tempfile.TemporaryDirectory(prefix="cgp-sweep-") as tmp:
        folder = os.fspath(out) if out is not None else os.path.join(tmp, "sweep")
        args += [f"--out={folder}", "--force"] if out is not None else [f"--out={folder}", "--no-plots"]
        _run("cgp-sweep", args)
        table = pandas.read_csv(os.path.join(folder, "results.csv"), keep_default_na=False,
                                na_values={"final_loss": ["nan"], "min_loss": ["nan"]})
        records = {}
        for runs in table["runs"]:
            for f in str(runs).split():
                records[f] = pandas.read_csv(os.path.join(folder, f))
        table.attrs["records"] = records
    return table


@checked_keywords
def conformance(plugin, checks=None, variant=None, timeout=None, plugin_dir=None):
    """Runs cgp-conformance on one plugin (a name, file name or path); returns one dict per check:
    name, result ("pass", "fail" or "skip"), detail, seconds."""
    args = ["--json", "--quiet"]
    for c in [checks] if isinstance(checks, str) else (checks or []):
        args.append(f"--check={c}")
    if variant is not None:
        args.append(f"--variant={variant}")
    if timeout is not None:
        args.append(f"--timeout={option_text(float(timeout))}")
    for d in [plugin_dir] if isinstance(plugin_dir, (str, os.PathLike)) else (plugin_dir or []):
        args.append(f"--plugin-dir={option_text(d)}")
    report = json.loads(_run("cgp-conformance", args + [option_text(plugin)]))
    return [dict(c, plugin=p["path"] or p["plugin"]) for p in report["plugins"] for c in p["checks"]]
