#!/usr/bin/env bash
# sweep_mpi.sh PART MPIEXEC SWEEP WORK: cgp-sweep on 3 MPI ranks on this machine.
#   grid:   writes the folder a one-process sweep writes (the same bytes but for times)
#   heldout: a grid on held-out data (--split) selects and reports on 3 ranks as one process does
#   bench:  the benchmark's tables equal one process's; a rerun reads every trial back
#   killed: a rank killed mid-sweep makes the sweep exit non-zero, rank 0 names the runs that were
#           out and no folder is written; the same command on the ranks resumes from the journal
# Runs as root too (CI): Open MPI refuses root unless told it is meant. Shared-memory messages go by
# copy, not by cross-memory attach, which containers without ptrace rights refuse.
set -euo pipefail
part=$1
mpiexec=$2
sweep=$3
work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
cd "$work"
fail() { echo "FAILED: $*" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
ranks=("$mpiexec" --oversubscribe -np 3)
args=(--models one-neuron,multi-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --seeds 2 --iterations 1000)

if [[ $part == grid ]]; then
  env PATH=/nonexistent "$sweep" "${args[@]}" --out one -q >one.txt 2>/dev/null
  "${ranks[@]}" /usr/bin/env PATH=/nonexistent "$sweep" "${args[@]}" --out three -j 1 >three.txt 2>three.err ||
    fail "3 ranks: $(cat three.err)"
  grep -q '16 runs on 3 ranks x 1 thread' three.err || fail "rank 0 should say the ranks: $(cat three.err)"
  python3 "$here/same_sweep.py" one three || fail "3 ranks wrote another folder than one process"
  cmp -s one/runs/multi-neuron_adam_lr=1e-2_seed1.csv three/runs/multi-neuron_adam_lr=1e-2_seed1.csv ||
    fail "a run's loss record differs"
  echo "ok: 3 ranks wrote the folder one process writes"
fi

if [[ $part == heldout ]]; then
  held=(--optimizers sgd,adam --grid lr=0.01,0.1 --seeds 2 --iterations 300 --data "$here/../../examples/data/iris.csv"
    --label species --layers 4 8 3 --loss cross-entropy --output-activation softmax --split 0.6,0.2,0.2 --no-plots)
  "$sweep" "${held[@]}" --out one -q >one.txt 2>/dev/null
  "${ranks[@]}" "$sweep" "${held[@]}" --out three -j 1 >three.txt 2>three.err || fail "3 ranks: $(cat three.err)"
  grep -q 'selected on validation' three.txt || fail "3 ranks lost the held-out selection: $(cat three.txt)"
  diff <(sed -n '/selected on validation/,$p' one.txt) <(sed -n '/selected on validation/,$p' three.txt) >&2 ||
    fail "the selected configurations differ between 1 process and 3 ranks"
  python3 "$here/same_sweep.py" one three || fail "3 ranks wrote another held-out folder than one process"
  echo "ok: 3 ranks selected on validation and reported on test as one process does"
fi

if [[ $part == bench ]]; then
  bench=(bench --suite course --optimizers sgd,adam --budget 3 --seeds 2 --seed 11 --no-plots)
  "$sweep" "${bench[@]}" --out bench1 -q >bench1.txt
  "${ranks[@]}" "$sweep" "${bench[@]}" --out bench3 -j 1 >bench3.txt 2>bench3.err || fail "bench: $(cat bench3.err)"
  cmp -s bench1.txt bench3.txt || { diff bench1.txt bench3.txt >&2; fail "bench tables differ between 1 process and 3 ranks"; }
  [[ $(ls bench3/trials | wc -l) -eq 20 ]] || fail "rank 0 should journal all 20 trials"
  "${ranks[@]}" "$sweep" "${bench[@]}" --out bench3 -j 1 >bench3b.txt 2>bench3b.err
  grep -q '0 trials run, 20 from the journal' bench3b.err || fail "bench resume on ranks: $(cat bench3b.err)"
  # Rank 0 stopped by SIGTERM (what mpirun sends on Ctrl-C) mid-benchmark: it stops every rank and
  # counts the trials it journalled (its stderr kept in a file: the launcher may drop it); the rerun
  # reads them back and gives the table of one process.
  long=(bench --suite course --optimizers sgd,adam,sgdplus,nadam --budget 20 --seeds 2 --seed 11 --no-plots)
  "$sweep" "${long[@]}" --out long1 -q >long1.txt
  "${ranks[@]}" /bin/sh -c "exec \"\$0\" \"\$@\" 2>rank\$OMPI_COMM_WORLD_RANK.err" "$sweep" "${long[@]}" --out long3 -j 1 \
    >long3.txt 2>long3.err &
  launcher=$!
  for _ in $(seq 1 1000); do
    [[ $(ls long3/trials 2>/dev/null | wc -l) -ge 3 ]] && break
    sleep 0.01
  done
  leader=$(pgrep -f -- "--out long3 -j 1" | while read -r p; do
    [[ $(cat /proc/"$p"/comm 2>/dev/null) == cgp-sweep ]] &&
      tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=0' && echo "$p"; done | head -n 1 ||
    true)
  [[ -n "$leader" ]] && kill -TERM "$leader" 2>/dev/null || true
  status=0
  wait "$launcher" || status=$?
  if grep -q 'interrupted;' rank0.err; then
    [[ $status -ne 0 ]] || fail "an interrupted benchmark on ranks exited 0"
    told=$(sed -n 's/.*interrupted; \([0-9]*\) finished trials are in.*/\1/p' rank0.err)
    [[ $told -eq $(ls long3/trials | wc -l) ]] ||
      fail "rank 0 said $told finished trials, the journal holds $(ls long3/trials | wc -l): $(cat rank0.err)"
  fi
  kept=$(ls long3/trials | wc -l)
  "${ranks[@]}" "$sweep" "${long[@]}" --out long3 -j 1 >long3b.txt 2>long3b.err || fail "resume: $(cat long3b.err)"
  grep -q ", $kept from the journal" long3b.err || fail "the resume did not read back the $kept trials: $(cat long3b.err)"
  cmp -s long1.txt long3b.txt || { diff long1.txt long3b.txt >&2; fail "the resumed benchmark on ranks differs"; }
  echo "ok: 3 ranks gave the tables of one process; the rerun read every trial back; an interrupted run resumed"
fi

if [[ $part == killed ]]; then
  long=(--models multi-neuron --optimizers sgd,adam --grid lr=1e-2,1e-3 --seeds 2 --iterations 450000 --no-plots)
  "$sweep" "${long[@]}" --out ref -q >/dev/null
  "${ranks[@]}" "$sweep" "${long[@]}" --out killed -j 1 >killed.txt 2>killed.err &
  launcher=$!
  for _ in $(seq 1 1000); do
    [[ $(ls .killed.journal 2>/dev/null | grep -c '^run-') -ge 1 ]] && break
    sleep 0.01
  done
  # The victim is rank 2 (rank 0 leads and must live to report), found by the rank Open MPI gives it.
  victim=$(pgrep -f -- "--out killed -j 1" | while read -r p; do
    [[ $(cat /proc/"$p"/comm 2>/dev/null) == cgp-sweep ]] &&
      tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=2' && echo "$p"; done | tail -n 1)
  [[ -n "$victim" ]] || fail "no rank to kill"
  kill -KILL "$victim"
  status=0
  wait "$launcher" || status=$?
  [[ $status -ne 0 ]] || fail "a sweep that lost a rank exited 0"
  grep -q 'exited on signal 9' killed.err || fail "the launcher should name the killed rank: $(cat killed.err)"
  # Rank 0 names the runs the ranks had out (none when every rank was between two runs).
  grep -q 'stopping every rank on signal 15' killed.err || fail "rank 0 should say it stops: $(cat killed.err)"
  if grep -q 'unfinished:' killed.err; then
    grep -q "  rank [0-9]: run '" killed.err || fail "rank 0 should name the runs that were out: $(cat killed.err)"
  fi
  [[ ! -e killed ]] || fail "a sweep that lost a rank wrote its folder"
  kept=$(ls .killed.journal | grep -c '^run-')
  "${ranks[@]}" "$sweep" "${long[@]}" --out killed -j 1 >resumed.txt 2>resumed.err || fail "resume: $(cat resumed.err)"
  grep -q "resuming: $kept finished runs read back from the journal" resumed.err ||
    fail "the resume on ranks did not read back the $kept runs: $(cat resumed.err)"
  python3 "$here/same_sweep.py" ref killed || fail "the resumed sweep on ranks differs from a straight run"
  echo "ok: a killed rank reported, nothing written; $kept runs read back on resume"
fi
