"""cgp.plugins, cgp.sweep and cgp.conformance return data: the plugins and their hyperparameters,
the sweep's results table as a DataFrame (with each run's loss record), one row per check."""
import os
import subprocess
import unittest

import numpy as np

import cgp
from support import BUILD

try:
    import pandas
except ImportError:
    pandas = None


class Plugins(unittest.TestCase):
    def test_every_plugin_cgp_run_lists_is_there_with_its_hyperparameters(self):
        listed = subprocess.run([os.path.join(BUILD, "bin", "cgp-run"), "--list-optimizers"], check=True,
                                capture_output=True, text=True).stdout
        ids = sorted(line.split()[0] for line in listed.splitlines() if line and not line.startswith(" "))
        found = cgp.plugins()
        self.assertEqual(sorted(p["id"] for p in found), ids)
        adam = next(p for p in found if p["id"] == "adam")
        lr = next(h for h in adam["hyperparameters"] if h["name"] == "lr")
        self.assertEqual(lr["default"], 1e-3)
        self.assertEqual(lr["option"], "lr")
        self.assertEqual(adam["state_count"], 2)
        self.assertTrue(os.path.isfile(adam["path"]))

    def test_train_options_list_the_hyperparameters_of_the_optimizer(self):
        names = {o["name"]: o for o in cgp.train_options("adam")}
        self.assertEqual(names["beta1"]["group"], "hyperparameter")
        self.assertEqual(names["batch_size"]["option"], "--batch-size")
        self.assertEqual(names["standardize"]["kind"], "flag")
        self.assertEqual(names["expr"]["kind"], "list")
        self.assertNotIn("plot", names)


class ArrayOptimizer(unittest.TestCase):
    def test_sgd_on_an_array_is_p_minus_lr_times_g(self):
        opt = cgp.ArrayOptimizer("sgd", size=5, lr=0.1)
        p = np.arange(5.0)
        g = np.array([1.0, -2.0, 0.5, 0.0, 4.0])
        opt.step(p, g)
        np.testing.assert_array_equal(p, np.arange(5.0) - 0.1 * g)

    def test_adam_steps_match_the_closed_form_first_step(self):
        # Adam's first step is -lr * g / (|g| + eps / sqrt(1 - beta2)) after bias correction: about -lr*sign(g).
        opt = cgp.ArrayOptimizer("adam", size=3, lr=0.01)
        p = np.zeros(3)
        g = np.array([2.0, -0.5, 1e-3])
        opt.step(p, g)
        m = 0.1 * g / (1 - 0.9)
        v = 0.001 * g * g / (1 - 0.999)
        np.testing.assert_allclose(p, -0.01 * m / (np.sqrt(v) + 1e-8), rtol=1e-10)
        self.assertEqual(opt.t, 1)

    def test_a_wrong_array_says_what_was_expected(self):
        opt = cgp.ArrayOptimizer("sgd", size=3)
        with self.assertRaises(cgp.UsageError) as e:
            opt.step(np.zeros(4), np.zeros(4))
        self.assertIn("expected a numpy array of shape (3,) and dtype float64", str(e.exception))


@unittest.skipIf(pandas is None, "pandas is not installed")
class Sweep(unittest.TestCase):
    def test_a_sweep_returns_its_table_and_each_runs_record(self):
        table = cgp.sweep(models=["one-neuron"], optimizers=["sgd", "adam"], grid={"lr": [1e-2, 1e-3]},
                          iterations=1000, jobs=2)
        self.assertEqual(len(table), 4)
        self.assertEqual(list(table.columns[:3]), ["model", "optimizer", "lr"])
        self.assertEqual(sorted(set(table["optimizer"])), ["adam", "sgd"])
        self.assertEqual(len(table.attrs["records"]), 4)
        row = table[(table["optimizer"] == "sgd") & (table["lr"] == 1e-2)].iloc[0]
        alone = cgp.train(model="one-neuron", optimizer="sgd", lr=1e-2, iterations=1000, progress=False)
        self.assertAlmostEqual(row["final_loss"], alone.final_loss, places=5)
        record = table.attrs["records"][row["runs"]]
        self.assertEqual(list(record.columns[:3]), ["iteration", "loss", "window"])
        np.testing.assert_allclose(record["loss"], alone.loss, rtol=1e-12)  # the file holds 16 digits

    def test_an_unknown_sweep_keyword_suggests_the_nearest(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.sweep(optimizers="sgd", iteration=100)
        self.assertIn("did you mean iterations", str(e.exception))

    def test_a_bad_grid_is_cgp_sweeps_message(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.sweep(optimizers="sgd", grid={"beta7": [1]}, iterations=100)
        self.assertIn("beta7", str(e.exception))


class Conformance(unittest.TestCase):
    def test_a_conforming_plugin_passes_every_check(self):
        rows = cgp.conformance("sgd", checks=["descent", "determinism"])
        self.assertEqual([r["name"] for r in rows], ["descent", "determinism"])
        self.assertEqual({r["result"] for r in rows}, {"pass"})

    def test_an_unknown_keyword_suggests_the_nearest(self):
        with self.assertRaises(cgp.UsageError) as e:
            cgp.conformance("sgd", check="descent")
        self.assertIn("cgp.conformance: unknown keyword 'check'\nhint: did you mean checks?", str(e.exception))
        with self.assertRaises(cgp.UsageError) as e:
            cgp.plugins(plugin_dirs=".")
        self.assertIn("did you mean plugin_dir?", str(e.exception))

    def test_a_nonconforming_plugin_fails_with_the_reason(self):
        plugin = os.path.join(BUILD, "tests", "plugins", "conformance", "nonconforming_crash.so")
        if not os.path.exists(plugin):
            self.skipTest("the nonconforming test plugins are not built")
        rows = cgp.conformance(plugin, checks=["descent", "lengths"], timeout=20)
        self.assertEqual([(r["name"], r["result"]) for r in rows], [("descent", "pass"), ("lengths", "fail")])
        self.assertIn("SIGSEGV", rows[1]["detail"])
        self.assertEqual(rows[1]["plugin"], plugin)

if __name__ == "__main__":
    unittest.main()
