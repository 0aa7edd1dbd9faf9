#!/usr/bin/env python3
"""saved_model_agrees.py MODEL.json DATA.csv PREDICTIONS.csv: tools/saved_model.py's numpy (and,
where torch is installed, PyTorch) predictions of a saved model equal cgp-run --predict's."""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import numpy as np  # noqa: E402
import saved_model as sm  # noqa: E402

model_path, data_path, predictions_path = sys.argv[1:4]
m = sm.load(model_path)
X = sm.read_rows(m, data_path)
with open(predictions_path, newline="") as f:
    rows = list(csv.DictReader(f))
cgp = np.array([[float(r[f"p({c})"]) for c in m.classes] for r in rows])
ours = sm.predict(m, X)
tol = 1e-5 if m.doc["dtype"] == "f32" else 1e-12
worst = float(np.abs(ours - cgp).max())
assert worst < tol, f"numpy and cgp differ by {worst}"
assert [r["class"] for r in rows] == [m.classes[k] for k in sm.predict_classes(m, X)]
print(f"numpy agrees with cgp-run --predict on {len(rows)} rows (largest difference {worst:.2e})")
try:
    import torch
except ImportError:
    print("torch comparison skipped: torch is not installed")
    sys.exit(0)
logits = sm.torch_sequential(m)(torch.tensor(sm.standardize(m, X)))
p = torch.softmax(logits, dim=1).detach().numpy()
worst = float(np.abs(p - cgp).max())
assert worst < tol, f"torch and cgp differ by {worst}"
print(f"torch agrees with cgp-run --predict (largest difference {worst:.2e})")
