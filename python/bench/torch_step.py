"""torch_step.py: cgp.torch.Optimizer against torch.optim.Adam, side by side.

1. Step time on cgp-bench's Adam step workloads (one float32 tensor of 1e3, 1e5 and 1e7 elements)
   and on a PyTorch MLP (8 Linear(256, 256) layers: 16 tensors): the median over repeated steps,
   for torch.optim.Adam (for-loop and foreach forms) and cgp's adam plugin.
2. Trajectory: the same MLP trained 200 steps by both, float64 and float32, the largest parameter
   difference relative to the largest parameter.

    PYTHONPATH=build/python python3 python/bench/torch_step.py [--repeats 50]
"""
import argparse
import time

import torch

import cgp.torch


def median_step(make, params_of, repeats):
    params = params_of()
    for p in params:
        p.grad = torch.randn_like(p)
    opt = make(params)
    opt.step()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        opt.step()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def mlp(dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(*[m for _ in range(8) for m in (torch.nn.Linear(256, 256), torch.nn.Tanh())]).to(dtype)


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread; median of {args.repeats} steps")
    print(f"{'workload':<28} {'torch Adam':>12} {'torch foreach':>14} {'cgp adam':>12} {'cgp/torch':>10}")
    workloads = [(f"1 tensor of {n:,} (f32)", lambda n=n: [torch.nn.Parameter(torch.randn(n))])
                 for n in (1000, 100_000, 10_000_000)]
    workloads.append(("MLP 8x Linear(256,256) (f32)", lambda: list(mlp().parameters())))
    for name, params_of in workloads:
        repeats = args.repeats if "10,000,000" not in name else max(5, args.repeats // 5)
        t_torch = median_step(lambda ps: torch.optim.Adam(ps, foreach=False), params_of, repeats)
        t_foreach = median_step(lambda ps: torch.optim.Adam(ps, foreach=True), params_of, repeats)
        t_cgp = median_step(lambda ps: cgp.torch.Optimizer(ps, plugin="adam"), params_of, repeats)
        print(f"{name:<28} {t_torch * 1e6:>10.1f}us {t_foreach * 1e6:>12.1f}us {t_cgp * 1e6:>10.1f}us "
              f"{t_cgp / min(t_torch, t_foreach):>10.2f}")
    for dtype in (torch.float64, torch.float32):
        diff, rel = trajectory(dtype)
        print(f"trajectory, MLP, 200 Adam steps, {str(dtype).split('.')[1]}: max |cgp - torch| = {diff:.3g} "
              f"({rel:.3g} of the largest parameter)")


if __name__ == "__main__":
    main()
