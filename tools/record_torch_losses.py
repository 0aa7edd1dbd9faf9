#!/usr/bin/env python3
"""Records PyTorch's values of cgp's losses (and their gradients) into tests/data/losses/torch_losses.json.

Each case is a batch of outputs y[b][o] = a[o] * x[b][o] with every a[o] = 1, so the model's outputs are
the recorded logits x; the file keeps x, the targets, the loss and dL/da under PyTorch in float64, as cgp
defines each loss (the per-sample sum over outputs, averaged over the batch):
  mse            MSELoss(reduction="sum") / B
  bce            BCEWithLogitsLoss(reduction="sum") / B
  cross-entropy  CrossEntropyLoss() (the mean over the batch), targets as class indices
  huber          HuberLoss(reduction="sum", delta=1) / B
make test reads the file (tests/unit/loss_test.cpp) and needs no torch.

Usage: /usr/bin/python3 tools/record_torch_losses.py [OUT.json]
"""
import json
import sys

import torch


def case(name, loss, x, t, classes=None):
    a = torch.ones(x.shape[1], dtype=torch.float64, requires_grad=True)
    y = x * a
    B = x.shape[0]
    if loss == "mse":
        value = torch.nn.MSELoss(reduction="sum")(y, t) / B
    elif loss == "bce":
        value = torch.nn.BCEWithLogitsLoss(reduction="sum")(y, t) / B
    elif loss == "cross-entropy":
        value = torch.nn.CrossEntropyLoss()(y, classes)
    elif loss == "huber":
        value = torch.nn.HuberLoss(reduction="sum", delta=1.0)(y, t) / B
    value.backward()
    return {
        "name": name,
        "loss": loss,
        "x": x.tolist(),
        "t": t.tolist(),
        "value": value.item(),
        "grad": a.grad.tolist(),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/losses/torch_losses.json"
    g = torch.Generator().manual_seed(20261201)
    cases = []
    for B, O in [(5, 1), (37, 3), (19, 4)]:
        x = torch.randn(B, O, generator=g, dtype=torch.float64) * 3
        t = torch.randn(B, O, generator=g, dtype=torch.float64)
        cases.append(case(f"mse {B}x{O}", "mse", x, t))
        cases.append(case(f"huber {B}x{O}", "huber", x, t))
        bits = (torch.rand(B, O, generator=g, dtype=torch.float64) > 0.5).to(torch.float64)
        cases.append(case(f"bce {B}x{O}", "bce", x, bits))
        # large logits: the stable form must not overflow
        cases.append(case(f"bce large {B}x{O}", "bce", x * 40, bits))
        if O > 1:
            classes = torch.randint(0, O, (B,), generator=g)
            onehot = torch.nn.functional.one_hot(classes, O).to(torch.float64)
            cases.append(case(f"cross-entropy {B}x{O}", "cross-entropy", x, onehot, classes))
            cases.append(case(f"cross-entropy large {B}x{O}", "cross-entropy", x * 100, onehot, classes))
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
