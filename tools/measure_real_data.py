#!/usr/bin/env python3
"""Measures cgp on the four datasets of examples/data beside scikit-learn, as docs/real-data.md reports.

Protocol (the same split for every method):
  - each CSV is split 60/20/20 into training, validation and test rows, stratified by class, with
    sklearn.model_selection.train_test_split(random_state=0), and written to a temporary folder;
  - features are standardised with the training rows' statistics (cgp-run --standardize does the same);
  - cgp: --layers F 32 K --activation relu, --loss cross-entropy (K classes) or bce (breast cancer, one
    output), --epochs 100, --batch-size 16, --eval-every 50, seed 0; for each optimizer the learning
    rate is chosen from a grid by the best validation accuracy (ties: lower validation loss), and the
    test accuracy is read at that run's best validation point (what --keep-best keeps);
  - scikit-learn: LogisticRegression(max_iter=5000) and MLPClassifier((32,), max_iter=2000,
    random_state=0), defaults otherwise, fitted on the training rows, scored on the test rows.
Also the README's layered example (loss before and after, --init cgp against the default).

Usage: /usr/bin/python3 tools/measure_real_data.py [BUILD_DIR]   (needs python3-sklearn)
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

DATASETS = [("breast_cancer", "diagnosis"), ("iris", "species"), ("wine", "cultivar"), ("digits", "digit")]
GRID = {"sgd": [0.3, 0.1, 0.03, 0.01], "sgdplus": [0.1, 0.03, 0.01, 0.003], "adam": [0.03, 0.01, 0.003, 0.001]}


def read(path, label):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    li = header.index(label)
    return header, body, [r[li] for r in body]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def cgp_run(build, args):
    out = subprocess.run([os.path.join(build, "bin", "cgp-run")] + args + ["--json", "-q"], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    tmp = tempfile.mkdtemp(prefix="cgp-measure-")
    results = []
    for name, label in DATASETS:
        header, body, y = read(os.path.join("examples", "data", name + ".csv"), label)
        idx = np.arange(len(body))
        train, rest = train_test_split(idx, test_size=0.4, stratify=y, random_state=0)
        val, test = train_test_split(rest, test_size=0.5, stratify=[y[i] for i in rest], random_state=0)
        files = {}
        for part, rows in (("train", train), ("val", val), ("test", test)):
            files[part] = os.path.join(tmp, f"{name}-{part}.csv")
            write(files[part], header, [body[i] for i in sorted(rows)])
        classes = sorted(set(y))
        features = len(header) - 1
        outputs = 1 if len(classes) == 2 else len(classes)
        loss = "bce" if outputs == 1 else "cross-entropy"
        row = {"dataset": name, "rows": f"{len(train)}/{len(val)}/{len(test)}", "features": features,
               "classes": len(classes)}
        for opt, lrs in GRID.items():
            best = None
            for lr in lrs:
                j = cgp_run(build, ["--optimizer", opt, "--lr", str(lr), "--data", files["train"], "--validation",
                                    files["val"], "--test", files["test"], "--label", label, "--standardize",
                                    "--layers", str(features), "32", str(outputs), "--activation", "relu", "--loss",
                                    loss, "--epochs", "100", "--batch-size", "16", "--log-every", "10",
                                    "--eval-every", "50", "--seed", "0"])
                b = j["evaluation"]["best"]
                key = (b["validation"]["accuracy"], -b["validation"]["loss"])
                if best is None or key > best[0]:
                    best = (key, lr, b["test"]["accuracy"], b["iteration"])
            row[opt] = best[2]
            row[opt + "_lr"] = best[1]
        Xtr = np.array([[float(v) for k, v in enumerate(body[i]) if header[k] != label] for i in train])
        Xte = np.array([[float(v) for k, v in enumerate(body[i]) if header[k] != label] for i in test])
        ytr = [y[i] for i in train]
        yte = [y[i] for i in test]
        scaler = StandardScaler().fit(Xtr)
        row["logistic"] = LogisticRegression(max_iter=5000).fit(scaler.transform(Xtr), ytr).score(
            scaler.transform(Xte), yte)
        row["mlp"] = MLPClassifier((32,), max_iter=2000, random_state=0).fit(scaler.transform(Xtr), ytr).score(
            scaler.transform(Xte), yte)
        results.append(row)

    print("| dataset | rows train/val/test | sgd | sgdplus | adam | LogisticRegression | MLPClassifier |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['dataset']} ({r['features']} features, {r['classes']} classes) | {r['rows']} | "
              f"{r['sgd']:.4f} (lr {r['sgd_lr']:g}) | {r['sgdplus']:.4f} (lr {r['sgdplus_lr']:g}) | "
              f"{r['adam']:.4f} (lr {r['adam_lr']:g}) | {r['logistic']:.4f} | {r['mlp']:.4f} |")

    print()
    print("README example: --layers 64 256 256 1 --batch-size 256 --iterations 2000 (adam, lr 0.001)")
    for init in ("cgp", "auto"):
        loss_csv = os.path.join(tmp, f"readme-{init}.csv")
        j = cgp_run(build, ["--layers", "64", "256", "256", "1", "--batch-size", "256", "--iterations", "2000",
                            "--init", init, "--log-every", "1", "--loss-csv", loss_csv])
        with open(loss_csv) as f:
            losses = [float(r["loss"]) for r in csv.DictReader(f)]
        print(f"  --init {init:<5} ({j['init']}): iteration 1 loss {losses[0]:.6f}, iteration 2000 loss "
              f"{losses[-1]:.6g}, mean of the last 100 {sum(losses[-100:]) / 100:.6g}")


if __name__ == "__main__":
    main()
