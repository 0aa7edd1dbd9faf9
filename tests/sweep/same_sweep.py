#!/usr/bin/env python3
"""same_sweep.py A B: the output folders of two grid sweeps are the same, byte for byte, but for
the fields that are times or say how the sweep ran: the seconds and iterations_per_second columns
and fields, results.json's command, jobs and wall_seconds, and table.txt's "time s" and "it/s"
columns. Every other file (runs/*.csv, plots/) must be identical. Exit 1 with the difference."""
import csv, io, json, os, re, sys

TIMES = {"seconds", "iterations_per_second", "wall_seconds", "jobs", "command"}


def files(root):
    out = set()
    for d, _, names in os.walk(root):
        out |= {os.path.relpath(os.path.join(d, n), root) for n in names}
    return out


def strip_json(v):
    if isinstance(v, dict):
        return {k: strip_json(x) for k, x in v.items() if k not in TIMES}
    if isinstance(v, list):
        return [strip_json(x) for x in v]
    return v


def normal(name, text):
    if name == "results.csv":
        rows = list(csv.reader(io.StringIO(text)))
        keep = [i for i, h in enumerate(rows[0]) if h not in TIMES]
        return [[r[i] for i in keep] for r in rows]
    if name == "results.json":
        return strip_json(json.loads(text))
    if name == "table.txt":
        # Columns are separated by two spaces or more; a value ("0.92 ± 0.10") has single spaces.
        lines = text.splitlines()
        header = re.split(r"\s{2,}", lines[0].strip())
        drop = {i for i, h in enumerate(header) if h in ("time s", "it/s")}
        out, rows = [], True
        for line in lines:
            rows = rows and line.strip() != "" and not (line.startswith("losses:") or line.startswith("* "))
            cells = re.split(r"\s{2,}", line.strip())
            out.append([c for i, c in enumerate(cells) if i not in drop] if rows else line)
        return out
    return text


a, b = sys.argv[1], sys.argv[2]
if files(a) != files(b):
    sys.exit(f"different files: {sorted(files(a) ^ files(b))}")
for name in sorted(files(a)):
    ta = open(os.path.join(a, name), encoding="utf-8").read()
    tb = open(os.path.join(b, name), encoding="utf-8").read()
    if normal(name, ta) != normal(name, tb):
        sys.exit(f"{name} differs between {a} and {b}")
print(f"{a} and {b}: {len(files(a))} files the same")
