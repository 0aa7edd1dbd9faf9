"""Progress while cgp.train runs: in a notebook one output that is updated in place (never one per
update), in a terminal one line rewritten with carriage returns, elsewhere nothing. The notebook
is a stand-in IPython kernel that records what is displayed."""
import io
import sys
import types
import unittest
from unittest import mock

import cgp

LONG = dict(layers=[4, 64, 64, 1], iterations=60000, batch_size=32)


class FakeHandle:
    def __init__(self, log):
        self.log = log

    def update(self, obj, raw=False):
        self.log.append(("update", obj["text/plain"]))


def fake_ipython(log):
    """sys.modules entries that make cgp's progress see a Jupyter kernel."""
    ipython = types.ModuleType("IPython")
    display = types.ModuleType("IPython.display")

    def show(obj, raw=False, display_id=False):
        log.append(("display", obj["text/plain"]))
        return FakeHandle(log)

    display.display = show
    display.update_display = lambda *a, **k: None
    ipython.display = display
    ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    return {"IPython": ipython, "IPython.display": display, "ipykernel": types.ModuleType("ipykernel")}


class Progress(unittest.TestCase):
    def test_a_notebook_gets_one_output_updated_in_place(self):
        log = []
        with mock.patch.dict(sys.modules, fake_ipython(log)):
            r = cgp.train(**LONG)
        self.assertEqual([kind for kind, _ in log].count("display"), 1)
        self.assertGreater(len(log), 1)
        self.assertLessEqual(len(log), r.seconds / 0.25 + 3)
        self.assertIn(f"iteration {r.iterations}/{r.iterations}", log[-1][1])

    def test_a_terminal_gets_one_line_rewritten(self):
        err = io.StringIO()
        err.isatty = lambda: True
        with mock.patch.object(sys, "stderr", err):
            r = cgp.train(**LONG)
        text = err.getvalue()
        self.assertEqual(text.count("\n"), 1)
        self.assertTrue(text.endswith(f"iteration {r.iterations}/{r.iterations} (100%), loss {r.final_loss:.6f}, "
                                      f"{r.seconds:.1f} s\n"))
        self.assertGreater(text.count("\r"), 1)

    def test_neither_gets_nothing_unless_asked(self):
        err = io.StringIO()
        with mock.patch.object(sys, "stderr", err):
            cgp.train(model="one-neuron", iterations=2000)
        self.assertEqual(err.getvalue(), "")


if __name__ == "__main__":
    unittest.main()
