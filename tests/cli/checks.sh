# Pass/fail bookkeeping for the shell tests of tests/cli, sourced by them:
# check and expect count results, checks_summary prints the counts and
# returns nonzero when anything failed.
passed=0 failed=0

check() { # name, condition text, result (0: pass)
  if [ "$3" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1: $2"
  fi
}

expect() { # name, expected status, expected text in stdout+stderr, command...
  local name=$1 status=$2 text=$3
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  [ "$rc" -eq "$status" ] && [[ "$out" == *"$text"* ]]
  check "$name" "expected status $status and '$text', got status $rc: $out" $?
}

checks_summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
