"""torch_step.py: cgp.torch.Optimizer against torch.optim.Adam, side by side.

1. Step time on cgp-bench's Adam step workloads (one float32 tensor of 1e3, 1e5 and 1e7 elements,
   parameters uniform in [-1, 1] and gradients in [-1e-3, 1e-3] as cgp-bench fills them) and on a
   PyTorch MLP (8 Linear(256, 256) layers: 16 tensors): torch.optim.Adam (its for-loop and foreach
   forms) and cgp's adam plugin through cgp.torch, timed in interleaved rounds (one step of each per
   round, so all three see the same machine), reported as the median and the range (min - max).
   With the build's cgp-bench found, its own figure for the plugin's step called from C++ (the
   median of its samples) is printed beside them: what cgp.torch adds is the difference.
2. Trajectory: the same MLP trained 200 steps by both, float64 and float32, the largest parameter
   difference relative to the largest parameter.

    PYTHONPATH=build/python python3 python/bench/torch_step.py [--repeats 50] [--cgp-bench build/bin/cgp-bench]
"""
import argparse
import json
import os
import subprocess
import time

import torch

import cgp.torch
from cgp import _config

SIZES = (1000, 100_000, 10_000_000)  # cgp-bench's optimizer section (apps/cgp-bench/optimizer_bench.cpp)


def one_tensor(n):
    g = torch.Generator().manual_seed(3)
    p = torch.nn.Parameter(torch.rand(n, generator=g) * 2 - 1)
    p.grad = (torch.rand(n, generator=g) * 2 - 1) * 1e-3
    return [p]


def mlp(dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(*[m for _ in range(8) for m in (torch.nn.Linear(256, 256), torch.nn.Tanh())]).to(dtype)


def mlp_params():
    params = list(mlp().parameters())
    for p in params:
        p.grad = torch.randn_like(p) * 1e-3
    return params


def side_by_side(makers, params_of, repeats):
    """{name: sorted step times}: each optimizer on its own copy of the parameters, one step of each
    per round, after one untimed step (state allocated)."""
    opts = {name: make(params_of()) for name, make in makers.items()}
    for opt in opts.values():
        opt.step()
    times = {name: [] for name in opts}
    for _ in range(repeats):
        for name, opt in opts.items():
            t = time.perf_counter()
            opt.step()
            times[name].append(time.perf_counter() - t)
    return {name: sorted(ts) for name, ts in times.items()}


def cgp_bench_adam(path):
    """cgp-bench's median seconds per adam step (SIMD form, f32) by size, or {} without cgp-bench."""
    if not path or not os.access(path, os.X_OK):
        return {}
    out = subprocess.run([path, "--section", "optimizer", "--filter", "optimizer adam ", "--json"], check=True,
                         capture_output=True, text=True).stdout
    return {row["n"]: row["seconds"] for row in json.loads(out)["optimizer"]
            if row["plugin"] == "adam" and row["form"] != "scalar"}


def trajectory(dtype, steps=200):
    ours, theirs = mlp(dtype), mlp(dtype)
    a = cgp.torch.Optimizer(ours.parameters(), plugin="adam", lr=1e-3)
    b = torch.optim.Adam(theirs.parameters(), lr=1e-3)
    for s in range(steps):
        g = torch.Generator().manual_seed(s)
        x, y = torch.randn(64, 256, generator=g, dtype=dtype), torch.randn(64, 256, generator=g, dtype=dtype)
        for net, opt in ((ours, a), (theirs, b)):
            opt.zero_grad()
            torch.nn.functional.mse_loss(net(x), y).backward()
            opt.step()
    diff = max((p - q).abs().max().item() for p, q in zip(ours.parameters(), theirs.parameters()))
    scale = max(q.abs().max().item() for q in theirs.parameters())
    return diff, diff / scale


def us(seconds):
    return f"{seconds * 1e6:,.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--cgp-bench", default=os.path.join(_config.PROGRAM_DIR, "cgp-bench"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    makers = {"torch.optim.Adam": lambda ps: torch.optim.Adam(ps, foreach=False),
              "Adam foreach=True": lambda ps: torch.optim.Adam(ps, foreach=True),
              "cgp.torch adam": lambda ps: cgp.torch.Optimizer(ps, plugin="adam")}
    bench = cgp_bench_adam(args.cgp_bench)
    print(f"torch {torch.__version__}, 1 thread; microseconds per step: median (min - max) of {args.repeats} "
          f"interleaved rounds (10 for 1e7); cgp-bench: the plugin's step from C++, median of its samples")
    workloads = [(f"1 tensor of {n:,}", n, lambda n=n: one_tensor(n)) for n in SIZES]
    workloads.append(("MLP 8 x Linear(256, 256)", None, mlp_params))
    for name, n, params_of in workloads:
        times = side_by_side(makers, params_of, args.repeats if n != 10_000_000 else 10)
        medians = {k: ts[len(ts) // 2] for k, ts in times.items()}
        cells = [f"{k} {us(medians[k])} ({us(ts[0])} - {us(ts[-1])})" for k, ts in times.items()]
        best_torch = min(medians["torch.optim.Adam"], medians["Adam foreach=True"])
        ratio = medians["cgp.torch adam"] / best_torch
        extra = f"; cgp-bench {us(bench[n])}" if n in bench else ""
        print(f"{name}: " + "; ".join(cells) + f"; cgp / best torch {ratio:.2f}{extra}")
    for dtype in (torch.float64, torch.float32):
        diff, rel = trajectory(dtype)
        print(f"trajectory, MLP, 200 Adam steps, {str(dtype).split('.')[1]}: max |cgp - torch| = {diff:.3g} "
              f"({rel:.3g} of the largest parameter)")


if __name__ == "__main__":
    main()
