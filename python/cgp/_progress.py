"""Progress of a training run: one line that updates in place (a notebook's output area, or a
terminal), never one line per update, so a long run does not flood a notebook."""
import sys


def _notebook():
    """The IPython display functions when running inside a Jupyter kernel, else None."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return None
    try:
        from IPython import get_ipython
        from IPython.display import display, update_display
    except ImportError:
        return None
    ip = get_ipython()
    if ip is None or not hasattr(ip, "kernel"):
        return None
    return display, update_display


def _line(label, iteration, total, loss, seconds):
    percent = 100.0 * iteration / total if total else 100.0
    loss_text = "-" if loss != loss else f"{loss:.6f}"
    return f"{label}: iteration {iteration}/{total} ({percent:.0f}%), loss {loss_text}, {seconds:.1f} s"


class Progress:
    """Called as progress(iteration, total, loss, seconds) while a run trains; close() at the end.

    show: "auto" (a notebook's output area or a terminal's stderr, nothing when neither), True
    (the same, or stderr lines when neither), False (nothing), or a function called with the
    same four values."""

    def __init__(self, show, label):
        self.label = label
        self.callback = show if callable(show) else None
        self.notebook = _notebook() if show and not callable(show) else None
        self.terminal = (show is True or (show == "auto" and sys.stderr.isatty())) and self.notebook is None \
            and self.callback is None
        self.handle = None
        self.shown = False
        self.total = 0

    @property
    def active(self):
        return self.callback is not None or self.notebook is not None or self.terminal

    def __call__(self, iteration, total, loss, seconds):
        if self.callback is not None:
            self.callback(iteration, total, loss, seconds)
            return
        self.total = total
        text = _line(self.label, iteration, total, loss, seconds)
        if self.notebook is not None:
            display, update_display = self.notebook
            if self.handle is None:
                self.handle = display({"text/plain": text}, raw=True, display_id=True)
            else:
                self.handle.update({"text/plain": text}, raw=True)
        elif self.terminal:
            sys.stderr.write("\r" + text)
            sys.stderr.flush()
        self.shown = True

    def close(self, iterations, loss, seconds):
        """The last line: where the run ended."""
        if self.callback is not None or not self.shown:
            return
        self(iterations, self.total, loss, seconds)
        if self.terminal:
            sys.stderr.write("\n")
            sys.stderr.flush()
