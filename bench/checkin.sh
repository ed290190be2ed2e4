#!/usr/bin/env bash
#
# bench/checkin.sh BASE DB BIN OUTDIR - the check-in burst (issue 4; SPEC
# §5: >= 3,000 check-ins/s on SQLite), run by bench/run.sh against its
# running county demo server. It adds TRAINEES trainee accounts linked to
# distinct members of 文亭街道 and SESSIONS sessions open now, logs every
# trainee in, then runs wrk with a generated script in which every request
# is a different (trainee, session) pair carrying that session's current
# token: every answer must be 201, and a 409 or 410 fails the run.
#
set -euo pipefail
base=$1 db=$2 bin=$3 out=$4
trainees=${BENCH_TRAINEES:-400}
sessions=${BENCH_SESSIONS:-250}
duration=${BENCH_CHECKIN_DURATION:-5s}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dangxiao-checkin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pw='Bench!Checkin2026'

die() { echo "checkin: FAIL: $*" >&2; exit 1; }

# login USER PASSWORD: prints "COOKIE CSRF".
login() {
    local body
    body=$(curl -s -c "$tmp/jar" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/session")
    local csrf cookie
    csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$body")
    cookie=$(awk -F'\t' '$6 == "dx_session" { v = $7 } END { print v }' "$tmp/jar")
    [[ -n $csrf && -n $cookie ]] || die "login as $1: $body"
    echo "$cookie $csrf"
}

read -r acookie acsrf < <(login county_admin 'Dangxiao@2026')
api() { # METHOD PATH [JSON]
    curl -s -H "Cookie: dx_session=$acookie" -H "X-CSRF-Token: $acsrf" \
        -H 'Content-Type: application/json' -X "$1" ${3:+-d "$3"} "$base$2"
}
field() { sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p" | head -1; }

# Members of 文亭街道, one account each.
api GET "/api/v1/people?township=371723001&political_status=member&per_page=500" \
    | grep -o '"id":[0-9]*,"name"' | grep -o '[0-9]*' | head -n "$trainees" \
    >"$tmp/people"
n=$(wc -l <"$tmp/people")
((n >= 50)) || die "only $n members found"
echo "checkin: adding $n trainee accounts"
awk '{ print "bt" NR, $1 }' "$tmp/people" >"$tmp/accounts"
# Light argon2 for these accounts only: the bench measures check-ins.
DANGXIAO_ARGON2_MEMLIMIT_KIB=8 DANGXIAO_ARGON2_OPSLIMIT=1 \
    xargs -P 2 -L 1 sh -c "echo '$pw' | '$bin' user add \"\$0\" --db '$db' \
        --role trainee --township 371723001 --person \"\$1\" >/dev/null" \
    <"$tmp/accounts" || die "user add failed"

# Sessions open now in 文亭街道党校.
school=$(api GET "/api/v1/schools?township=371723001" | field id)
room=$(api GET "/api/v1/schools/$school/rooms" | field id)
course=$(api GET "/api/v1/courses?per_page=1" | field id)
day=$(TZ=Asia/Shanghai date +%F)
start=$(TZ=Asia/Shanghai date -d '-10 min' +%FT%H:%M)
end=$(TZ=Asia/Shanghai date -d '+3 hours' +%FT%H:%M)
program=$(api POST /api/v1/programs "{\"type\":\"weekly_lesson\",\"school_id\":$school,\"title\":\"签到压测\",\"from\":\"$day\",\"to\":\"$day\"}" | field id)
[[ -n $program ]] || die "cannot create the program"
for ((k = 0; k < sessions; k++)); do
    api POST /api/v1/sessions "{\"program_id\":$program,\"course_id\":$course,\"starts_at\":\"$start\",\"ends_at\":\"$end\",\"room_id\":$room,\"hours\":0.5,\"capacity\":1000}" \
        >"$tmp/session.json"
    field id <"$tmp/session.json" | grep . \
        || { cat "$tmp/session.json" >&2; die "cannot create session $k"; }
done >"$tmp/sessions"
[[ $(wc -l <"$tmp/sessions") -eq $sessions ]] || die "cannot create the sessions"

echo "checkin: logging $n trainees in"
while read -r name _; do
    login "$name" "$pw"
done <"$tmp/accounts" >"$tmp/logins"

# The tokens last this slot and the next: fetch them last.
while read -r sid; do
    printf '%s\n' "$(api GET "/api/v1/sessions/$sid/checkin-code" \
        | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
done <"$tmp/sessions" >"$tmp/tokens"

{
    echo 'local cookies, csrfs, tokens = {}, {}, {}'
    awk '{ printf "cookies[%d] = \"%s\"; csrfs[%d] = \"%s\"\n", NR, $1, NR, $2 }' "$tmp/logins"
    awk '{ printf "tokens[%d] = \"%s\"\n", NR, $1 }' "$tmp/tokens"
    cat <<'LUA'
local n, s = #cookies, #tokens
local threads, counter = {}, 0
function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end
local k = nil
bad, sample = 0, ""
function request()
    if k == nil then k = id end
    local t = k % n + 1
    local se = math.floor(k / n) % s + 1
    k = k + 2 -- two wrk threads: even and odd pairs
    return wrk.format("POST", "/api/v1/checkin",
        {["Cookie"] = "dx_session=" .. cookies[t], ["X-CSRF-Token"] = csrfs[t],
         ["Content-Type"] = "application/json"},
        '{"token":"' .. tokens[se] .. '"}')
end
function response(status, headers, body)
    if status ~= 201 then
        bad = bad + 1
        if sample == "" then sample = status .. " " .. body end
    end
end
function done(summary, latency, requests)
    local total_bad, first = 0, ""
    for _, t in ipairs(threads) do
        total_bad = total_bad + (t:get("bad") or 0)
        if first == "" then first = t:get("sample") or "" end
    end
    io.write(string.format("checkin-bad %d\n", total_bad))
    if first ~= "" then io.write("first bad answer: " .. first .. "\n") end
end
LUA
} >"$tmp/checkin.lua"
pairs=$((n * sessions))
echo "checkin: wrk -t2 -c64 -d$duration -s checkin.lua $base/api/v1/checkin ($pairs distinct pairs)"
wrk -t2 -c64 -d"$duration" --latency -s "$tmp/checkin.lua" "$base/api/v1/checkin" \
    >"$tmp/wrk.log" 2>&1 || { cat "$tmp/wrk.log" >&2; die "wrk failed"; }
rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$tmp/wrk.log")
p99=$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.log")
reqs=$(awk '/requests in/ { print $1 }' "$tmp/wrk.log")
bad=$(awk '/^checkin-bad/ { print $2 }' "$tmp/wrk.log")
[[ ${bad:-1} -eq 0 ]] || { cat "$tmp/wrk.log" >&2; die "$bad check-ins were not 201"; }
((reqs < pairs)) || { cat "$tmp/wrk.log" >&2; die "the run used up the $pairs pairs: raise BENCH_SESSIONS"; }
echo "checkin: $reqs check-ins, $rps check-ins/s, p99 $p99, every answer 201"
if ((rps >= 3000)); then
    echo "target: >= 3,000 check-ins/s on SQLite — met"
else
    echo "target: >= 3,000 check-ins/s on SQLite — NOT met"
fi
