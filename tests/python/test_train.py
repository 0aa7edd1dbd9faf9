"""cgp.train: the same runs as cgp-run (options, defaults, results), every kind of model and data,
the result's arrays, checkpoints, early stop, divergence, progress and the released GIL."""
import os
import threading
import unittest
import warnings

import numpy as np

import cgp
from support import CSV, SOURCE, cgp_run_json, work_file

try:
    import pandas
except ImportError:
    pandas = None


class TrainLikeCgpRun(unittest.TestCase):
    def test_a_run_with_no_options_is_cgp_runs_default_run(self):
        r = cgp.train(progress=False)
        j = cgp_run_json()
        self.assertEqual(r.model, j["model"])
        self.assertEqual(r.optimizer["id"], j["optimizer"]["id"])
        self.assertEqual(r.hyperparameters, j["hyperparameters"])
        self.assertEqual((r.iterations, r.batch_size, r.seed, r.dtype, r.log_every),
                         (j["iterations"], j["batch_size"], j["seed"], j["dtype"], j["log_every"]))
        self.assertEqual(r.final_loss, j["final_loss"])
        self.assertEqual(r.min_loss, j["min_loss"])

    def test_keywords_are_cgp_runs_options_and_give_the_same_run(self):
        kw = dict(model="one-neuron", optimizer="sgdplus", lr=0.02, momentum=0.8, iterations=3000, batch_size=16,
                  seed=7, dtype="f64", log_every=50, schedule="lr=cosine(min=1e-4)", clip_norm=2.0)
        r = cgp.train(progress=False, **kw)
        j = cgp_run_json("--model", "one-neuron", "--optimizer", "sgdplus", "--lr", "0.02", "--momentum", "0.8",
                         "--iterations", "3000", "--batch-size", "16", "--seed", "7", "--dtype", "f64",
                         "--log-every", "50", "--schedule", "lr=cosine(min=1e-4)", "--clip-norm", "2")
        self.assertEqual(r.final_loss, j["final_loss"])
        self.assertEqual(r.min_iteration, j["min_iteration"])
        self.assertEqual(r.hyperparameters["momentum"], 0.8)
        self.assertIn("clip", r.transforms)

    def test_threads_split_the_wide_layers_and_end_at_the_parameters_of_one_thread(self):
        kw = dict(layers=[2, 256, 128, 1], batch_size=64, iterations=40, progress=False)
        one, two = cgp.train(threads=1, **kw), cgp.train(threads=2, **kw)
        np.testing.assert_array_equal(one.params, two.params)
        self.assertEqual(one.threads, {"count": 1, "split_layers": 0})
        self.assertEqual(two.threads, {"count": 2, "split_layers": 1})

    def test_layers_statements_and_model_files_choose_the_model(self):
        layered = cgp.train(layers=[4, 3, 1], activation="tanh", iterations=200, progress=False)
        self.assertEqual(len(layered.params), 4 * 3 + 3 + 3 * 1 + 1)
        self.assertEqual(len(layered.inputs), 4)
        stated = cgp.train(expr=["xh=tanh(a*x1+b*x2)", "xy=sigmoid(c*xh)"], output="xy", iterations=200,
                           progress=False)
        self.assertEqual(stated.param_names, ["a", "b", "c"])
        self.assertEqual(stated.inputs, ["x1", "x2"])
        from_file = cgp.train(model=os.path.join(SOURCE, "examples", "models", "one-neuron.cgp"), iterations=200,
                              progress=False)
        preset = cgp.train(model="one-neuron", iterations=200, progress=False)
        self.assertEqual(from_file.param_names, preset.param_names)


class ResultArrays(unittest.TestCase):
    def test_the_loss_record_and_parameters_are_numpy_arrays(self):
        r = cgp.train(model="one-neuron", iterations=1050, log_every=100, progress=False)
        self.assertEqual(r.record.dtype.names, ("iteration", "loss", "window", "seconds"))
        np.testing.assert_array_equal(r.record["iteration"], list(range(100, 1001, 100)) + [1050])
        np.testing.assert_array_equal(r.record["window"], [100] * 10 + [50])
        self.assertEqual(r.loss[-1], r.final_loss)
        self.assertEqual(r.min_loss, r.loss.min())
        self.assertEqual(r.params.dtype, np.float64)
        self.assertEqual(len(r.params), len(r.param_names))
        self.assertEqual(list(r.param_dict()), r.param_names)
        self.assertEqual(r.metrics["final_loss"], r.final_loss)

    @unittest.skipIf(pandas is None, "pandas is not installed")
    def test_the_loss_record_is_a_dataframe_too(self):
        r = cgp.train(model="one-neuron", iterations=500, progress=False)
        frame = r.to_frame()
        self.assertEqual(list(frame.columns), ["iteration", "loss", "window", "seconds"])
        self.assertEqual(frame["loss"].tolist(), r.loss.tolist())

    def test_the_loss_csv_holds_the_record(self):
        path = work_file("train-loss.csv")
        r = cgp.train(model="one-neuron", iterations=300, loss_csv=path, progress=False)
        rows = open(path).read().split()
        self.assertEqual(rows[0], "iteration,loss,window")
        self.assertEqual(len(rows), 1 + len(r.record))


class Data(unittest.TestCase):
    @unittest.skipIf(pandas is None, "pandas is not installed")
    def test_a_dataframe_trains_as_its_csv_file_does(self):
        frame = pandas.read_csv(CSV)
        # one-neuron's inputs are xa..xd: bound by name, whatever the column order
        by_path = cgp.train(CSV, model="one-neuron", label="class", iterations=500, standardize=True,
                            progress=False)
        by_frame = cgp.train(frame[["class", "xd", "xb", "xa", "xc"]], model="one-neuron", label="class",
                             iterations=500, standardize=True, progress=False)
        self.assertEqual(by_frame.final_loss, by_path.final_loss)
        np.testing.assert_array_equal(by_frame.params, by_path.params)
        self.assertIn("DataFrame", by_frame.data)
        # multi-neuron's inputs are xp..xs: no column names one, so the columns bind by position
        by_path = cgp.train(CSV, label="class", iterations=500, progress=False)
        by_frame = cgp.train(frame, label="class", iterations=500, progress=False)
        self.assertEqual(by_frame.final_loss, by_path.final_loss)

    def test_arrays_bind_by_position(self):
        table = np.loadtxt(CSV, delimiter=",", skiprows=1)
        by_path = cgp.train(CSV, label="class", iterations=500, progress=False)
        by_arrays = cgp.train((table[:, :4], table[:, 4]), iterations=500, progress=False)
        self.assertEqual(by_arrays.final_loss, by_path.final_loss)
        self.assertTrue(by_arrays.data.startswith("arrays"))
        as_f32 = cgp.train((table[:, :4].astype(np.float32), table[:, 4].astype(np.int64)), iterations=10,
                           progress=False)
        self.assertEqual(as_f32.iterations, 10)


class Runs(unittest.TestCase):
    def test_a_run_resumed_from_its_checkpoint_ends_as_the_straight_run(self):
        ckpt = work_file("train.ckpt")
        straight = cgp.train(model="one-neuron", iterations=2000, progress=False)
        cgp.train(model="one-neuron", iterations=1000, checkpoint=ckpt, progress=False)
        resumed = cgp.train(model="one-neuron", iterations=2000, resume=ckpt, checkpoint=ckpt, progress=False)
        self.assertEqual(resumed.final_loss, straight.final_loss)
        np.testing.assert_array_equal(resumed.params, straight.params)

    def test_early_stop_ends_the_run_when_the_loss_stops_improving(self):
        r = cgp.train(model="one-neuron", optimizer="sgd", lr=1e-6, iterations=50000, early_stop=3,
                      min_delta=0.01, progress=False)
        self.assertEqual(r.stop, "early-stop")
        self.assertLess(r.iterations, 50000)

    def test_a_diverging_run_returns_its_result_with_a_warning(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = cgp.train(optimizer="sgd", lr=1e5, layers=[4, 8, 1], activation="none", iterations=5000,
                          progress=False)
        self.assertEqual(r.stop, "non-finite")
        self.assertIn("lr", r.message)
        self.assertTrue(any(issubclass(w.category, RuntimeWarning) for w in caught))

    def test_progress_is_reported_a_few_times_with_growing_iterations(self):
        calls = []
        r = cgp.train(layers=[4, 64, 64, 1], iterations=60000, batch_size=32,
                      progress=lambda i, n, loss, s: calls.append((i, n, s)))
        self.assertGreater(len(calls), 0)
        self.assertLessEqual(len(calls), r.seconds / 0.25 + 2)  # every 0.25 s, not every iteration
        self.assertEqual([c[0] for c in calls], sorted(c[0] for c in calls))
        self.assertTrue(all(n == 60000 for _, n, _ in calls))

    def test_python_threads_run_while_training(self):
        ticks = []
        done = threading.Event()

        def tick():
            while not done.is_set():
                ticks.append(1)
                done.wait(0.005)

        t = threading.Thread(target=tick)
        t.start()
        try:
            r = cgp.train(layers=[4, 64, 64, 1], iterations=40000, batch_size=32, progress=False)
        finally:
            done.set()
            t.join()
        self.assertGreater(r.seconds, 0.1)
        self.assertGreater(len(ticks), r.seconds / 0.005 / 4)  # the other thread was not blocked


if __name__ == "__main__":
    unittest.main()
