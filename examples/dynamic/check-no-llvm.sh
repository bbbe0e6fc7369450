#!/bin/sh
# Checks that a program which only runs precompiled modules does not load
# LLVM: neither its own NEEDED entries (readelf -d) nor the libraries they
# pull in (ldd) may name libLLVM or the back end, libwaot-codegen.
# Usage: check-no-llvm.sh PROGRAM
set -eu
program=$1
needed=$(readelf -d "$program" | grep NEEDED || true)
libraries=$(ldd "$program")
printf '%s\n%s\n' "$needed" "$libraries"
if printf '%s\n%s\n' "$needed" "$libraries" | grep -qi -e llvm -e waot-codegen; then
    echo "FAILED: $program links LLVM" >&2
    exit 1
fi
echo "no LLVM in $program"
