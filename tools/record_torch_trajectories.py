#!/usr/bin/env python3
"""record_torch_trajectories.py: records torch.optim trajectories as test data for cgp's plugins.

For every case below (a cgp plugin, hyperparameter values by cgp's names, and the torch.optim
optimizer they map to), runs torch.optim in float64 for 1000 steps on parameter vectors of lengths 1, 7
and 33 and writes tests/data/torch/<plugin>-<case>.json with the parameters (and ASGD's average) after
a subsample of the steps. tests/conformance/torch_parity_test.cpp replays each case through the plugin, in f64 (scalar and
SIMD forms) and f32, and needs no torch.

The gradient is a closed form of the parameters and the step, computed with the same double operations
here and in the C++ test, so both sides see the same gradients as long as they follow the same path:
    h_i = 0.5 + 0.25 (i mod 4),   c_i = 0.5 ((3 i) mod 7) - 1.5
    w_{t,i} = ((7919 t + 104729 i) mod 2003) / 2003 - 0.5
    g_i = sigma h_i (p_i - c_i) + scale w_{t,i}          (sigma = -1 for the maximize cases)
from p_i = 0.25 (i mod 11) - 1 at t = 0.

L-BFGS (torch.optim.LBFGS) steps with a closure, which evaluates that gradient and its loss at the
step's t wherever the optimizer asks, with a wave of amplitude a so the line search has curvature to
work on (a = 0 for the others):
    f = sum_i sigma (h_i (p_i - c_i)^2 / 2 + a sin p_i) + scale w_{t,i} p_i   (summed in index order)
    g_i = sigma (h_i (p_i - c_i) + a cos p_i) + scale w_{t,i}
Each of its steps makes up to max_iter parameter updates, so it runs fewer steps (LBFGS_STEPS) and
records torch's own counts, state["n_iter"] (iterations) and state["func_evals"] (closure calls).

Torch runs with ATEN_CPU_CAPABILITY=default (kernels without FMA contraction, like cgp's plugins) and
float64 as the default dtype, so torch's per-step scalars (NAdam's mu_product, ASGD's eta and mu) are
doubles too. Needs Debian's python3-torch; run it from the source tree:
    /usr/bin/python3 tools/record_torch_trajectories.py [--out tests/data/torch]
"""

import argparse
import json
import math
import os
import sys

from torch_optimizers import CLOSURE_PLUGINS, make

os.environ["ATEN_CPU_CAPABILITY"] = "default"

STEPS = 1000
LENGTHS = (1, 7, 33)
RECORDED = (1, 2, 3, 10, 50, 100, 200, 400, 600, 800, 1000)
SCALE = 0.1
LBFGS_STEPS = 250


# (plugin, case, cgp hyperparameters that differ from the plugin's defaults); maximize cases climb.
CASES = [
    ("sgd", "defaults", {}),
    ("sgd", "weight_decay", {"lr": 0.05, "weight_decay": 0.1}),
    ("sgd", "maximize", {"lr": 0.02, "weight_decay": 0.05, "maximize": 1}),
    ("sgdplus", "defaults", {}),
    ("sgdplus", "dampening", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgdplus", "nesterov", {"lr": 0.01, "momentum": 0.9, "nesterov": 1, "weight_decay": 0.05}),
    ("sgdplus", "maximize", {"lr": 0.01, "momentum": 0.5, "nesterov": 1, "maximize": 1}),
    ("adam", "defaults", {}),
    ("adam", "amsgrad", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "amsgrad": 1, "weight_decay": 0.01}),
    ("adam", "maximize", {"lr": 0.005, "weight_decay": 0.02, "maximize": 1}),
    ("adamw", "defaults", {"weight_decay": 0.0}),
    ("adamw", "torch_defaults", {"weight_decay": 0.01}),
    ("adamw", "amsgrad", {"lr": 0.01, "beta1": 0.85, "beta2": 0.98, "weight_decay": 0.1, "amsgrad": 1}),
    ("adamw", "maximize", {"lr": 0.003, "weight_decay": 0.05, "maximize": 1}),
    ("adamax", "defaults", {}),
    ("adamax", "weight_decay", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "eps": 1e-4, "weight_decay": 0.01}),
    ("adamax", "maximize", {"lr": 0.004, "maximize": 1}),
    ("nadam", "defaults", {}),
    ("nadam", "momentum_decay", {"lr": 0.005, "beta1": 0.8, "beta2": 0.99, "momentum_decay": 0.04,
                                 "weight_decay": 0.01}),
    ("nadam", "long_memory", {"beta1": 0.999, "momentum_decay": 1.0}),
    ("nadam", "no_momentum_decay", {"lr": 0.003, "beta1": 0.95, "momentum_decay": 0.0, "eps": 1e-6}),
    ("radam", "defaults", {}),
    ("radam", "weight_decay", {"lr": 0.01, "beta1": 0.8, "beta2": 0.9, "eps": 1e-6, "weight_decay": 0.02}),
    ("rmsprop", "defaults", {}),
    ("rmsprop", "centered", {"lr": 0.002, "alpha": 0.9, "centered": 1}),
    ("rmsprop", "momentum", {"lr": 0.001, "momentum": 0.9, "weight_decay": 0.01}),
    ("rmsprop", "centered_momentum", {"lr": 0.001, "alpha": 0.95, "eps": 1e-6, "momentum": 0.5, "centered": 1,
                                      "weight_decay": 0.02}),
    ("rmsprop", "maximize", {"lr": 0.003, "momentum": 0.3, "maximize": 1}),
    ("adadelta", "defaults", {}),
    ("adadelta", "weight_decay", {"lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01}),
    ("adadelta", "maximize", {"maximize": 1}),
    ("rprop", "defaults", {}),
    ("rprop", "clamped", {"lr": 0.02, "etaminus": 0.3, "etaplus": 1.5, "step_size_min": 1e-3,
                          "step_size_max": 0.05}),
    ("rprop", "maximize", {"lr": 0.005, "maximize": 1}),
    ("asgd", "defaults", {"t0": 0.0}),
    ("asgd", "torch_defaults", {"t0": 1e6}),
    ("asgd", "no_decay", {"lambd": 0.0, "t0": 5}),
    ("asgd", "averaging", {"lr": 0.02, "lambd": 0.01, "alpha": 0.6, "t0": 100, "weight_decay": 0.01}),
    ("asgd", "maximize", {"lr": 0.01, "lambd": 1e-3, "t0": 10, "maximize": 1}),
    ("lbfgs", "defaults", {}),
    ("lbfgs", "strong_wolfe", {"line_search": 1, "lr": 2.0}),
    ("lbfgs", "small_history", {"history_size": 2, "max_iter": 9, "max_eval": 7, "lr": 0.8,
                                "tolerance_grad": 1e-6, "tolerance_change": 1e-7}),
    ("lbfgs", "strong_wolfe_small_history", {"line_search": 1, "history_size": 1, "max_iter": 6,
                                             "tolerance_grad": 1e-6}),
]
WAVE = {"lbfgs": 0.4}


def terms(i, t):
    return 0.5 + 0.25 * (i % 4), 0.5 * ((3 * i) % 7) - 1.5, ((7919 * t + 104729 * i) % 2003) / 2003.0 - 0.5


def gradient(p, t, sigma, wave=0.0):
    g = []
    for i, x in enumerate(p):
        h, c, w = terms(i, t)
        if wave:
            g.append(sigma * (h * (x - c) + wave * math.cos(x)) + SCALE * w)
        else:
            g.append(sigma * h * (x - c) + SCALE * w)
    return g


def loss(p, t, sigma, wave):
    f = 0.0
    for i, x in enumerate(p):
        h, c, w = terms(i, t)
        f += sigma * (h * (x - c) * (x - c) / 2 + wave * math.sin(x)) + SCALE * w * x
    return f


def run(torch, plugin, hp, n, sigma):
    theta = torch.tensor([0.25 * (i % 11) - 1.0 for i in range(n)], dtype=torch.float64, requires_grad=True)
    opt = make(torch, plugin, hp, [theta])
    if opt is None:
        sys.exit(f"record_torch_trajectories.py: no torch optimizer for plugin '{plugin}' with {hp}")
    records = []
    closure_plugin = plugin in CLOSURE_PLUGINS
    steps, wave = (LBFGS_STEPS, WAVE[plugin]) if closure_plugin else (STEPS, 0.0)
    for t in range(1, steps + 1):
        if closure_plugin:
            def closure():
                x = theta.detach().tolist()
                theta.grad = torch.tensor(gradient(x, t, sigma, wave), dtype=torch.float64)
                return loss(x, t, sigma, wave)
            opt.step(closure)
        else:
            theta.grad = torch.tensor(gradient(theta.detach().tolist(), t, sigma), dtype=torch.float64)
            opt.step()
        if t in RECORDED or (closure_plugin and t % 25 == 0) or t == steps:
            record = {"t": t, "params": theta.detach().tolist()}
            if closure_plugin:
                record["n_iter"] = opt.state[theta]["n_iter"]
                record["func_evals"] = opt.state[theta]["func_evals"]
            if plugin == "asgd":  # ASGD's result is the average of the iterates, cgp's state array a
                record["average"] = opt.state[theta]["ax"].tolist()
            if plugin == "nadam":  # the running product cgp computes in closed form
                record["mu_product"] = opt.state[theta]["mu_product"].item()
            records.append(record)
    return records, repr(opt).replace("\n", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join("tests", "data", "torch"))
    parser.add_argument("--plugin", help="record only this plugin's cases")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("record_torch_trajectories.py: PyTorch is not installed; on Debian: apt-get install python3-torch")
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for plugin, case, hp in CASES:
        if args.plugin and plugin != args.plugin:
            continue
        sigma = -1.0 if hp.get("maximize", 0) else 1.0
        runs, described = [], ""
        for n in LENGTHS:
            records, described = run(torch, plugin, hp, n, sigma)
            runs.append({"length": n, "records": records})
        data = {"plugin": plugin, "case": case, "torch": f"torch {torch.__version__}: " + " ".join(described.split()),
                "hparams": hp, "steps": LBFGS_STEPS if plugin in CLOSURE_PLUGINS else STEPS, "sigma": sigma,
                "scale": SCALE, "runs": runs}
        if plugin in WAVE:
            data["wave"] = WAVE[plugin]
        path = os.path.join(args.out, f"{plugin}-{case}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")
        print(f"{path}: {described[:60]}...")


if __name__ == "__main__":
    main()
