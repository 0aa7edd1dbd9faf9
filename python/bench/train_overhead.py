"""train_overhead.py: what one cgp.train call costs on top of its training loop, against the same
run in cgp-run (a process: start, plugin load, report). For each run: the call's (or process's)
wall time and the training time the run itself reports (TrainSummary::seconds), medians of
--repeats.

    PYTHONPATH=build/python python3 python/bench/train_overhead.py --cgp-run build/bin/cgp-run
"""
import argparse
import json
import subprocess
import time

import numpy as np

import cgp

RUNS = [
    ("multi-neuron adam, 20000 iterations (cgp-run's default)", {}),
    ("one-neuron sgd, 100 iterations", {"model": "one-neuron", "optimizer": "sgd", "iterations": 100}),
    ("layers 4 64 64 1, 5000 iterations, batch 32",
     {"layers": [4, 64, 64, 1], "iterations": 5000, "batch_size": 32}),
]


def command_line(kw):
    args = []
    for k, v in kw.items():
        values = v if isinstance(v, list) else [v]
        args += [f"--{k.replace('_', '-')}"] + [str(x) for x in values]
    return args


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cgp-run", default="build/bin/cgp-run")
    parser.add_argument("--repeats", type=int, default=15)
    a = parser.parse_args()
    print(f"{'run':<52} {'cgp.train call':>15} {'its training':>13} {'cgp-run process':>16} {'its training':>13}")
    for name, kw in RUNS:
        calls, trains, procs, ptrains = [], [], [], []
        for _ in range(a.repeats):
            t = time.perf_counter()
            r = cgp.train(progress=False, **kw)
            calls.append(time.perf_counter() - t)
            trains.append(r.seconds)
            t = time.perf_counter()
            out = subprocess.run([a.cgp_run, "--json", "--quiet", *command_line(kw)], capture_output=True,
                                 check=True, text=True).stdout
            procs.append(time.perf_counter() - t)
            ptrains.append(json.loads(out)["seconds"])
        m = lambda v: float(np.median(v)) * 1e3
        print(f"{name:<52} {m(calls):>12.2f} ms {m(trains):>10.2f} ms {m(procs):>13.2f} ms {m(ptrains):>10.2f} ms")


if __name__ == "__main__":
    main()
