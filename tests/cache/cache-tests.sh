#!/usr/bin/env bash
# The compiled-module cache of `waot run` end to end: a miss compiles and
# stores, a hit does not compile; every kind of damaged or foreign entry is
# reported in one warning, removed, replaced and never run; concurrent runs
# of a new module leave one valid entry and no temporaries; `waot cache
# dir|list|clean`; and `waot run` with WASI (arguments, environment, exit
# status) around it.
# Usage: cache-tests.sh WAOT WAT2WASM WORKDIR
set -u
waot=$1 wat2wasm=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
for m in add sub wasi; do
  "$wat2wasm" "$here/$m.wat" -o "$work/$m.wasm" || exit 1
done
"$waot" compile "$work/sub.wasm" -o "$work/sub.cwasm" || exit 1

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # name, condition...
  local name=$1; shift
  if "$@"; then pass; else fail "$name"; fi
}
has() { [[ $1 == $2 ]]; }      # text, glob pattern
matches() { [[ $1 =~ $2 ]]; }  # text, regular expression
lacks() { [[ $1 != $2 ]]; }    # text, glob pattern

# Runs waot, keeping stdout, stderr and the status in $out, $err, $rc.
run() {
  out=$("$@" 2>"$work/stderr"); rc=$?
  err=$(cat "$work/stderr")
}
lines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }
mtime() { stat -c %y "$1"; }
entries() { find "$1" -maxdepth 1 -name '*.cwasm' | wc -l; }
temporaries() { find "$1" -maxdepth 1 -name '*.tmp.*' | wc -l; }

# ---- miss, then hit ----
cache=$work/cache
run "$waot" run -v --cache-dir "$cache" "$work/add.wasm" --invoke add 2 3
check "miss: result" [ "$rc" -eq 0 -a "$out" = "i32:5" ]
check "miss: says so" has "$err" "*cache miss*"
check "miss: one entry" [ "$(entries "$cache")" -eq 1 ]
check "miss: directory is private" [ "$(stat -c %a "$cache")" = 700 ]
entry=$(find "$cache" -name '*.cwasm')
key=$(basename "$entry" .cwasm)
check "entry named by a key" matches "$key" '^[0-9a-f]{64}$'
before=$(mtime "$entry")
sleep 0.05
run "$waot" run -v --cache-dir "$cache" "$work/add.wasm" --invoke add 2 3
check "hit: result" [ "$rc" -eq 0 -a "$out" = "i32:5" ]
check "hit: says so" [ "$err" = "waot: cache hit: $key" ]
check "hit: entry untouched" [ "$(mtime "$entry")" = "$before" ]
run "$waot" run --cache-dir "$cache" "$work/add.wasm" --invoke add 2 3
check "quiet without -v" [ "$rc" -eq 0 -a -z "$err" ]

# The optimisation level is part of the key; --no-cache leaves the cache alone.
run "$waot" run -v -O1 --cache-dir "$cache" "$work/add.wasm" --invoke add 2 3
check "-O1: its own entry" [ "$rc" -eq 0 -a "$out" = "i32:5" -a "$(entries "$cache")" -eq 2 ]
check "-O1: a miss" has "$err" "*cache miss*"
run "$waot" run -v --no-cache --cache-dir "$cache" "$work/sub.wasm" --invoke add 2 3
check "--no-cache: runs" [ "$rc" -eq 0 -a "$out" = "i32:-1" ]
check "--no-cache: stores nothing" [ "$(entries "$cache")" -eq 2 -a -z "$err" ]

# ---- the default directory ----
run env XDG_CACHE_HOME="$work/xdg" "$waot" cache dir
check "cache dir: XDG_CACHE_HOME" [ "$out" = "$work/xdg/waot" ]
run env -u XDG_CACHE_HOME HOME="$work/home" "$waot" cache dir
check "cache dir: HOME" [ "$out" = "$work/home/.cache/waot" ]
run env XDG_CACHE_HOME="relative" HOME="$work/home" "$waot" cache dir
check "cache dir: relative XDG_CACHE_HOME ignored" [ "$out" = "$work/home/.cache/waot" ]
run "$waot" cache dir --cache-dir "$work/elsewhere"
check "cache dir: --cache-dir" [ "$out" = "$work/elsewhere" ]
run env XDG_CACHE_HOME="$work/xdg" "$waot" run "$work/add.wasm" --invoke add 1 1
check "default directory used" [ "$rc" -eq 0 -a "$(entries "$work/xdg/waot")" -eq 1 ]
check "default directory private" [ "$(stat -c %a "$work/xdg/waot")" = 700 ]

# ---- damaged and foreign entries ----
cp "$entry" "$work/good.entry"
hexbytes() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }
# forge SRC KEY OUT: SRC followed by a well-formed trailer naming KEY, so
# that only the descriptor can tell it is not this module's.
forge() {
  local size le
  size=$(stat -c %s "$1")
  le=$(printf '%016x' "$size" | sed 's/../& /g' | awk '{for (i = NF; i > 0; i--) printf "%s", $i}')
  { cat "$1"; hexbytes "$2"; hexbytes "$(sha256sum "$1" | cut -c1-64)"; hexbytes "$le"
    hexbytes 0000000000000000; printf 'waot-cache-ent-1'; } > "$3"
}
damage() { # kind
  case $1 in
    truncated) head -c $(($(stat -c %s "$work/good.entry") / 2)) "$work/good.entry" > "$entry" ;;
    overwritten) cp "$work/good.entry" "$entry"
                 printf 'garbage!' | dd of="$entry" bs=1 seek=1200 conv=notrunc 2>/dev/null ;;
    header) cp "$work/good.entry" "$entry"
            printf '\x7fELF\x01' | dd of="$entry" bs=1 conv=notrunc 2>/dev/null ;;
    passwd) cp /etc/passwd "$entry" ;;
    empty) : > "$entry" ;;
    other-cwasm) cp "$work/sub.cwasm" "$entry" ;;
    other-entry) rm -rf "$work/other"
                 "$waot" run --cache-dir "$work/other" "$work/sub.wasm" --invoke add 1 1 >/dev/null
                 cp "$work"/other/*.cwasm "$entry" ;;
    other-forged) forge "$work/sub.cwasm" "$key" "$entry" ;;
    symlink) rm -f "$entry"; ln -s "$work/good.entry" "$entry" ;;
  esac
}
for kind in truncated overwritten header passwd empty other-cwasm other-entry other-forged symlink; do
  failed_before=$failed
  damage "$kind"
  run "$waot" run -v --cache-dir "$cache" "$work/add.wasm" --invoke add 2 3
  warnings=$(printf '%s\n' "$err" | grep -c "^waot: warning: cache entry $key is unusable (.*); recompiling$")
  check "$kind: right result" [ "$rc" -eq 0 -a "$out" = "i32:5" ]
  check "$kind: one warning" [ "$warnings" -eq 1 -a "$(printf '%s\n' "$err" | grep -c warning)" -eq 1 ]
  check "$kind: recompiled" has "$err" "*cache miss*"
  check "$kind: replaced" [ -f "$entry" -a ! -L "$entry" ]
  run "$waot" run -v --cache-dir "$cache" "$work/add.wasm" --invoke add 2 3
  check "$kind: then a hit" [ "$rc" -eq 0 -a "$out" = "i32:5" -a "$err" = "waot: cache hit: $key" ]
  [ "$failed" -eq "$failed_before" ] || echo "  ($kind: $err)"
done
check "no temporaries left" [ "$(temporaries "$cache")" -eq 0 ]

# A precompiled module cut in half, given to `waot run` directly, fails
# cleanly instead of killing the process in the dynamic loader.
head -c $(($(stat -c %s "$work/sub.cwasm") / 2)) "$work/sub.cwasm" > "$work/half.cwasm"
run "$waot" run "$work/half.cwasm" --invoke add 1 1
check "half a .cwasm: exit 1" [ "$rc" -eq 1 ]
check "half a .cwasm: says truncated" has "$err" "*truncated*"

# ---- concurrent runs of a new module into an empty cache ----
sed 's/i32.add/i32.add i32.const 1000 i32.add/' "$here/add.wat" > "$work/new.wat"
"$wat2wasm" "$work/new.wat" -o "$work/new.wasm" || exit 1
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$waot" run --cache-dir "$work/race" "$work/new.wasm" --invoke add "$i" 1 \
    > "$work/race.$i.out" 2> "$work/race.$i.err" &
  pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
  wait "${pids[$((i - 1))]}"; rc=$?
  check "concurrent $i: status" [ "$rc" -eq 0 ]
  check "concurrent $i: output" [ "$(cat "$work/race.$i.out")" = "i32:$((i + 1001))" ]
  check "concurrent $i: no warning" [ ! -s "$work/race.$i.err" ]
done
check "concurrent: one entry" [ "$(entries "$work/race")" -eq 1 ]
check "concurrent: no temporaries" [ "$(temporaries "$work/race")" -eq 0 ]
run "$waot" run -v --cache-dir "$work/race" "$work/new.wasm" --invoke add 1 1
check "concurrent: the entry is valid" [ "$out" = "i32:1002" -a "${err#waot: cache hit: }" != "$err" ]

# ---- a directory others could write into is not used ----
mkdir -p "$work/shared"
chmod 777 "$work/shared"
run "$waot" run --cache-dir "$work/shared" "$work/add.wasm" --invoke add 2 3
check "shared directory: still runs" [ "$rc" -eq 0 -a "$out" = "i32:5" ]
check "shared directory: warned" has "$err" "*cannot use the cache directory*writable by other users*"
check "shared directory: nothing stored" [ "$(entries "$work/shared")" -eq 0 ]

# ---- waot cache list / clean ----
run "$waot" cache list --cache-dir "$cache"
check "list: status" [ "$rc" -eq 0 ]
check "list: one line per entry" [ "$(lines "$out")" -eq "$(entries "$cache")" ]
line=$(printf '%s\n' "$out" | grep "^$key ")
read -r l_key l_size l_date l_time l_source l_compiler <<< "$line"
check "list: size" [ "$l_size" = "$(stat -c %s "$entry")" ]
check "list: time" matches "$l_date $l_time" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
check "list: source hash" [ "$l_source" = "$(sha256sum "$work/add.wasm" | cut -c1-64)" ]
check "list: compiler version" has "$l_compiler" "waot [0-9]*[(]LLVM [0-9]*[)]"
cp /etc/passwd "$cache/$(printf 'f%.0s' {1..64}).cwasm"
echo "keep me" > "$cache/notes.txt"
echo "leftover" > "$cache/$key.tmp.1.0123456789abcdef"
run "$waot" cache list --cache-dir "$cache"
check "list: damaged entry" has "$out" "*ffff * unusable: *"
expected_bytes=$(find "$cache" -maxdepth 1 \( -name '*.cwasm' -o -name '*.tmp.*' -o -name 'host-*.memo' \) \
                 -printf '%s\n' | awk '{s += $1} END {print s}')
n=$(entries "$cache")
memos=$(find "$cache" -maxdepth 1 -name 'host-*.memo' | wc -l)
run "$waot" cache clean --cache-dir "$cache"
check "clean: status" [ "$rc" -eq 0 ]
check "clean: report" [ "$out" = "removed $n entries and 1 temporary file and $memos host description$([ "$memos" -eq 1 ] || echo s) ($expected_bytes bytes) from $cache" ]
check "clean: entries gone" [ "$(entries "$cache")" -eq 0 -a "$(temporaries "$cache")" -eq 0 ]
check "clean: other files kept" [ -f "$cache/notes.txt" ]
run "$waot" cache list --cache-dir "$cache"
check "list: empty" [ "$rc" -eq 0 -a -z "$out" ]
run "$waot" cache clean --cache-dir "$work/never-made"
check "clean: no directory" [ "$rc" -eq 0 -a "$out" = "removed 0 entries (0 bytes) from $work/never-made" ]
run "$waot" cache
check "cache: no command" [ "$rc" -eq 2 ]
run "$waot" cache purge
check "cache: unknown command" [ "$rc" -eq 2 ]
run "$waot" cache list --help
check "cache list --help" [ "$rc" -eq 0 ]
check "cache list --help text" has "$out" "*Usage: waot cache list*"

# ---- WASI around the cache ----
w=$work/wasi.wasm
run "$waot" run --cache-dir "$cache" "$w" one "two words"
check "wasi: arguments" [ "$rc" -eq 0 -a "$out" = $'wasi.wasm\none\ntwo words' ]
run "$waot" run --cache-dir "$cache" "$w" --env A=1 --env B=x=y -- --env C=2
check "wasi: --env, and -- ends options" [ "$out" = $'wasi.wasm\n--env\nC=2\nA=1\nB=x=y' ]
run "$waot" run --cache-dir "$cache" --env EXIT=7 "$w"
check "wasi: exit status" [ "$rc" -eq 7 -a "$out" = $'wasi.wasm\nEXIT=7' -a -z "$err" ]
run env WAOT_TEST_VAR=hello "$waot" run --cache-dir "$cache" "$w" --env WAOT_TEST_VAR
check "wasi: --env NAME takes the host's value" [ "$out" = $'wasi.wasm\nWAOT_TEST_VAR=hello' ]
run env WAOT_TEST_VAR=hello "$waot" run --cache-dir "$cache" --inherit-env --env WAOT_TEST_VAR=bye "$w"
check "wasi: --inherit-env" has "$out" $'*\nWAOT_TEST_VAR=bye*'
check "wasi: --inherit-env passes PATH" has "$out" $'*\nPATH=*'
check "wasi: --env overrides" lacks "$out" "*WAOT_TEST_VAR=hello*"
run "$waot" run --cache-dir "$cache" "$w" --invoke trap
check "wasi: trap" [ "$rc" -eq 3 -a "$err" = "$w: trap: unreachable" ]
run "$waot" run --cache-dir "$cache" --dir "$work/no-such-dir" "$w"
check "wasi: missing --dir" [ "$rc" -eq 1 -a -n "$err" ]
run "$waot" run --cache-dir "$cache" --dir "$work::/data" "$w"
check "wasi: --dir HOST::GUEST" [ "$rc" -eq 0 ]
run "$waot" run --cache-dir "$cache" "$w" -x
check "unknown option after the file" [ "$rc" -eq 2 ]
check "unknown option after the file: names --" has "$err" "*after '--'*"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
