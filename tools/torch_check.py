#!/usr/bin/env python3
"""torch_check.py: trains the network of a cgp trace in PyTorch and compares the loss records.

A trace (cgp-run --trace DIR) holds the model's graph, the initial parameters, the exact batch
sequence, the optimizer with its hyperparameters, and cgp's own loss record. This script builds the
same network in PyTorch (node by node, from the graph), starts from the same parameters, feeds the
same batches, steps with the matching torch.optim optimizer, and prints both loss records side by
side with the largest relative difference.

    cgp-run --model multi-neuron --optimizer adam --lr 1e-2 --dtype f64 --iterations 5000 --trace t
    python3 tools/torch_check.py t

Optimizers: every plugin of cgp's library (docs/optimizers.md), or any plugin claiming one of their
reference algorithms, with all its hyperparameters mapped (tools/torch_optimizers.py): sgd and sgdplus
(torch.optim.SGD), adam (torch.optim.Adam; with eps_inside_sqrt=1, the course handout's
p -= lr*m^/sqrt(v^ + eps) with amsgrad, weight_decay and maximize, written with torch operations),
adamw, adamax, nadam, radam, rmsprop, adagrad, adadelta, rprop and asgd (their torch.optim classes),
lion (written with torch operations) and lbfgs (torch.optim.LBFGS, stepped with a closure that
evaluates the network's loss on the iteration's batch, as cgp's host does). Any model cgp builds is supported: the
network is evaluated from the trace's graph, so presets, layered models, model files and --expr all
work. The loss is cgp's per-sample squared error, L = (1/B) sum_b sum_o (y_bo - t_bo)^2.

The host's transforms recorded in the trace are applied around optimizer.step() in cgp's order:
--clip-value (torch.nn.utils.clip_grad_value_), --clip-norm (clip_grad_norm_'s rule, the norm summed
in float64 as cgp sums it), --clip-norm-per-tensor (the same on each of the trace's tensors), coupled --decay (g +=
w*p with the trace's per-parameter weights: biases spared, --group ...:decay=...), decoupled decay
(p *= 1 - lr*w). A trace with --schedule or with groups on plugin hyperparameters is refused (exit 2), and
so is a transform on a plugin that evaluates the loss inside its steps (lbfgs).

Exit status: 0 when the largest relative difference is within --tolerance (default 1e-6 for f64
traces, 1e-3 for f32), 1 when it is not, 2 for a bad trace or a missing torch.
Needs Debian's python3-torch (apt-get install python3-torch); the test suite runs it on every
torch.optim plugin where torch is installed (tests/python/test_torch_check.py) and skips it elsewhere.
"""

import argparse
import array
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_optimizers  # noqa: E402  (next to this script)


def fail(message, status=2):
    print(f"torch_check.py: {message}", file=sys.stderr)
    sys.exit(status)


def load_trace(folder):
    path = os.path.join(folder, "trace.json")
    try:
        with open(path, encoding="utf-8") as f:
            trace = json.load(f)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}\nhint: write a trace with cgp-run --trace {folder}")
    except json.JSONDecodeError as e:
        fail(f"{path}: not valid JSON ({e})")
    if trace.get("format") != "cgp-trace 1":
        fail(f"{path}: unknown trace format {trace.get('format')!r}; this script reads 'cgp-trace 1'")
    info = trace["batches"]
    iterations, batch, columns = info["shape"]
    data_path = os.path.join(folder, info["file"])
    values = array.array("d")
    try:
        with open(data_path, "rb") as f:
            values.frombytes(f.read())
    except OSError as e:
        fail(f"cannot read {data_path}: {e.strerror}")
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != iterations * batch * columns:
        fail(f"{data_path}: holds {len(values)} values, the trace says {iterations}x{batch}x{columns}")
    return trace, values


class Network:
    """The trace's graph as PyTorch operations over a batch."""

    UNARY = {
        "neg": lambda a: -a,
        "sigmoid": lambda a: a.sigmoid(),
        "relu": lambda a: a.relu(),
        "tanh": lambda a: a.tanh(),
        "exp": lambda a: a.exp(),
        "log": lambda a: a.log(),
        "sqrt": lambda a: a.sqrt(),
        "abs": lambda a: a.abs(),
    }
    BINARY = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "pow": lambda a, b: a ** b,
    }

    def __init__(self, model, torch, dtype):
        self.nodes = model["nodes"]
        self.outputs = model["output_nodes"]
        self.inputs = len(model["inputs"])
        self.torch = torch
        self.dtype = dtype
        for n in self.nodes:
            if n["op"] not in self.UNARY and n["op"] not in self.BINARY and n["op"] not in (
                    "input", "param", "const", "powi"):
                fail(f"the trace's graph has an operation this script does not know: {n['op']}")

    def loss(self, theta, batch):
        """batch: [B, inputs + outputs] tensor. Returns cgp's loss."""
        torch = self.torch
        params = theta.unbind(0)
        values = []
        for n in self.nodes:
            op = n["op"]
            if op == "input":
                v = batch[:, n["index"]]
            elif op == "param":
                v = params[n["index"]]
            elif op == "const":
                v = torch.tensor(n["value"], dtype=self.dtype)
            elif op == "powi":
                v = values[n["a"]] ** int(n["value"])
            elif op in self.UNARY:
                v = self.UNARY[op](values[n["a"]])
            else:
                v = self.BINARY[op](values[n["a"]], values[n["b"]])
            values.append(v)
        B = batch.shape[0]
        total = 0
        for o, node in enumerate(self.outputs):
            y = values[node]
            t = batch[:, self.inputs + o]
            total = total + ((y - t) ** 2).sum()  # a 0-d y (no input dependence) broadcasts
        return total / B


class Transforms:
    """The host's transforms of the trace (trace.json "transforms"), applied before each step."""

    def __init__(self, torch, trace, dtype):
        self.torch = torch
        t = trace.get("transforms") or {}
        if t.get("schedules"):
            fail(f"the trace schedules {', '.join(t['schedules'])}; this script does not retrain schedules")
        hparams = trace["optimizer"]["hyperparameters"]
        plugin_groups = [g for g in t.get("groups", []) if g.split(":")[-1].split("=")[0] != "decay"]
        if plugin_groups:
            fail(f"the trace has per-tensor hyperparameters ({', '.join(plugin_groups)}); this script does not "
                 "retrain them")
        self.clip_value = t.get("clip_value", 0.0)
        self.clip_norm = t.get("clip_norm", 0.0)
        self.clip_norm_per_tensor = t.get("clip_norm_per_tensor", 0.0)
        self.clip_tensors = [[i for a, b in c["ranges"] for i in range(a, b)] for c in t.get("clip_tensors", [])]
        weights = t.get("decay_weights", [])
        self.decay = torch.tensor(weights, dtype=dtype) if any(w > 0 for w in weights) else None
        self.decoupled = t.get("decay_mode") == "decoupled"
        if self.decay is not None and self.decoupled:
            lr = hparams.get("lr", t.get("decay_lr", 0.0))
            self.keep = torch.tensor([1.0 - lr * w for w in weights], dtype=torch.float64).to(dtype)

    def before_step(self, theta):
        torch = self.torch
        g = theta.grad
        if self.clip_value > 0:
            torch.nn.utils.clip_grad_value_([theta], self.clip_value)
        if self.clip_norm_per_tensor > 0:
            for idx in self.clip_tensors:
                part = g[idx].to(torch.float64)
                coef = self.clip_norm_per_tensor / (float(part.dot(part).sqrt()) + 1e-6)
                if coef < 1.0:
                    g[idx] = g[idx] * torch.tensor(coef, dtype=g.dtype)
        if self.clip_norm > 0:
            n = float(g.to(torch.float64).dot(g.to(torch.float64)).sqrt())
            coef = self.clip_norm / (n + 1e-6)
            if coef < 1.0:
                g.mul_(torch.tensor(coef, dtype=g.dtype))
        if self.decay is not None:
            with torch.no_grad():
                if self.decoupled:
                    theta.mul_(self.keep)
                else:
                    g.add_(self.decay * theta.detach())


def make_optimizer(torch, spec, theta):
    oid = spec["id"]
    plugin = torch_optimizers.BY_ALGORITHM.get(spec.get("algorithm") or "", oid)
    optimizer = torch_optimizers.make(torch, plugin, spec["hyperparameters"], [theta])
    if optimizer is None:
        fail(f"optimizer '{oid}' with {spec['hyperparameters']} has no PyTorch counterpart here; supported: "
             + ", ".join(sorted(set(torch_optimizers.BY_ALGORITHM.values()))))
    return optimizer, torch_optimizers.describe(optimizer)


def main():
    parser = argparse.ArgumentParser(description="Train a cgp trace's network in PyTorch and compare the losses.")
    parser.add_argument("trace", help="a folder written by cgp-run --trace")
    parser.add_argument("--tolerance", type=float, help="largest relative difference accepted "
                        "(default 1e-6 for f64 traces, 1e-3 for f32)")
    parser.add_argument("--rows", type=int, default=12, help="loss records to print side by side (default 12)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        fail("PyTorch is not installed; on Debian: apt-get install python3-torch")

    trace, values = load_trace(args.trace)
    settings = trace["settings"]
    f64 = settings["dtype"] == "f64"
    dtype = torch.float64 if f64 else torch.float32
    tolerance = args.tolerance if args.tolerance is not None else (1e-6 if f64 else 1e-3)
    iterations, batch, columns = trace["batches"]["shape"]
    batches = torch.tensor(values, dtype=torch.float64).reshape(iterations, batch, columns).to(dtype)

    torch.set_num_threads(1)
    if f64:
        # torch.optim keeps some per-step scalars (ASGD's eta and mu, NAdam's mu_product) in the default
        # dtype; cgp computes them in double.
        torch.set_default_dtype(torch.float64)
    net = Network(trace["model"], torch, dtype)
    theta = torch.tensor(trace["initial_params"], dtype=dtype, requires_grad=True)
    optimizer, described = make_optimizer(torch, trace["optimizer"], theta)
    skip_nonfinite = settings.get("on_nonfinite") == "skip"
    transforms = Transforms(torch, trace, dtype)
    closure_plugin = torch_optimizers.BY_ALGORITHM.get(trace["optimizer"].get("algorithm") or "",
                                                       trace["optimizer"]["id"]) in torch_optimizers.CLOSURE_PLUGINS
    if closure_plugin and (transforms.clip_value > 0 or transforms.clip_norm > 0 or transforms.clip_norm_per_tensor > 0
                           or transforms.decay is not None):
        fail(f"optimizer '{trace['optimizer']['id']}' evaluates the loss inside its steps, and this script does not "
             f"apply clipping or decay around them\nhint: retrain a trace without --clip-* and --decay")

    records = trace["records"]
    ours = []  # (iteration, window, loss)
    window_sum, window_finite, window_count = 0.0, 0, 0
    log_every = settings["log_every"]
    for it in range(iterations):
        optimizer.zero_grad()
        loss = net.loss(theta, batches[it])
        loss.backward()
        value = loss.item()
        finite = math.isfinite(value) and bool(torch.isfinite(theta.grad).all())
        if finite and closure_plugin:
            def closure(x=batches[it]):  # the batch loss and gradient wherever the optimizer asks
                optimizer.zero_grad()
                at = net.loss(theta, x)
                at.backward()
                return at
            optimizer.step(closure)
            window_sum += value
            window_finite += 1
        elif finite:
            transforms.before_step(theta)
            optimizer.step()
            window_sum += value
            window_finite += 1
        elif not skip_nonfinite:
            window_count += 1
            ours.append((it + 1, window_count, float("nan")))
            break
        window_count += 1
        if window_count == log_every or it + 1 == iterations:
            ours.append((it + 1, window_count, window_sum / window_finite if window_finite else float("nan")))
            window_sum, window_finite, window_count = 0.0, 0, 0

    model = trace["model"]
    statements = "; ".join(model["statements"])
    if len(statements) > 100:
        statements = statements[:97] + "..."
    print(f"model       {model['name']} ({len(model['params'])} parameters; {statements})")
    print(f"optimizer   cgp {trace['optimizer']['id']} {trace['optimizer']['hyperparameters']}")
    print(f"            PyTorch {torch.__version__}: {described}")
    print(f"run         {iterations} iterations, batch {batch}, seed {settings['seed']}, {settings['dtype']}, "
          f"loss record every {log_every}")
    worst, worst_at = 0.0, None
    rows = []
    for (iteration, window, loss), rec in zip(ours, records):
        if rec["iteration"] != iteration or rec["window"] != window:
            fail(f"record windows differ at iteration {iteration}: the trace is inconsistent", 1)
        theirs = rec["loss"] if rec["loss"] is not None else float("nan")
        if math.isnan(theirs) and math.isnan(loss):
            diff = 0.0
        else:
            diff = abs(loss - theirs) / max(abs(theirs), 1e-300)
        if not diff <= worst:
            worst, worst_at = diff, iteration
        rows.append((iteration, theirs, loss, diff))
    if len(ours) != len(records):
        print(f"note: {len(records)} cgp records, {len(ours)} PyTorch records")
    shown = rows if len(rows) <= args.rows else rows[: args.rows // 2] + [None] + rows[-(args.rows - args.rows // 2):]
    print(f"\n{'iteration':>10}  {'cgp loss':>22}  {'PyTorch loss':>22}  {'rel. diff':>9}")
    for r in shown:
        if r is None:
            print(f"{'...':>10}")
            continue
        print(f"{r[0]:>10}  {r[1]:>22.17g}  {r[2]:>22.17g}  {r[3]:>9.2e}")
    final = torch.tensor(trace["final_params"], dtype=torch.float64)
    ours_final = theta.detach().to(torch.float64)
    param_diff = float(((ours_final - final).abs() / final.abs().clamp_min(1e-300)).max()) if len(final) else 0.0
    print(f"\nlargest relative difference: loss records {worst:.3g}"
          f"{f' (at iteration {worst_at})' if worst_at else ''}, final parameters {param_diff:.3g}")
    ok = worst <= tolerance and param_diff <= tolerance
    print(f"{'agree' if ok else 'DIFFER'}: tolerance {tolerance:g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
