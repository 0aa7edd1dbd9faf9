#!/usr/bin/env bash
# Installs the Debian 12 packages cgp needs to build, test and plot, when they are missing.
# Uses apt-get as root, or through sudo; does nothing when everything is present.
set -euo pipefail

packages=(
  cmake ninja-build gcc g++ make binutils
  libboost-dev libboost-test-dev libboost-program-options-dev
  libxsimd-dev libfmt-dev nlohmann-json3-dev
  gnuplot-nox graphviz
  # cgp-sweep across MPI ranks (mpirun -np N cgp-sweep ...)
  openmpi-bin libopenmpi-dev
  # the Python module (import cgp), its tests and the example notebooks
  python3-dev pybind11-dev python3-numpy python3-pandas python3-pytest python3-matplotlib python3-nbformat
)
# Extra sets, selected by the first argument: `fuzz` adds clang's libFuzzer runtime; `format` is
# only clang-format (make format, make format-check), nothing else.
if [[ "${1:-}" == "fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
elif [[ "${1:-}" == "format" ]]; then
  packages=(clang-format)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "cgp: installing missing Debian packages: ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "cgp: need root or sudo to install: ${missing[*]}" >&2
  echo "cgp: install them yourself (apt-get install ${missing[*]}) and run make again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
