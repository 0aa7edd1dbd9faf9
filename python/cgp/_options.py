"""Keyword arguments as the command-line options of a cgp program: `batch_size=32` is
`--batch-size=32`, `decay_biases=True` is `--decay-biases`, a list repeats a repeatable option.
An unknown keyword is refused with the nearest names."""
import difflib
import functools
import inspect
import os

from ._errors import UsageError


def option_text(value):
    """A value as the option parser reads it: floats exactly (repr), booleans as 1/0, paths as text."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return option_text(value.item())
    return str(value)


def unknown_keyword(caller, key, names):
    """The UsageError for an unknown keyword, naming the closest known ones."""
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else f"{caller}'s keywords are: {', '.join(sorted(names))}"
    return UsageError(f"{caller}: unknown keyword '{key}'\nhint: {hint}")


def checked_keywords(function):
    """`function` with an unknown keyword refused as a UsageError naming the nearest keywords (where
    Python's own TypeError names none)."""
    names = [p.name for p in inspect.signature(function).parameters.values()
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    @functools.wraps(function)
    def call(*args, **kwargs):
        for key in kwargs:
            if key not in names:
                raise unknown_keyword(f"cgp.{function.__name__}", key, names)
        return function(*args, **kwargs)
    return call


def to_args(caller, kwargs, options):
    """The argument list for `kwargs`; options: dicts with name (the option's spelling) and kind
    (flag, list or value). None values are left out (the option's default)."""
    by_key = {o["name"].replace("-", "_"): o for o in options}
    args = []
    for key, value in kwargs.items():
        if value is None:
            continue
        option = by_key.get(key)
        if option is None:
            raise unknown_keyword(caller, key, list(by_key))
        name = option["name"]
        if option["kind"] == "flag":
            if not isinstance(value, bool) and type(value).__name__ != "bool_":
                raise UsageError(f"{caller}: {key}={value!r}: expected True or False")
            if value:
                args.append(f"--{name}")
        elif option["kind"] == "list":
            values = [value] if isinstance(value, (str, bytes, int, float, os.PathLike)) else list(value)
            args.extend(f"--{name}={option_text(v)}" for v in values)
        else:
            if isinstance(value, (list, tuple)):
                raise UsageError(f"{caller}: {key} takes one value, not {type(value).__name__} {value!r}")
            args.append(f"--{name}={option_text(value)}")
    return args
