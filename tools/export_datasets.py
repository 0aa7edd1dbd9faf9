#!/usr/bin/env python3
"""Writes four small public classification datasets as CSV into examples/data/ (committed; the tests
and docs use those files, so neither make test nor a reader needs scikit-learn).

  breast_cancer.csv  569 rows, 30 features, column `diagnosis` (0 malignant, 1 benign)
  iris.csv           150 rows, 4 features, column `species` (setosa, versicolor, virginica)
  wine.csv           178 rows, 13 features, column `cultivar` (0, 1, 2)
  digits.csv         1797 rows, 64 features (8x8 pixel counts 0-16), column `digit` (0-9)

Source: scikit-learn's bundled copies (sklearn.datasets.load_*), which come from the UCI Machine
Learning Repository: Breast Cancer Wisconsin (Diagnostic), Iris, Wine, and Optical Recognition of
Handwritten Digits (its 1797-image test part). UCI distributes them under CC BY 4.0; scikit-learn
under BSD-3-Clause. examples/data/README.md records this beside the files.

Usage: /usr/bin/python3 tools/export_datasets.py [OUT_DIR]   (needs python3-sklearn)
"""
import csv
import os
import re
import sys

from sklearn import datasets


def column(name):
    return re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower()


def write(path, features, rows, label, labels):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([column(n) for n in features] + [label])
        for row, y in zip(rows, labels):
            w.writerow([f"{v:.10g}" for v in row] + [y])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "examples/data"
    os.makedirs(out, exist_ok=True)
    bc = datasets.load_breast_cancer()
    write(os.path.join(out, "breast_cancer.csv"), bc.feature_names, bc.data, "diagnosis", bc.target)
    iris = datasets.load_iris()
    write(os.path.join(out, "iris.csv"), [n.replace(" (cm)", "") for n in iris.feature_names], iris.data, "species",
          [iris.target_names[t] for t in iris.target])
    wine = datasets.load_wine()
    write(os.path.join(out, "wine.csv"), wine.feature_names, wine.data, "cultivar", wine.target)
    digits = datasets.load_digits()
    write(os.path.join(out, "digits.csv"), [f"p{i}" for i in range(64)], digits.data, "digit", digits.target)


if __name__ == "__main__":
    main()
