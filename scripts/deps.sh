#!/usr/bin/env bash
# Installs the Debian packages waot needs to build and test, and only those
# that are missing: a machine that has them all is left untouched (no
# `apt-get update`, no network).  Runs as root or through sudo.
set -euo pipefail

packages=(
  cmake make gcc libc6-dev pkg-config  # the build; libc6-dev also for `waot build`
  llvm-19-dev lld-19 liblld-19-dev  # code generation and linking
  libcriterion-dev              # unit tests
  wabt                          # wast2json for the spec suite, wat2wasm for examples
  clang-19 wasi-libc libclang-rt-19-dev-wasm32  # WASI tests: C programs built for wasm32-wasi
  libclang-rt-19-dev            # scripts/fuzz.sh: libFuzzer and the sanitizer runtimes for clang-19
  python3 nodejs                # bench.smoke: bench/suite.py, and V8 as an engine (Node >= 18)
  binaryen                      # diff.sample: wasm-opt generates the differential modules
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "waot: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
