#!/usr/bin/env bash
# check_install_prefix.sh PREFIX: the files an installed cgp must provide: the programs, the plugins,
# the SDK headers and the cgp-sdk CMake package, and nothing of the engine; and the installed cgp-run
# must find its plugins, also after the whole prefix is moved elsewhere.
set -uo pipefail
prefix="$1"
fail=0
for f in bin/cgp-run bin/cgp-conformance \
         lib/cgp/plugins/sgd.so lib/cgp/plugins/sgdplus.so lib/cgp/plugins/adam.so \
         include/cgp/sdk/abi.h include/cgp/sdk/optimizer.hpp include/cgp/sdk/plugin_glue.hpp include/cgp/sdk/math.hpp \
         lib/cmake/cgp-sdk/cgp-sdk-config.cmake lib/cmake/cgp-sdk/cgp-sdk-config-version.cmake \
         lib/cmake/cgp-sdk/cgp-sdk-targets.cmake lib/cmake/cgp-sdk/cgp-sdk-plugin.cmake \
         lib/cmake/cgp-sdk/cgp-find-xsimd.cmake lib/cmake/cgp-sdk/cgp-plugin.version; do
  [[ -e "$prefix/$f" ]] || { echo "FAILED: $prefix/$f is missing" >&2; fail=1; }
done
# The engine (cgp::core, cgp::report) is not a package: none of its headers or libraries are installed.
unexpected=$(cd "$prefix" && find include/cgp -mindepth 1 -maxdepth 1 ! -name sdk; find lib -name 'libcgp*')
[[ -z "$unexpected" ]] || { echo "FAILED: the prefix holds parts of the engine:" >&2; echo "$unexpected" >&2; fail=1; }
listing=$("$prefix/bin/cgp-run" --list-optimizers 2>&1)
for id in sgd sgdplus adam; do
  grep -qF -- "$prefix/lib/cgp/plugins/$id.so" <<<"$listing" ||
    { echo "FAILED: the installed cgp-run does not list $prefix/lib/cgp/plugins/$id.so:" >&2; echo "$listing" >&2; fail=1; }
done
# A moved install finds its plugins from the program's own place, never from where it was installed.
moved=$(mktemp -d)
trap 'rm -rf "$moved"' EXIT
cp -a "$prefix" "$moved/elsewhere"
listing=$("$moved/elsewhere/bin/cgp-run" --list-optimizers 2>&1)
for id in sgd sgdplus adam; do
  grep -qF -- "$moved/elsewhere/lib/cgp/plugins/$id.so" <<<"$listing" ||
    { echo "FAILED: a moved install does not list its own $id.so:" >&2; echo "$listing" >&2; fail=1; }
done
if grep -qF -- "$prefix/" <<<"$listing"; then
  echo "FAILED: a moved install still looks in its old prefix $prefix:" >&2; echo "$listing" >&2; fail=1
fi
[[ $fail -eq 0 ]] && echo "$prefix holds the programs, plugins, SDK headers and CMake package"
exit $fail
