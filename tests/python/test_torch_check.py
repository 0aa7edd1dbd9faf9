"""tools/torch_check.py retrains a cgp-run trace in PyTorch for every plugin with torch.optim semantics
(and lion; lbfgs through its closure), at non-default options, and finds the same f64 loss record; a plugin without a PyTorch
counterpart is refused with a message listing the supported ones. Skipped, with the reason, where torch
is missing."""
import contextlib
import io
import os
import shutil
import subprocess
import sys
import unittest

from support import BUILD, SOURCE, WORK

try:
    import torch  # noqa: F401  (torch_check imports it itself)
except ImportError:
    torch = None
NO_TORCH = "torch is not installed (apt-get install python3-torch)"

sys.path.insert(0, os.path.join(SOURCE, "tools"))
import torch_check  # noqa: E402

# Per plugin: cgp-run options away from the defaults, turning on its variants.
CASES = {
    "sgd": ["--lr", "0.05", "--weight-decay", "0.01"],
    "sgdplus": ["--momentum", "0.8", "--nesterov", "1", "--weight-decay", "1e-3"],
    "adam": ["--lr", "0.01", "--amsgrad", "1", "--weight-decay", "0.01"],
    "adam-handout": ["--lr", "0.01", "--eps-inside-sqrt", "1", "--amsgrad", "1", "--weight-decay", "0.01"],
    "adamw": ["--lr", "0.01", "--amsgrad", "1", "--weight-decay", "0.05"],
    "adamax": ["--weight-decay", "0.01", "--beta1", "0.8"],
    "nadam": ["--momentum-decay", "0.01"],
    "radam": ["--lr", "0.01", "--weight-decay", "0.01"],
    "rmsprop": ["--momentum", "0.5", "--centered", "1", "--weight-decay", "0.01"],
    "adagrad": ["--lr-decay", "0.01", "--initial-accumulator-value", "0.1"],
    "adadelta": ["--rho", "0.8", "--weight-decay", "0.01"],
    "rprop": ["--etaminus", "0.3", "--etaplus", "1.5"],
    "asgd": ["--lambd", "1e-3", "--t0", "5"],
    "lion": ["--lr", "1e-3", "--weight-decay", "0.1"],
    "lbfgs": ["--history-size", "3", "--max-iter", "5", "--lr", "0.5"],
    "lbfgs-wolfe": ["--line-search", "1", "--max-iter", "4"],
}
# L-BFGS with its line search on this saturating model amplifies a 1-ulp difference in a gradient to
# 1e-5 within 16 steps (torch against itself with one initial parameter moved by one ulp departs as
# fast), so that case is short here; the recorded trajectories (torch_parity_test) match it bit for
# bit on well-conditioned problems.
ITERATIONS = {"lbfgs-wolfe": 12}


def trace(name, optimizer, options):
    """A fresh trace of 300 f64 iterations (or ITERATIONS[name]) of the multi-neuron preset."""
    folder = os.path.join(WORK, "torch-check-" + name)
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([os.path.join(BUILD, "bin", "cgp-run"), "--optimizer", optimizer, *options, "--dtype", "f64",
                    "--iterations", str(ITERATIONS.get(name, 300)), "--quiet", "--trace", folder], check=True, capture_output=True)
    return folder


def retrain(folder):
    """torch_check.py's exit status, standard output and standard error on the trace."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["torch_check.py", folder]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            torch_check.main()
        status = 0
    except SystemExit as e:
        status = e.code
    finally:
        sys.argv = argv
    return status, out.getvalue(), err.getvalue()


@unittest.skipIf(torch is None, NO_TORCH)
class TorchCheckTest(unittest.TestCase):
    def test_every_torch_optim_plugin_retrains_to_the_same_f64_losses_at_non_default_options(self):
        for name, options in CASES.items():
            with self.subTest(plugin=name):
                status, out, err = retrain(trace(name, name.split("-")[0], options))
                self.assertEqual(status, 0, out + err)
                self.assertIn("largest relative difference", out)

    def test_a_plugin_without_a_pytorch_counterpart_is_refused_with_the_supported_ones(self):
        status, out, err = retrain(trace("lamb", "lamb", []))
        self.assertEqual(status, 2)
        self.assertIn("optimizer 'lamb'", err)
        self.assertIn("has no PyTorch counterpart here; supported: adadelta, adagrad, adam", err)


if __name__ == "__main__":
    unittest.main()
