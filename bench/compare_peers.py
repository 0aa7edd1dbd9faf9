#!/usr/bin/env python3
"""compare_peers.py: cgp side by side with PyTorch and libtorch on the same workloads, one thread.

Runs cgp-bench (--json, filtered to the cases below), bench/peer_pytorch.py under a Python that has
torch (Debian's python3-torch), and bench/libtorch/peer_libtorch.cpp built with CMake against
libtorch-dev, all in this one run, then prints one table: cgp's time, each peer's time and the
ratio cgp/peer (below 1: cgp is faster; 0.01 means 100 times faster). A peer that is not installed
is reported as missing and the rest still runs. Needs only the Python standard library.

    python3 bench/compare_peers.py                     # table on stdout, progress on stderr
    python3 bench/compare_peers.py --json              # all measurements as one JSON document
    python3 bench/compare_peers.py --peers pytorch     # one peer only

Workloads (f32 everywhere):
  optimizer step      Adam and SGD-momentum (SGD+) on N = 1e3, 1e5, 1e7 parameters
  forward + backward  4-2-1 multi-neuron network at batch 8, 64-256-256-1 at batch 256
  training iteration  forward, backward, zero_grad, Adam step: 4-2-1 at batch 8 and 32,
                      64-256-256-1 at batch 256 (cgp also samples its data each iteration;
                      the peers cycle through pre-made tensors)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

# The rows of the table: (case name shared by the peers, label, how to find cgp's number).
OPTIMIZER_SIZES = (1000, 100000, 10000000)
ROWS = (
    [(f"optimizer {opt} {n}", f"{label} step N={n:.0e}".replace("e+0", "e"), ("optimizer", opt, n))
     for opt, label in (("adam", "Adam"), ("sgdplus", "SGD+")) for n in OPTIMIZER_SIZES]
    + [("graph multi-neuron batch 8", "fwd+bwd 4-2-1 batch 8", ("graph", "multi-neuron", 8)),
       ("graph 64-256-256-1 batch 256", "fwd+bwd 64-256-256-1 batch 256", ("graph", "layers 64-256-256-1", 256)),
       ("training multi-neuron batch 8 adam", "train 4-2-1 batch 8 Adam", ("training", "multi-neuron", 8)),
       ("training multi-neuron batch 32 adam", "train 4-2-1 batch 32 Adam", ("training", "multi-neuron", 32)),
       ("training 64-256-256-1 batch 256 adam", "train 64-256-256-1 batch 256 Adam", ("training", "64-256-256-1", 256))]
)

# One thread for every library a peer may use (PyTorch's OpenMP pool, a threaded OpenBLAS, MKL).
PEER_NAMES = {"pytorch": "PyTorch", "libtorch": "libtorch"}

ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def progress(message):
    print(f"compare_peers: {message}", file=sys.stderr, flush=True)


def format_seconds(seconds):
    """As cgp-bench prints times."""
    if seconds is None:
        return "-"
    if seconds < 1e-6:
        return f"{seconds * 1e9:.1f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def run_json(command, env=None):
    """Runs a command whose stdout is one JSON document; its stderr passes through as progress."""
    done = subprocess.run(command, stdout=subprocess.PIPE, env=env, check=True, text=True)
    return json.loads(done.stdout)


# cgp ------------------------------------------------------------------------------------------------

def measure_cgp(cgp_bench, samples):
    """cgp's numbers for every row, from four filtered cgp-bench --json runs."""
    common = [str(cgp_bench), "--json", "--samples", str(samples)]
    progress("cgp-bench: optimizer steps (with the triad bandwidth)")
    optimizer = run_json(common + ["--section", "optimizer"])
    graph = []
    for name in ("graph multi-neuron batch 8 f32", "graph layers 64-256-256-1 batch 256 f32"):
        progress(f"cgp-bench: {name}")
        graph += run_json(common + ["--section", "graph", "--filter", name])["graph"]
    progress("cgp-bench: training iterations with adam")
    training = run_json(common + ["--section", "training", "--filter", "adam"])["training"]

    results = {}
    for row in optimizer["optimizer"]:
        if row["form"] != "scalar":  # the SIMD form, the one training uses
            results[("optimizer", row["plugin"], row["n"])] = {
                "seconds": row["seconds"], "variant": row["form"], "times_floor": row["times_floor"]}
    for row in graph:
        best = min((p for p in row["seconds"] if p != "scalar"), key=lambda p: row["seconds"][p])
        results[("graph", row["model"], row["batch"])] = {
            "seconds": row["seconds"][best], "variant": best, "scalar_seconds": row["seconds"]["scalar"],
            "speedup_over_scalar": row["speedup"]}
    for row in training:
        results[("training", row["model"], row["batch"])] = {"seconds": row["seconds_per_iteration"], "variant": ""}
    machine = optimizer["machine"]
    return {"machine": machine, "results": results}


# peers ----------------------------------------------------------------------------------------------

def python_with_torch():
    """An interpreter that can import torch: this one, else Debian's /usr/bin/python3."""
    candidates = [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c):
        probe = subprocess.run([python, "-c", "import torch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            return python
    return None


def measure_pytorch(samples):
    python = python_with_torch()
    if python is None:
        return None, "PyTorch peer skipped: no python3 can import torch (install Debian's python3-torch)"
    progress(f"PyTorch peer with {python}")
    env = dict(os.environ, **ONE_THREAD_ENV)
    return run_json([python, str(BENCH_DIR / "peer_pytorch.py"), "--samples", str(samples)], env=env), None


def measure_libtorch(samples, work_dir):
    if shutil.which("cmake") is None:
        return None, "libtorch peer skipped: cmake is not installed"
    build = Path(work_dir) / "libtorch-build"
    progress(f"libtorch peer: building in {build}")
    configure = subprocess.run(["cmake", "-S", str(BENCH_DIR / "libtorch"), "-B", str(build),
                                "-DCMAKE_BUILD_TYPE=Release"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if configure.returncode != 0:
        if "Torch" in configure.stdout and ("TorchConfig" in configure.stdout or "find_package" in configure.stdout):
            return None, "libtorch peer skipped: CMake finds no Torch package (install Debian's libtorch-dev)"
        return None, "libtorch peer skipped: CMake configure failed:\n" + configure.stdout[-2000:]
    compile_ = subprocess.run(["cmake", "--build", str(build)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if compile_.returncode != 0:
        return None, "libtorch peer skipped: build failed:\n" + compile_.stdout[-2000:]
    progress("libtorch peer: running")
    env = dict(os.environ, **ONE_THREAD_ENV)
    return run_json([str(build / "peer_libtorch"), "--samples", str(samples)], env=env), None


# report ---------------------------------------------------------------------------------------------

def ratio(cgp, peer):
    return cgp / peer if cgp and peer else None


def build_table(cgp, peers):
    """One dict per row: cgp's time and variant, and for each peer its time, variant and cgp/peer."""
    table = []
    for name, label, key in ROWS:
        c = cgp["results"].get(key, {}) if cgp else {}
        row = {"case": name, "label": label, "cgp": c.get("seconds"), "cgp_variant": c.get("variant", "")}
        for peer, data in peers.items():
            found = next((r for r in data["results"] if r["name"] == name), {}) if data else {}
            row[peer] = found.get("seconds")
            row[f"{peer}_variant"] = found.get("variant", "")
            row[f"cgp/{peer}"] = ratio(row["cgp"], row[peer])
        table.append(row)
    return table


def print_table(cgp, peers, table, notes):
    if cgp:
        m = cgp["machine"]
        print(f"cgp: SIMD paths {m['simd_paths']}; one-thread triad {m['triad_gb_per_s']:.1f} GB/s; "
              f"median of {m['samples']} samples")
    for peer, data in peers.items():
        if data:
            print(f"{PEER_NAMES[peer]}: {data['peer']}, {data['threads']} thread, BLAS {data['blas']}")
    print("\nSide by side (median per call; cgp/peer below 1 means cgp is faster)")
    header = f"{'workload':<34} {'cgp':>10} {'':<7}"
    for peer in peers:
        header += f" {PEER_NAMES[peer]:>10} {'cgp/' + PEER_NAMES[peer]:>13} {'':<13}"
    print(header.rstrip())
    for row in table:
        line = f"{row['label']:<34} {format_seconds(row['cgp']):>10} {row['cgp_variant']:<7}"
        for peer in peers:
            r = row[f"cgp/{peer}"]
            line += f" {format_seconds(row[peer]):>10} {(f'{r:.3g}' if r else '-'):>13} {row[f'{peer}_variant']:<13}"
        print(line.rstrip())
    print("\ncgp column: the SIMD path or optimizer form measured (best graph path; the plugin's SIMD step).")
    print("Peer columns: foreach=True/False is the faster torch.optim implementation of the two, where tried.")
    figures = headline_figures(cgp, peers)
    if figures:
        print("\nFigures")
        for line in figures:
            print(f"  {line}")
    for note in notes:
        print(f"\nNote: {note}")


def headline_figures(cgp, peers):
    """The numbers issue 6 asks about, in words."""
    if not cgp:
        return []
    res = cgp["results"]
    lines = []
    for opt, label in (("adam", "Adam"), ("sgdplus", "SGD+")):
        r = res.get(("optimizer", opt, 10000000))
        if r:
            lines.append(f"{label} step, N=1e7: {format_seconds(r['seconds'])} = {r['times_floor']:.2f} x the triad floor")
    libtorch = peers.get("libtorch")

    def peer_seconds(name):
        return next((r["seconds"] for r in libtorch["results"] if r["name"] == name), None) if libtorch else None

    for key, name, label in ((("training", "multi-neuron", 8), "training multi-neuron batch 8 adam", "4-2-1 batch 8"),
                             (("training", "64-256-256-1", 256), "training 64-256-256-1 batch 256 adam",
                              "64-256-256-1 batch 256")):
        r = res.get(key)
        if r:
            line = f"training iteration {label}, Adam: {format_seconds(r['seconds'])}"
            peer = peer_seconds(name)
            if peer:
                line += f"; libtorch {format_seconds(peer)}: cgp is {peer / r['seconds']:.3g} x as fast"
            lines.append(line)
    g = res.get(("graph", "layers 64-256-256-1", 256))
    if g:
        speedups = ", ".join(f"{path} {x:.1f} x" for path, x in g["speedup_over_scalar"].items() if path != "scalar")
        lines.append(f"fwd+bwd 64-256-256-1 batch 256 f32, speed-up over scalar ({format_seconds(g['scalar_seconds'])}): "
                     f"{speedups}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cgp-bench", default=str(REPO_DIR / "build" / "bin" / "cgp-bench"),
                        help="the cgp-bench binary (default: build/bin/cgp-bench)")
    parser.add_argument("--peers", default="pytorch,libtorch", help="comma-separated: pytorch, libtorch")
    parser.add_argument("--samples", type=int, default=9, help="timed samples per case; the median is reported")
    parser.add_argument("--work-dir", default="/tmp/cgp-bench-peers", help="where the libtorch peer is built")
    parser.add_argument("--json", action="store_true", help="print all measurements as JSON instead of the table")
    args = parser.parse_args()
    wanted = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = set(wanted) - {"pytorch", "libtorch"}
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(sorted(unknown))}")

    notes = []
    cgp = None
    if Path(args.cgp_bench).is_file():
        try:
            cgp = measure_cgp(args.cgp_bench, args.samples)
        except (subprocess.CalledProcessError, ValueError, KeyError) as error:
            notes.append(f"cgp-bench failed ({error}); its column is empty")
    else:
        notes.append(f"cgp-bench not found at {args.cgp_bench}: build the project first (make), or pass --cgp-bench")
    peers = {}
    for peer in wanted:
        try:
            data, note = measure_pytorch(args.samples) if peer == "pytorch" else measure_libtorch(args.samples, args.work_dir)
        except (subprocess.CalledProcessError, ValueError) as error:
            data, note = None, f"{PEER_NAMES[peer]} peer failed ({error}); its column is empty"
        peers[peer] = data
        if data and not any(fast in data["blas"].lower() for fast in ("openblas", "mkl")):
            note = (f"{PEER_NAMES[peer]} multiplies matrices with {data['blas']}, not an optimized BLAS: "
                    "install libopenblas0-pthread for a fair comparison")
        if note:
            progress(note)
            notes.append(note)

    table = build_table(cgp, peers)
    if args.json:
        out = {"cgp_machine": cgp["machine"] if cgp else None,
               "peers": {p: ({k: d[k] for k in ("peer", "threads", "blas")} if d else None) for p, d in peers.items()},
               "rows": table, "notes": notes}
        json.dump(out, sys.stdout, indent=2)
        print()
    else:
        print_table(cgp, peers, table, notes)


if __name__ == "__main__":
    main()
