#!/usr/bin/env python3
"""peer_pytorch.py: the workloads of cgp-bench written in PyTorch, timed the way cgp-bench times its
cases (warm-up, calibrated repetitions, median of samples), on one thread. Prints one JSON document
on stdout; progress on stderr. Run by bench/compare_peers.py with an interpreter that has torch.

    python3 bench/peer_pytorch.py [--samples N] [--filter TEXT]

Case names are shared with bench/libtorch/peer_libtorch.cpp and the comparison script:
    optimizer adam|sgdplus N        one torch.optim step on N float parameters (foreach off and on;
                                    the faster is reported, and which one it was)
    graph MODEL batch B             forward + backward of one batch (MSE loss, mean over the batch)
    training MODEL batch B adam     zero_grad, forward, loss, backward, Adam step (foreach off and on)
"""
import argparse
import ctypes
import json
import os
import sys
import time

import torch

SAMPLE_SECONDS = 0.02
NETWORKS = {"multi-neuron": [4, 2, 1], "64-256-256-1": [64, 256, 256, 1]}


def median_seconds(work, samples):
    """Median seconds per call of work(): one warm-up call, a repetition count calibrated so one
    sample lasts about SAMPLE_SECONDS, then `samples` timed samples (as cgp-bench's harness)."""
    def run(calls):
        t0 = time.perf_counter()
        for _ in range(calls):
            work()
        return time.perf_counter() - t0

    run(1)
    calls = 1
    t = run(calls)
    while t < SAMPLE_SECONDS / 4 and calls < (1 << 40):
        calls *= min(max(int(SAMPLE_SECONDS / 2 / t), 2), 100) if t > 0 else 100
        t = run(calls)
    if 0 < t < SAMPLE_SECONDS:
        calls = max(1, int(calls * SAMPLE_SECONDS / t))
    per_call = sorted(run(calls) / calls for _ in range(samples))
    return per_call[len(per_call) // 2]


def make_network(widths):
    """Fully connected, a sigmoid after every layer, as cgp's layered models."""
    layers = []
    for n_in, n_out in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers)


def make_batches(count, batch, n_in, n_out):
    """Inputs uniform in [0, 1), targets 0 or 1, as cgp-bench's generated data."""
    return [(torch.rand(batch, n_in), torch.randint(0, 2, (batch, n_out)).float()) for _ in range(count)]


def make_optimizer(name, params, foreach):
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, foreach=foreach)
    return torch.optim.SGD(params, lr=0.01, momentum=0.9, dampening=0, foreach=foreach)


def blas_library():
    """The library whose sgemm_ torch's libblas.so.3 resolves to (Debian chooses it by
    update-alternatives or LD_LIBRARY_PATH), with OpenBLAS's build and kernel names where it is OpenBLAS."""
    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]

    rtld_lazy, rtld_noload = 1, 4
    try:
        blas = ctypes.CDLL("libblas.so.3", mode=rtld_lazy | rtld_noload)
    except OSError:
        return "unknown (libblas.so.3 not loaded)"
    info = DlInfo()
    sgemm = ctypes.cast(blas.sgemm_, ctypes.c_void_p)
    out = os.path.realpath(info.dli_fname.decode()) if ctypes.CDLL(None).dladdr(sgemm, ctypes.byref(info)) else "unknown"
    try:
        blas.openblas_get_config.restype = blas.openblas_get_corename.restype = ctypes.c_char_p
        out += f" ({blas.openblas_get_config().decode()}; kernels {blas.openblas_get_corename().decode()})"
    except AttributeError:
        pass
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=9)
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    results = []

    def wanted(name):
        return args.filter in name

    def record(name, seconds, variant=""):
        print(f"pytorch: {name}: {seconds * 1e6:.2f} us {variant}", file=sys.stderr)
        results.append({"name": name, "seconds": seconds, "variant": variant})

    def best_of_foreach(name, time_with):
        timings = {foreach: time_with(foreach) for foreach in (False, True)}
        foreach = min(timings, key=timings.get)
        record(name, timings[foreach], f"foreach={foreach}")

    # (1) Optimizer steps on one tensor of N float parameters with a fixed gradient.
    for optimizer in ("adam", "sgdplus"):
        for n in (1000, 100000, 10000000):
            name = f"optimizer {optimizer} {n}"
            if not wanted(name):
                continue

            def time_step(foreach):
                p = torch.empty(n).uniform_(-1, 1).requires_grad_()
                p.grad = torch.empty(n).uniform_(-1e-3, 1e-3)
                opt = make_optimizer(optimizer, [p], foreach)
                return median_seconds(opt.step, args.samples)

            best_of_foreach(name, time_step)

    # (2) Forward + backward of one batch; gradients accumulate into existing .grad tensors.
    for model, batch in (("multi-neuron", 8), ("64-256-256-1", 256)):
        name = f"graph {model} batch {batch}"
        if not wanted(name):
            continue
        widths = NETWORKS[model]
        net = make_network(widths)
        x, t = make_batches(1, batch, widths[0], widths[-1])[0]
        mse = torch.nn.functional.mse_loss

        def forward_backward():
            mse(net(x), t).backward()

        record(name, median_seconds(forward_backward, args.samples))

    # (3) Whole training iterations with Adam over a pool of pre-made batches.
    for model, batch in (("multi-neuron", 8), ("multi-neuron", 32), ("64-256-256-1", 256)):
        name = f"training {model} batch {batch} adam"
        if not wanted(name):
            continue
        widths = NETWORKS[model]
        data = make_batches(64, batch, widths[0], widths[-1])

        def time_training(foreach):
            net = make_network(widths)
            opt = make_optimizer("adam", net.parameters(), foreach)
            mse = torch.nn.functional.mse_loss
            state = {"k": 0}

            def iteration():
                x, t = data[state["k"] % len(data)]
                state["k"] += 1
                opt.zero_grad(set_to_none=True)
                mse(net(x), t).backward()
                opt.step()

            return median_seconds(iteration, args.samples)

        best_of_foreach(name, time_training)

    json.dump({"peer": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(),
               "blas": blas_library(), "results": results}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
