#!/usr/bin/env bash
#
# bench/run.sh - `make bench`: dangxiao against a bare libmicrohttpd server.
#
# Builds build/bench/bare, makes a fresh county-scale demo database, starts
# build/dangxiao on it, captures the exact bodies of its endpoints and
# serves them again from memory with bare. Then runs the same wrk load on
# both and prints req/s, p99 and the ratio dangxiao/bare. The ratio is what
# we quote: both numbers come from the same run on the same machine.
#
# Expects build/dangxiao to be built (the Makefile target does that first).
# Environment:
#   BENCH_DURATION  wrk duration per run (default 10s)
#   BENCH_PORT      first port to try (default 18180)
#   BENCH_DANGXIAO  server binary (default build/dangxiao)
#
set -euo pipefail

cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-10s}
first_port=${BENCH_PORT:-18180}
out=build/bench
bin=${BENCH_DANGXIAO:-build/dangxiao}
db=$out/demo.db
user=county_admin
password='Dangxiao@2026'
# The people search runs as a school admin (SPEC §5, issue 3): its
# township's roster, searched by pinyin and by a Chinese character (王);
# so do the roster page and the list pages of issue 10.
search_endpoint='/api/v1/people?q=wang'
endpoints=(/healthz /api/v1/me /api/v1/townships "$search_endpoint"
           '/api/v1/people?q=%E7%8E%8B' '/api/v1/people?per_page=20'
           /people /api/v1/sessions /sessions /rooms /teachers /hours)
public_endpoints=' /healthz '    # sent without the session cookie
school_endpoints=" $search_endpoint /api/v1/people?q=%E7%8E%8B /people /rooms "
target_endpoint=/api/v1/me
target_ratio=0.50
search_user=school_admin
# SPEC §5: a logged-in list page or API list >= 15,000 req/s, p99 < 20 ms.
list_targets=("$search_endpoint" '/api/v1/people?q=%E7%8E%8B'
              '/api/v1/people?per_page=20' /people /api/v1/sessions /sessions
              /rooms /teachers /hours)
search_target_rps=15000
search_target_p99=20

server_pid=
bare_pid=
import_pid=
tmp=

die() {
    echo "bench: FAIL: $*" >&2
    exit 1
}

cleanup() {
    local pid
    for pid in $server_pid $bare_pid $import_pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    for pid in $server_pid $bare_pid $import_pid; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n $tmp ]]; then
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# port_free PORT: true if nothing listens on 127.0.0.1:PORT.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port FROM: print the first free port at or above FROM.
pick_port() {
    local p=$1
    while ! port_free "$p"; do
        p=$((p + 1))
        if ((p > $1 + 200)); then
            die "no free port in $1..$p"
        fi
    done
    echo "$p"
}

# wait_ready PID URL LOG: wait up to 10 s for URL to answer 200.
wait_ready() {
    local pid=$1 url=$2 log=$3 i code
    for ((i = 0; i < 100; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "--- $log" >&2
            tail -n 20 "$log" >&2 || true
            die "server (pid $pid) exited before $url answered"
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" \
               || true)
        if [[ $code == 200 ]]; then
            return 0
        fi
        sleep 0.1
    done
    echo "--- $log" >&2
    tail -n 20 "$log" >&2 || true
    die "$url did not answer 200 within 10 s (last status: ${code:-none})"
}

# auth_args ENDPOINT: the curl/wrk arguments that send the session cookie,
# or nothing for a public endpoint. Sets the array auth.
auth_args() {
    auth=()
    if [[ $school_endpoints == *" $1 "* ]]; then
        auth=(-H "$search_cookie")
    elif [[ $public_endpoints != *" $1 "* ]]; then
        auth=(-H "$cookie")
    fi
}

# fetch URL FILE [CURL ARGS...]: GET URL into FILE; die unless it is 200.
fetch() {
    local url=$1 file=$2 code
    shift 2
    code=$(curl -s --max-time 5 -o "$file" -w '%{http_code}' "$@" "$url" \
           || true)
    if [[ $code != 200 ]]; then
        echo "--- body:" >&2
        head -c 500 "$file" >&2 2>/dev/null || true
        echo >&2
        die "GET $url answered ${code:-nothing}, expected 200"
    fi
}

# to_ms LATENCY: wrk's "545.00us" / "5.90ms" / "1.02s" in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/)      n = n / 1000
        else if (v ~ /ms$/) n = n
        else if (v ~ /m$/)  n = n * 60000
        else if (v ~ /s$/)  n = n * 1000
        printf "%.2f", n
    }'
}

# rss_mb PID: resident memory of PID in MB.
rss_mb() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

[[ -x $bin ]] || die "$bin not found: build it first (make bench does)"
command -v wrk >/dev/null || die "wrk not installed"
command -v curl >/dev/null || die "curl not installed"

mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dangxiao-bench.XXXXXX")

echo "bench: building $out/bare"
cc -O2 -Wall -Wextra -Werror -o "$out/bare" bench/bare.c -lmicrohttpd

echo "bench: creating $db (county scale, seed 1)"
rm -f "$db" "$db"-*
"$bin" init --db "$db" >"$out/init.log" 2>&1 \
    || { cat "$out/init.log" >&2; die "dangxiao init failed"; }
"$bin" demo --db "$db" --scale county --seed 1 >"$out/demo.log" 2>&1 \
    || { cat "$out/demo.log" >&2; die "dangxiao demo failed"; }

port1=$(pick_port "$first_port")
base1=http://127.0.0.1:$port1
rm -f "$out/access.log"
echo "bench: starting dangxiao on $base1"
DANGXIAO_ACCESS_LOG=$out/access.log \
    "$bin" serve --db "$db" --listen "127.0.0.1:$port1" \
    >"$out/server.log" 2>&1 &
server_pid=$!
wait_ready "$server_pid" "$base1/healthz" "$out/server.log"

# login USER: log in on the server; prints the session cookie header.
login() {
    local jar=$tmp/jar.$1 code
    code=$(curl -s --max-time 5 -o "$tmp/login" -w '%{http_code}' -c "$jar" \
           -H 'Content-Type: application/json' \
           -d "{\"username\":\"$1\",\"password\":\"$password\"}" \
           "$base1/api/v1/session" || true)
    if [[ $code != 2?? ]]; then
        head -c 500 "$tmp/login" >&2 2>/dev/null || true
        echo >&2
        die "login as $1 answered ${code:-nothing}"
    fi
    local s
    s=$(awk -F'\t' '$6 == "dx_session" { v = $7 } END { print v }' "$jar")
    [[ -n $s ]] || die "login as $1 answered $code but set no dx_session cookie"
    echo "Cookie: dx_session=$s"
}
cookie=$(login "$user")
search_cookie=$(login "$search_user")
[[ -n $cookie && -n $search_cookie ]] || exit 1

# bare_path ENDPOINT: the path bare serves ENDPOINT's body at: bare
# ignores a query string, so "?", "&", "=" and "%" become "_" ("/api/v1/
# people?q=wang" is "/api/v1/people_q_wang").
bare_path() {
    echo "${1//[?&=%]/_}"
}

# body_file ENDPOINT: bare serves "/api/v1/me" from file "_api_v1_me".
body_file() {
    local p
    p=$(bare_path "$1")
    echo "$bodies/${p//\//_}"
}

# Capture the real bodies.
bodies=$tmp/bodies
mkdir -p "$bodies"
for ep in "${endpoints[@]}"; do
    auth_args "$ep"
    fetch "$base1$ep" "$(body_file "$ep")" ${auth[@]+"${auth[@]}"}
done

port2=$(pick_port $((port1 + 1)))
base2=http://127.0.0.1:$port2
echo "bench: starting bare on $base2"
"$out/bare" "$port2" "$bodies" >"$out/bare.log" 2>&1 &
bare_pid=$!
wait_ready "$bare_pid" "$base2/healthz" "$out/bare.log"
for ep in "${endpoints[@]}"; do
    auth_args "$ep"
    fetch "$base2$(bare_path "$ep")" "$tmp/check" ${auth[@]+"${auth[@]}"}
    cmp -s "$tmp/check" "$(body_file "$ep")" \
        || die "bare does not serve the captured body of $ep"
done

# run_wrk ENDPOINT URL: run wrk on URL; sets rps and p99 (ms). Dies on
# errors.
run_wrk() {
    local ep=$1 url=$2 log
    log=$tmp/wrk.$RANDOM
    auth_args "$ep"
    wrk -t2 -c64 -d"$duration" --latency ${auth[@]+"${auth[@]}"} "$url" \
        >"$log" 2>&1 \
        || { cat "$log" >&2; die "wrk failed on $url"; }
    if grep -q 'Non-2xx or 3xx responses' "$log"; then
        cat "$log" >&2
        die "$url returned non-2xx responses under load"
    fi
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
    p99=$(awk '$1 == "99%" { print $2 }' "$log")
    [[ -n $rps && -n $p99 ]] \
        || { cat "$log" >&2; die "cannot parse wrk output for $url"; }
    p99=$(to_ms "$p99")
    rps=$(awk -v v="$rps" 'BEGIN { printf "%.0f", v }')
    if grep -q 'Socket errors' "$log"; then
        echo "bench: warning: $(grep 'Socket errors' "$log") on $url" >&2
    fi
}

declare -A real_rps real_p99 bare_rps bare_p99 ratio
for ep in "${endpoints[@]}"; do
    echo "bench: $ep: dangxiao ($duration)"
    run_wrk "$ep" "$base1$ep"
    real_rps[$ep]=$rps
    real_p99[$ep]=$p99
    echo "bench: $ep: bare ($duration)"
    run_wrk "$ep" "$base2$(bare_path "$ep")"
    bare_rps[$ep]=$rps
    bare_p99[$ep]=$p99
    ratio[$ep]=$(awk -v a="${real_rps[$ep]}" -v b="$rps" \
                 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
done

kill -0 "$server_pid" 2>/dev/null || die "dangxiao died during the runs"
server_rss=$(rss_mb "$server_pid")
bare_rss=$(rss_mb "$bare_pid")

echo
printf '%-42s | %14s | %9s | %10s | %9s | %5s\n' \
    endpoint 'dangxiao req/s' 'p99 ms' 'bare req/s' 'p99 ms' ratio
printf '%s\n' \
    '-------------------------------------------+----------------+-----------+------------+-----------+------'
for ep in "${endpoints[@]}"; do
    printf '%-42s | %14s | %9s | %10s | %9s | %5s\n' "$ep" \
        "${real_rps[$ep]}" "${real_p99[$ep]}" \
        "${bare_rps[$ep]}" "${bare_p99[$ep]}" "${ratio[$ep]}"
done
echo
echo "wrk commands (the same against each server):"
for ep in "${endpoints[@]}"; do
    auth_args "$ep"
    if ((${#auth[@]})); then
        echo "  wrk -t2 -c64 -d$duration --latency -H '${auth[1]}' '$base1$ep'"
    else
        echo "  wrk -t2 -c64 -d$duration --latency $base1$ep"
    fi
done
echo "dangxiao resident memory after the runs: $server_rss MB (VmRSS, pid $server_pid)"
echo "bare resident memory after the runs:     $bare_rss MB"
echo "cores: $(nproc); database: $db; access log: $out/access.log"
echo

if awk -v r="${ratio[$target_endpoint]}" -v t="$target_ratio" \
       'BEGIN { exit !(r >= t) }'; then
    echo "target: $target_endpoint ratio >= $target_ratio — met"
else
    echo "target: $target_endpoint ratio >= $target_ratio — NOT met"
fi
for ep in "${list_targets[@]}"; do
    if awk -v r="${real_rps[$ep]}" -v p="${real_p99[$ep]}" \
           -v tr="$search_target_rps" -v tp="$search_target_p99" \
           'BEGIN { exit !(r >= tr && p < tp) }'; then
        verdict=met
    else
        verdict="NOT met"
    fi
    who=$user
    [[ $school_endpoints == *" $ep "* ]] && who=$search_user
    echo "target: $ep as $who >= $search_target_rps req/s," \
         "p99 < $search_target_p99 ms — $verdict"
done

# --- The county report and the check-in burst (issue 4) -------------
echo
echo "bench: the county report for the demo year"
rfrom=$(TZ=Asia/Shanghai date -d '-365 days' +%F)
rto=$(TZ=Asia/Shanghai date +%F)
rurl="$base1/api/v1/reports/county?from=$rfrom&to=$rto"
curl -s -o /dev/null -H "$cookie" "$rurl" # warm the caches once
best=
for _ in 1 2 3 4 5; do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "$cookie" "$rurl")
    best=$(awk -v a="$t" -v b="${best:-99}" 'BEGIN { print (a < b ? a : b) }')
done
ms=$(awk -v t="$best" 'BEGIN { printf "%.0f", t * 1000 }')
echo "report: ${ms} ms (best of 5: curl -H '$cookie' '$rurl')"
if ((ms < 100)); then
    echo "target: the county report for a year in < 100 ms — met"
else
    echo "target: the county report for a year in < 100 ms — NOT met"
fi
echo
echo "bench: check-in burst"
bench/checkin.sh "$base1" "$db" "$bin" "$out"

# --- Importing a county's roster --------------------------------------
# The demo county's ~30,000 people, exported with their full numbers,
# imported into a fresh database (townships only) through the API: once
# as CSV, once as an .xlsx with text cells (bench/csv2xlsx.c).
echo
echo "bench: roster import"
code=$(curl -s --max-time 60 -o "$tmp/all.csv" -w '%{http_code}' -H "$cookie" \
       "$base1/api/v1/people/export.csv?reveal=id_number&reason=bench" || true)
[[ $code == 200 ]] || die "export for the import bench answered ${code:-nothing}"
# Keep 姓名,身份证号,手机号,政治面貌,所属镇街: the villages are not in the
# fresh database.
cut -d, -f1,4-7 "$tmp/all.csv" >"$tmp/import.csv"
rows=$(($(wc -l <"$tmp/import.csv") - 1))
cc -O2 -Wall -Wextra -Werror -o "$out/csv2xlsx" bench/csv2xlsx.c \
    $(pkg-config --cflags --libs xlsxwriter)
"$out/csv2xlsx" "$tmp/import.csv" "$tmp/import.xlsx" \
    || die "csv2xlsx failed"

# import_run FILE CONTENT-TYPE LABEL: a fresh database and server, one
# timed upload; prints the line and whether the target is met.
import_run() {
    local file=$1 type=$2 label=$3 idb=$out/import.db port3 base3 login csrf
    local t0 t1 imported secs
    rm -f "$idb" "$idb"-* "$idb.keys"
    "$bin" init --db "$idb" >"$out/import-init.log" 2>&1 \
        || die "init of the import database failed"
    echo 'Bench!Import2026' | "$bin" user add importer --db "$idb" \
        --role county_admin >>"$out/import-init.log" 2>&1 \
        || die "user add failed"
    port3=$(pick_port $((port2 + 1)))
    base3=http://127.0.0.1:$port3
    DANGXIAO_ACCESS_LOG=off "$bin" serve --db "$idb" \
        --listen "127.0.0.1:$port3" >"$out/import-server.log" 2>&1 &
    import_pid=$!
    wait_ready "$import_pid" "$base3/healthz" "$out/import-server.log"
    login=$(curl -s -c "$tmp/jar3" -H 'Content-Type: application/json' \
            -d '{"username":"importer","password":"Bench!Import2026"}' \
            "$base3/api/v1/session")
    csrf=$(echo "$login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
    t0=$(date +%s.%N)
    curl -s --max-time 120 -b "$tmp/jar3" -H "X-CSRF-Token: $csrf" \
        -H "Content-Type: $type" --data-binary "@$file" \
        "$base3/api/v1/people/import?mode=valid" >"$tmp/import.json"
    t1=$(date +%s.%N)
    kill "$import_pid" 2>/dev/null || true
    wait "$import_pid" 2>/dev/null || true
    imported=$(sed -n 's/.*"imported":\([0-9]*\).*/\1/p' "$tmp/import.json")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    echo "import: $rows rows ($(du -k "$file" | cut -f1) KiB $label), \
${imported:-?} imported in $secs s (curl POST /api/v1/people/import?mode=valid)"
    if [[ ${imported:-0} -eq $rows ]] && awk -v s="$secs" 'BEGIN { exit !(s < 3) }'; then
        echo "target: a 30,000-row $label roster imported in < 3 s — met"
    else
        echo "target: a 30,000-row $label roster imported in < 3 s — NOT met"
    fi
}

import_run "$tmp/import.csv" text/csv CSV
import_run "$tmp/import.xlsx" \
    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet .xlsx
