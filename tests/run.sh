#!/usr/bin/env bash
#
# tests/run.sh - everything `make test` runs, in order, with one summary:
#
#   1. unit tests (cmocka), release and ASan/UBSan builds
#   2. API tests (node:test against the real binary on 127.0.0.1), on a
#      temporary SQLite file and on a throwaway PostgreSQL cluster that this
#      script starts and stops itself (tests/pg.sh), with the release and
#      the ASan/UBSan binary
#   3. the browser test (playwright-core driving Debian's chromium)
#   4. a short libFuzzer run of each target (tests/fuzz/fuzz_<name>.c, built
#      as build/fuzz/<name>): FUZZ_SECONDS (default 20) split between them
#   5. lint: checks of the source itself (tests/lint/: every call that
#      names a query passes the parameter types the query table declares)
#
# The last line is the runner's summary: "N passed, N failed".
# Set DX_TEST_ONLY to a space-separated subset of: lint unit api browser
# fuzz.
#
set -uo pipefail
cd "$(dirname "$0")/.."

only=${DX_TEST_ONLY:-"lint unit api browser fuzz"}
passed=0
failed=0
failures=()
logdir=build/test-logs
mkdir -p "$logdir"
pgdir=

cleanup() {
    if [ -n "$pgdir" ]; then
        tests/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
    fi
    if [ -n "${server_pid:-}" ]; then
        kill "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# count NAME PASS FAIL: adds one suite's figures to the totals.
count() {
    local name=$1 p=${2:-0} f=${3:-0}
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failures+=("$name ($f)")
    printf '%-34s %4d passed, %d failed\n' "$name" "$p" "$f"
}

# cmocka: "[  PASSED  ] N test(s)." per group, "[  FAILED  ] N test(s)".
run_unit() {
    local name=$1 bin=$2 log="$logdir/$1.log"
    "$bin" >"$log" 2>&1
    local rc=$?
    local p f
    p=$(grep -o '\[  PASSED  \] [0-9]*' "$log" | awk '{s+=$4} END {print s+0}')
    f=$(grep -o '\[  FAILED  \] [0-9]*' "$log" | awk '{s+=$4} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or sanitizer report: count it
        tail -30 "$log"
    fi
    [ "$f" -gt 0 ] && grep -E 'FAILED|ERROR|error' "$log" | head -20
    count "$name" "$p" "$f"
}

# node:test with the TAP reporter: "# pass N" and "# fail N" at the end.
run_node() {
    local name=$1
    shift
    local log="$logdir/$name.log"
    "$@" >"$log" 2>&1
    local rc=$?
    local p f
    p=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
    f=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    if [ "$f" -gt 0 ]; then
        grep -E '^not ok|^# Subtest|error|expected|actual' "$log" | head -40
    fi
    count "$name" "$p" "$f"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1:abort_on_error=0:halt_on_error=1"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"print_stacktrace=1:halt_on_error=1"}

if [[ " $only " == *" lint "* ]]; then
    run_node lint node --test --test-reporter=tap tests/lint/
fi

if [[ " $only " == *" unit "* ]]; then
    run_unit unit build/unit
    run_unit unit-asan build/asan/unit
fi

if [[ " $only " == *" api "* ]]; then
    pgdir=$(mktemp -d /tmp/dxpg.XXXXXX)
    if pg_admin=$(tests/pg.sh start "$pgdir"); then
        :
    else
        echo "could not start PostgreSQL; see $pgdir/pg.log" >&2
        pg_admin=
    fi
    for bin in build/dangxiao build/asan/dangxiao; do
        tag=$([ "$bin" = build/dangxiao ] && echo release || echo asan)
        run_node "api-sqlite-$tag" env DX_BIN="$bin" \
            node --test --test-reporter=tap tests/api/
        if [ -n "$pg_admin" ]; then
            run_node "api-postgresql-$tag" env DX_BIN="$bin" \
                DX_PG_ADMIN_URI="$pg_admin" \
                node --test --test-reporter=tap tests/api/
        else
            count "api-postgresql-$tag" 0 1
        fi
    done
fi

if [[ " $only " == *" browser "* ]]; then
    db="$logdir/browser.db"
    rm -f "$db" "$db"-*
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    if build/dangxiao init --db "$db" >"$logdir/browser-server.log" 2>&1 &&
        DANGXIAO_ARGON2_MEMLIMIT_KIB=8192 build/dangxiao demo --db "$db" \
            --scale small >>"$logdir/browser-server.log" 2>&1; then
        DANGXIAO_ACCESS_LOG=off build/dangxiao serve --db "$db" \
            --listen "127.0.0.1:$port" >>"$logdir/browser-server.log" 2>&1 &
        server_pid=$!
        for _ in $(seq 50); do
            curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
            sleep 0.1
        done
        run_node browser env DX_BASE_URL="http://127.0.0.1:$port" \
            node --test --test-reporter=tap tests/browser/
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=
    else
        cat "$logdir/browser-server.log"
        count browser 0 1
    fi
fi

if [[ " $only " == *" fuzz "* ]]; then
    # One case per target: it ran its share of the time without a crash,
    # a leak, a UB report or a broken promise.
    names=()
    for f in tests/fuzz/fuzz_*.c; do
        n=${f#tests/fuzz/fuzz_}
        names+=("${n%.c}")
    done
    each=$(( ${FUZZ_SECONDS:-20} / ${#names[@]} ))
    [ "$each" -lt 2 ] && each=2
    for n in "${names[@]}"; do
        mkdir -p "build/fuzz/corpus/$n" "tests/fuzz/seeds/$n"
        if [ -x "build/fuzz/$n" ] &&
            "build/fuzz/$n" -max_total_time="$each" -max_len=65536 \
                -artifact_prefix="build/fuzz/crash-$n-" \
                "build/fuzz/corpus/$n" "tests/fuzz/seeds/$n" \
                >"$logdir/fuzz-$n.log" 2>&1; then
            count "fuzz-$n" 1 0
        else
            tail -40 "$logdir/fuzz-$n.log" 2>/dev/null
            count "fuzz-$n" 0 1
        fi
    done
fi

echo
if [ "${#failures[@]}" -gt 0 ]; then
    echo "failing suites: ${failures[*]} (logs in $logdir/)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
