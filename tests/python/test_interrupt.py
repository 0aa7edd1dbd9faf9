"""Ctrl-C (SIGINT, a notebook's interrupt) during cgp.train: the run stops after its iteration,
KeyboardInterrupt carries the run so far, a checkpoint is written, and the next run is unaffected."""
import os
import signal
import threading
import unittest

import cgp
from support import work_file

LONG = dict(layers=[4, 64, 64, 1], batch_size=32, iterations=10_000_000, progress=False)


def interrupt_after(seconds):
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


class CtrlC(unittest.TestCase):
    def test_sigint_stops_the_run_and_raises_keyboard_interrupt_with_the_result(self):
        interrupt_after(0.5)
        with self.assertRaises(KeyboardInterrupt) as e:
            cgp.train(**LONG)
        r = e.exception.result
        self.assertEqual(r.stop, "interrupted")
        self.assertGreater(r.iterations, 0)
        self.assertLess(r.iterations, LONG["iterations"])
        self.assertEqual(len(r.params), len(r.param_names))

    def test_the_run_after_an_interrupted_one_trains_to_the_end(self):
        interrupt_after(0.3)
        with self.assertRaises(KeyboardInterrupt):
            cgp.train(**LONG)
        r = cgp.train(model="one-neuron", iterations=500, progress=False)
        self.assertEqual((r.stop, r.iterations), ("completed", 500))

    def test_an_interrupted_run_keeps_its_checkpoint_and_resumes_from_it(self):
        ckpt = work_file("interrupted.ckpt")
        interrupt_after(0.5)
        with self.assertRaises(KeyboardInterrupt) as e:
            cgp.train(checkpoint=ckpt, **LONG)
        stopped_at = e.exception.result.iterations
        self.assertTrue(os.path.exists(ckpt))
        resumed = cgp.train(resume=ckpt, checkpoint=ckpt, **dict(LONG, iterations=stopped_at + 100))
        self.assertEqual(resumed.iterations, stopped_at + 100)


if __name__ == "__main__":
    unittest.main()
