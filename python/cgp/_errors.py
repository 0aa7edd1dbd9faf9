"""cgp's exceptions. Each carries cgp's whole message: what failed, where, and what to try."""


class Error(Exception):
    """A failure cgp reports: bad input, a plugin that does not load, a run that cannot start."""


class SourceError(Error):
    """An error at a place in a text the user wrote (model file, statement, CSV file).

    file, line and column say where (line and column 1-based); message is the error alone, str() the
    whole report with the source line and a caret under the column.
    """

    def __init__(self, text, file="", line=0, column=0, message=""):
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.message = message or text


class UsageError(Error, TypeError):
    """A wrong argument: an unknown keyword (with the nearest names), a bad value or combination."""


class DataError(Error, ValueError):
    """Data that cannot be trained on: wrong shape or dtype, NaN, a missing column."""


class TensorError(Error, ValueError):
    """A tensor cgp.torch.Optimizer cannot step: not on the CPU, not contiguous, not float32/float64."""
