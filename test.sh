#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs each test project (tests/*/*.csproj) and ends
# with one line "N passed, N failed" (", N skipped" when any were), counted from the tests' own results.
# That line is printed whatever went wrong before it. The run fails (non-zero exit) when a test failed,
# hung or was skipped, or when a test project ran no test or wrote no result file.
#   TEST_ALLOW_SKIPS=1  lets skipped tests pass the run (they are still counted and shown).
set -euo pipefail
cd "$(dirname "$0")"

results="artifacts/test-results"
# A test that runs this long without an end is ended (its project's run with it) and counted as failed,
# instead of holding CI until its own cut. The slowest tests (a whole app started, checked and stopped)
# take a few minutes at most.
hang_timeout="10m"

passed=0 failed=0 skipped=0 status=0 tests_started=""
declare -A exit_codes=()

# count_project NAME: adds one test project's results (its own result file) to the totals.
count_project() {
  local name=$1 dir="$results/$1"
  local trx="$dir/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "error: $name wrote no result file ($trx)" >&2
    status=1
    return
  fi

  # One UnitTestResult per test (per data row). The Counters element is not used: its notExecuted stays 0
  # for skipped xUnit tests, which VSTest counts in "total" only.
  local outcomes total ok skip hung
  outcomes=$(tr '\n' ' ' < "$trx" | grep -o '<UnitTestResult [^>]*>' | grep -o ' outcome="[A-Za-z]*"' | cut -d'"' -f2 || true)
  total=$(grep -c . <<< "$outcomes" || true)
  ok=$(grep -cx Passed <<< "$outcomes" || true)
  skip=$(grep -cx NotExecuted <<< "$outcomes" || true)
  # A test ended by the hang timeout has no result: blame's sequence file lists it as not completed.
  hung=$(find "$dir" -name 'Sequence_*.xml' -exec grep -h 'Completed="False"' {} + 2>/dev/null | sort -u | grep -c . || true)
  if [ "$hung" -gt 0 ]; then
    echo "error: $name: $hung test(s) hung and were ended after $hang_timeout:" >&2
    find "$dir" -name 'Sequence_*.xml' -exec grep -h 'Completed="False"' {} + | sort -u | grep -o ' Name="[^"]*"' | cut -d'"' -f2 | sed 's/^/  /' >&2
  fi

  passed=$((passed + ok))
  skipped=$((skipped + skip))
  failed=$((failed + total - ok - skip + hung))
  if [ "$total" -eq 0 ]; then
    echo "error: $name ran no test (no test discovered, or its run was cut short)" >&2
    status=1
  fi

  if [ "${exit_codes[$name]:-1}" -ne 0 ] && [ "$total" -eq "$((ok + skip))" ] && [ "$hung" -eq 0 ]; then
    echo "error: dotnet test failed for $name (exit ${exit_codes[$name]:-none}) with no failed test; see its output above" >&2
    status=1
  fi
}

# stop_leftovers: kills what the tests started and left running, found by the marker every process they
# start inherits (DCP passes it on to the dashboard, the services and the servers). A test ended by the
# hang timeout leaves its app so; an app being stopped as its test ends gets half a minute to go.
session="DISTRIBUTED_TRACING_TEST_SESSION=$$-$RANDOM"
stop_leftovers() {
  local pids=()
  for _ in $(seq 30); do
    mapfile -t pids < <(grep -lxzF "$session" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)
    [ ${#pids[@]} -gt 0 ] || return 0
    sleep 1
  done
  echo "warning: killing ${#pids[@]} processes the tests left running:" >&2
  for pid in "${pids[@]}"; do
    echo "  $pid $(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | cut -c1-120)" >&2
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# list_failures: names each failed test and the first line of its message, next to the count, so the
# tail of a long run's output (all a CI page may keep) says what failed without the result files.
list_failures() {
  local trx
  for trx in "$results"/*/*.trx; do
    [ -f "$trx" ] || continue
    # One record per UnitTestResult; attribute values and the message are XML-escaped, which is fine to read.
    awk 'BEGIN { RS = "<UnitTestResult " }
      NR > 1 {
        tag = substr($0, 1, index($0, ">"))
        if (tag !~ /outcome="(Failed|Timeout|Aborted|Error)"/) next
        name = tag; sub(/^.*testName="/, "", name); sub(/".*/, "", name)
        message = "(no message)"
        if (match($0, /<Message>[^<]*/)) { message = substr($0, RSTART + 9, RLENGTH - 9); sub(/\n.*/, "", message) }
        printf "failed: %s\n  %s\n", name, substr(message, 1, 300)
      }' "$trx" >&2 || true
  done
}

# The last line, whatever stopped the script.
finish() {
  local code=$?
  set +e
  trap - EXIT
  if [ -z "$tests_started" ]; then
    echo "error: stopped (exit $code) before any test ran" >&2
  else
    for project in tests/*/*.csproj; do
      count_project "$(basename "$project" .csproj)"
    done
  fi

  list_failures

  if [ "$skipped" -gt 0 ] && [ "${TEST_ALLOW_SKIPS:-0}" != 1 ]; then
    echo "error: $skipped test(s) skipped: a skipped test is not a passed one (TEST_ALLOW_SKIPS=1 allows them)" >&2
    status=1
  fi

  [ "$failed" -eq 0 ] && [ "$code" -eq 0 ] || status=1
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  exit "$status"
}
trap finish EXIT

source scripts/prerequisites.sh
install_prerequisites

rm -rf "$results"
mkdir -p "$results"
dotnet build DistributedTracing.sln -c Release -nologo -clp:ErrorsOnly

# One test project at a time: on two cores, the app-model tests run best without the others beside them.
# Each writes its own result file, so a project that wrote none is seen.
tests_started=1
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  code=0
  env "$session" dotnet test "$project" -c Release --no-build --nologo \
    --blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results/$name" || code=$?
  exit_codes[$name]=$code
  stop_leftovers
done
