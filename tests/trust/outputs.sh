#!/usr/bin/env bash
# outputs.sh RUN WORK CASE: outputs that are not regular files, modes, left-over temporaries.
set -uo pipefail
run="$1" work="$2" case="$3"
dir="$work/outputs-$case"
rm -rf "$dir"; mkdir -p "$dir"
fail() { echo "FAILED: $*" >&2; exit 1; }
train() { "$run" --iterations 50 --quiet "$@"; }
case "$case" in
  dev-null-stays-a-device)
    [[ $(id -u) -eq 0 ]] || { echo "not root: /dev/null cannot be replaced anyway"; exit 77; }
    train --checkpoint /dev/null --checkpoint-every 10 --loss-csv /dev/null >/dev/null || fail "run into /dev/null failed"
    [[ -c /dev/null ]] || fail "/dev/null is no longer a character device"
    ;;
  loss-csv-to-stdout)
    out=$(train --loss-csv /dev/stdout) || fail "run with --loss-csv /dev/stdout failed"
    grep -qx "iteration,loss,window" <<<"$out" || fail "no CSV on stdout: $out"
    grep -q "^50," <<<"$out" || fail "no last row on stdout"
    ;;
  fifo-is-written-not-replaced)
    mkfifo "$dir/pipe"
    cat "$dir/pipe" >"$dir/read.csv" &
    reader=$!
    train --loss-csv "$dir/pipe" >/dev/null || fail "run into a FIFO failed"
    wait "$reader"
    [[ -p "$dir/pipe" ]] || fail "the FIFO was replaced"
    grep -q "^50," "$dir/read.csv" || fail "the reader did not get the CSV"
    ;;
  symlink-keeps-the-link)
    echo old >"$dir/real.csv"
    ln -s real.csv "$dir/link.csv"
    train --loss-csv "$dir/link.csv" >/dev/null || fail "run into a symbolic link failed"
    [[ -L "$dir/link.csv" ]] || fail "the link was replaced by a file"
    grep -q "^50," "$dir/real.csv" || fail "the link's target was not written"
    ;;
  dangling-symlink-is-refused)
    ln -s nowhere.csv "$dir/dangling.csv"
    "$run" --iterations 50 --quiet --loss-csv "$dir/dangling.csv" >/dev/null 2>"$dir/err" && fail "accepted a dangling link"
    grep -q "is a symbolic link to a missing file" "$dir/err" || fail "message: $(cat "$dir/err")"
    [[ -L "$dir/dangling.csv" && ! -e "$dir/nowhere.csv" ]] || fail "the link or its target changed"
    ;;
  socket-is-refused)
    python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$dir/sock"
    "$run" --iterations 50 --quiet --checkpoint "$dir/sock" >/dev/null 2>"$dir/err" && fail "accepted a socket"
    grep -q "is a socket; give a regular file name" "$dir/err" || fail "message: $(cat "$dir/err")"
    [[ -S "$dir/sock" ]] || fail "the socket was replaced"
    ;;
  replaced-file-keeps-its-mode)
    echo old >"$dir/loss.csv"; chmod 640 "$dir/loss.csv"
    echo old >"$dir/run.ckpt"; chmod 600 "$dir/run.ckpt"
    train --loss-csv "$dir/loss.csv" --checkpoint "$dir/run.ckpt" --force >/dev/null 2>&1 ||
      train --loss-csv "$dir/loss.csv" --checkpoint "$dir/run.ckpt" >/dev/null || fail "run failed"
    [[ $(stat -c %a "$dir/loss.csv") == 640 ]] || fail "loss.csv mode $(stat -c %a "$dir/loss.csv")"
    [[ $(stat -c %a "$dir/run.ckpt") == 600 ]] || fail "run.ckpt mode $(stat -c %a "$dir/run.ckpt")"
    ;;
  stale-temporaries-are-removed)
    dead=4194000
    while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 1)); done
    touch "$dir/.loss.csv.tmp-$dead-0" "$dir/.loss.csv.tmp-$$-0" "$dir/.other.csv.tmp-x-0"
    train --loss-csv "$dir/loss.csv" >/dev/null || fail "run failed"
    [[ ! -e "$dir/.loss.csv.tmp-$dead-0" ]] || fail "the dead process's temporary file is still there"
    [[ -e "$dir/.loss.csv.tmp-$$-0" ]] || fail "a live process's temporary file was removed"
    [[ -e "$dir/.other.csv.tmp-x-0" ]] || fail "a file not named like a temporary was removed"
    ;;
  full-disk-keeps-the-previous-file)
    mnt="$dir/small"; mkdir -p "$mnt"
    mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null || { echo "cannot mount a tmpfs here"; exit 77; }
    trap 'umount "$mnt"' EXIT
    printf 'iteration,loss,window\n1,0.5,1\n' >"$mnt/loss.csv"
    cp "$mnt/loss.csv" "$dir/before.csv"
    "$run" --iterations 20000 --log-every 1 --quiet --loss-csv "$mnt/loss.csv" >/dev/null 2>"$dir/err"
    status=$?
    [[ $status -eq 1 ]] || fail "exit status $status on a full disk"
    grep -qF "cannot write '$mnt/loss.csv': No space left on device" "$dir/err" || fail "message: $(cat "$dir/err")"
    cmp -s "$mnt/loss.csv" "$dir/before.csv" || fail "the previous loss CSV was replaced"
    [[ -z $(ls -A "$mnt" | grep -v '^loss.csv$') ]] || fail "left: $(ls -A "$mnt")"
    ;;
  *) fail "unknown case $case" ;;
esac
echo "$case: ok"
