#!/usr/bin/env python3
"""tools/saved_model.py: load a cgp saved model (--save-model, --keep-best; docs/saved-models.md)
into numpy or PyTorch.

    import saved_model as sm
    m = sm.load("model.json")
    p = sm.predict(m, X)                    # numpy: outputs after the link, rows of X in m.columns order
    net = sm.torch_sequential(m)            # layered models: an nn.Sequential with the trained weights
    net.load_state_dict(sm.torch_state_dict(m))  # (already loaded; the state_dict by itself)

    python3 tools/saved_model.py model.json data.csv   # prints predictions as cgp-run --predict writes

Layered models (--layers, or a model whose tensors are layer1.weight, layer1.bias, ...) are
Linear layers: the hidden activation after every layer but the last, the output activation (and
then the link: sigmoid or softmax) after the last. The standardisation saved with the model is
applied by predict(); a torch network gets standardised inputs (standardize()).
"""
import csv
import json
import sys

import numpy as np

FORMAT = "cgp-saved-model"
VERSION = 1

_ACTIVATIONS = {
    "none": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "softplus": lambda z: np.logaddexp(0.0, z),
}


class SavedModel:
    def __init__(self, doc):
        if doc.get("format") != FORMAT:
            raise ValueError(f'not a cgp saved model (no "format": "{FORMAT}")')
        if doc.get("version", 0) > VERSION:
            raise ValueError(f"saved-model version {doc['version']} is newer than this helper reads ({VERSION})")
        self.doc = doc
        model, data = doc["model"], doc["data"]
        self.columns = data["columns"]
        self.labels = data["labels"]
        self.classes = data["classes"]
        self.activation = model["activation"]
        self.output_activation = model["output_activation"] or model["activation"]
        self.link = model["link"]
        st = data["standardization"]
        self.mean = np.array([st["mean"].get(c, 0.0) for c in self.columns]) if st else np.zeros(len(self.columns))
        self.sd = np.array([st["sd"].get(c, 1.0) for c in self.columns]) if st else np.ones(len(self.columns))
        self.tensors = {t["name"]: np.array(t["values"], dtype=np.float64).reshape(t["shape"]) for t in doc["tensors"]}
        self.layer_count = 0
        while f"layer{self.layer_count + 1}.weight" in self.tensors:
            self.layer_count += 1

    def layers(self):
        """(weight [out, in], bias [out] or None) per layer; raises ValueError for non-layered models."""
        if self.layer_count == 0:
            raise ValueError("the saved model is not layered (no layer1.weight tensor); its parameters by name are "
                             "in doc['parameters']")
        out = []
        for l in range(1, self.layer_count + 1):
            w = self.tensors[f"layer{l}.weight"]
            if w.ndim != 2:
                raise ValueError(f"layer{l}.weight has shape {list(w.shape)}: not a dense [out, in] layer")
            out.append((w, self.tensors.get(f"layer{l}.bias")))
        return out


def load(path):
    with open(path) as f:
        return SavedModel(json.load(f))


def standardize(m, X):
    return (np.asarray(X, dtype=np.float64) - m.mean) / m.sd


def _link(m, z):
    if m.link == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if m.link == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return z


def predict(m, X):
    """Outputs after the link for rows of X (columns in m.columns order, not standardised)."""
    h = standardize(m, X)
    layers = m.layers()
    for i, (w, b) in enumerate(layers):
        h = h @ w.T + (b if b is not None else 0.0)
        h = _ACTIVATIONS[m.output_activation if i == len(layers) - 1 else m.activation](h)
    return _link(m, h)


def predict_classes(m, X):
    p = predict(m, X)
    return (p[:, 0] > 0.5).astype(int) if p.shape[1] == 1 else p.argmax(axis=1)


def torch_state_dict(m):
    """The nn.Sequential state_dict of torch_sequential(m): keys "0.weight", "0.bias", "2.weight", ..."""
    import torch

    state = {}
    for i, (w, b) in enumerate(m.layers()):
        state[f"{2 * i}.weight"] = torch.tensor(w)
        if b is not None:
            state[f"{2 * i}.bias"] = torch.tensor(b)
    return state


def torch_sequential(m, dtype=None):
    """nn.Sequential(Linear, act, Linear, ..., output act) holding the trained weights; it maps
    standardised inputs to the outputs before the link (logits for bce and cross-entropy)."""
    import torch
    from torch import nn

    modules = {"none": nn.Identity, "sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh, "softplus": nn.Softplus}
    parts = []
    layers = m.layers()
    for i, (w, b) in enumerate(layers):
        parts.append(nn.Linear(w.shape[1], w.shape[0], bias=b is not None))
        parts.append(modules[m.output_activation if i == len(layers) - 1 else m.activation]())
    net = nn.Sequential(*parts).to(torch.float64)
    net.load_state_dict(torch_state_dict(m))
    return net.to(dtype) if dtype is not None else net


def read_rows(m, path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return np.array([[float(r[c]) for c in m.columns] for r in rows])


def main(argv):
    if len(argv) != 3:
        print("usage: saved_model.py MODEL.json DATA.csv", file=sys.stderr)
        return 2
    m = load(argv[1])
    p = predict(m, read_rows(m, argv[2]))
    if m.classes:
        print(",".join(["class"] + [f"p({c})" for c in m.classes]))
        for row in p:
            probs = [1 - row[0], row[0]] if len(row) == 1 else list(row)
            print(",".join([m.classes[int(np.argmax(probs)) if len(row) > 1 else int(row[0] > 0.5)]] +
                           [repr(float(v)) for v in probs]))
    else:
        print(",".join(m.labels))
        for row in p:
            print(",".join(repr(float(v)) for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
