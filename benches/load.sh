#!/usr/bin/env bash
# benches/load.sh [--soak SECS] [--run SECS] [--clients N] [--scale S] [REPO]
#
# Load on `oxgit serve`, loopback only, bounded in time: N concurrent clients (default 64)
# with wrk on the commit endpoints of a mid-size repository (fixtures/gen-large.sh at
# SCALE, default 0.25: ~6,000 files, ~750 commits), each request for another commit of
# the history (a fixed list cycled through, so caches do not make it trivial).
#
#  1. per endpoint, RUN seconds (default 30): requests/s, p50/p99 latency, status counts;
#     every answer must be 200 (the diff bound is set to N so none is shed);
#  2. a soak of SOAK seconds (default 300) on both endpoints at once: peak RSS and RSS at
#     the start (after a 10 s warm-up) and at the end: memory must stay flat;
#  3. overload: the diff bound set to N/4, N clients (4x the bound): only 200 and 503
#     (with Retry-After) may come back, the server must still answer /healthz afterwards.
#
# Prints a Markdown report; exits 1 if any check fails. Needs wrk (Debian: apt-get
# install wrk) and git; builds oxgit --release unless OXGIT names a binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
soak=300 run=30 clients=64 scale=0.25 repo=
while [ $# -gt 0 ]; do
  case $1 in
    --soak) soak=$2; shift 2 ;;
    --run) run=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "load.sh: unknown option $1" >&2; exit 2 ;;
    *) repo=$1; shift ;;
  esac
done
command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
ox=${OXGIT:-}
if [ -z "$ox" ]; then
  (cd "$root" && cargo build --release --locked --quiet)
  ox=$root/target/release/oxgit
fi
work=$(mktemp -d /tmp/oxgit-load.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "$repo" ]; then
  repo=/tmp/oxgit-load-repo-$scale
  [ -e "$repo/.git/packed-refs" ] || { rm -rf "$repo"; GEN_LARGE_WINDOW=10 "$root/fixtures/gen-large.sh" "$repo" "$scale" >/dev/null; }
fi
repo=$(cd "$repo" && pwd)
name=$(basename "$repo")
name=${name%.git}
# Commits with a first parent (the diff endpoints diff against it), newest first.
git -C "$repo" rev-list --first-parent --max-count=400 HEAD >"$work/commits"
ncommits=$(wc -l <"$work/commits")

# The request lists, one target per line.
awk -v n="$name" '{ printf "/org/proj/_apis/git/repositories/%s/commits/%s/changes?api-version=7.1&$top=1000\n", n, $1 }' \
  "$work/commits" >"$work/azure.txt"
awk -v n="$name" '{ printf "/repos/%s/diff?to=%s\n", n, $1 }' \
  "$work/commits" >"$work/native.txt"
cat "$work/azure.txt" "$work/native.txt" >"$work/both.txt"

# A wrk script: cycles through a list of targets, counts answers by status, and checks
# that every 503 has Retry-After.
cat >"$work/cycle.lua" <<'EOF'
local targets, i = {}, 0
counts, no_retry = {}, 0
function init(args)
  for line in io.lines(args[1]) do targets[#targets + 1] = line end
  i = math.random(#targets)
end
function request()
  i = i % #targets + 1
  return wrk.format("GET", targets[i])
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 503 and headers["Retry-After"] == nil and headers["retry-after"] == nil then
    no_retry = no_retry + 1
  end
end
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function done(summary, latency, requests)
  local total, missing = {}, 0
  for _, t in ipairs(threads) do
    for s, c in pairs(t:get("counts")) do total[s] = (total[s] or 0) + c end
    missing = missing + t:get("no_retry")
  end
  local parts = {}
  for s, c in pairs(total) do parts[#parts + 1] = s .. "=" .. c end
  table.sort(parts)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.1f p99_ms=%.1f requests=%d sock_errors=%d statuses=%s no_retry_after=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ","), missing))
end
EOF

port_of() { # a free loopback port
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
start_server() { # start_server BOUND: oxgit serve in the repository with that diff bound
  printf '[server]\nmax_concurrent_diffs = %s\nrequest_timeout_secs = 60\n' "$1" >"$work/config.toml"
  port=$(port_of)
  (cd "$repo" && exec "$ox" serve --listen "127.0.0.1:$port" --config "$work/config.toml") \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "load.sh: the server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
}
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
wrk_run() { # wrk_run SECS CONNS LIST: prints the RESULT line
  wrk -t2 -c"$2" -d"$1s" --timeout 30s -s "$work/cycle.lua" "http://127.0.0.1:$port" -- "$3" \
    | grep '^RESULT'
}
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
failed=0
check() { # check OK-EXPRESSION MESSAGE
  if ! eval "$1"; then echo "**FAILED**: $2"; failed=1; fi
}

echo "# oxgit serve under load"
echo
echo "Repository \`$repo\` ($(git -C "$repo" ls-files | wc -l) files, $ncommits commits cycled through), $clients clients (wrk, 2 threads), $(nproc) cores; oxgit $("$ox" --version 2>/dev/null || echo '?')."
echo
echo "| endpoint | seconds | requests/s | p50 ms | p99 ms | requests | statuses | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---|---:|"
start_server "$clients"
for ep in azure native; do
  r=$(wrk_run "$run" "$clients" "$work/$ep.txt")
  label="Azure DevOps commit changes"
  [ $ep = native ] && label="native commit diff (JSON, patches)"
  echo "| $label | $run | $(field rps "$r") | $(field p50_ms "$r") | $(field p99_ms "$r") | $(field requests "$r") | $(field statuses "$r") | $(field sock_errors "$r") |"
  check '[ "$(field statuses "$r")" = 200=$(field requests "$r") ] && [ "$(field sock_errors "$r")" = 0 ]' \
    "$ep: answers other than 200, or socket errors: $r"
done
echo
# Soak: both endpoints at once.
wrk_run 10 "$clients" "$work/both.txt" >/dev/null
rss_start=$(rss_kb VmRSS)
r=$(wrk_run "$soak" "$clients" "$work/both.txt")
rss_end=$(rss_kb VmRSS)
hwm=$(rss_kb VmHWM)
echo "Soak, both endpoints, $soak s: $(field rps "$r") requests/s, p50 $(field p50_ms "$r") ms, p99 $(field p99_ms "$r") ms, $(field requests "$r") requests, statuses $(field statuses "$r"), socket errors $(field sock_errors "$r")."
echo "RSS at the start of the soak $((rss_start / 1024)) MiB, at the end $((rss_end / 1024)) MiB, peak $((hwm / 1024)) MiB."
check '[ "$(field statuses "$r")" = 200=$(field requests "$r") ] && [ "$(field sock_errors "$r")" = 0 ]' "soak: $r"
# Flat: the end is within 25 % (and 32 MiB) of the start.
check '[ $((rss_end - rss_start)) -le $((rss_start / 4 + 32768)) ]' "soak: RSS grew from $rss_start to $rss_end KiB"
stop_server
echo
# Overload: 4x the bound.
bound=$((clients / 4))
start_server "$bound"
r=$(wrk_run "$run" "$clients" "$work/both.txt")
alive=$(curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && echo yes || echo no)
echo "Overload, diff bound $bound, $clients clients, $run s: statuses $(field statuses "$r"), socket errors $(field sock_errors "$r"), 503s without Retry-After $(field no_retry_after "$r"), $(field rps "$r") requests/s, p99 $(field p99_ms "$r") ms; server alive afterwards: $alive."
check '[[ "$(field statuses "$r")" =~ ^(200=[0-9]+,?)?(503=[0-9]+)?$ ]] && [[ "$(field statuses "$r")" == *503=* ]]' \
  "overload: statuses other than 200/503, or no 503 at all: $r"
check '[ "$(field sock_errors "$r")" = 0 ] && [ "$(field no_retry_after "$r")" = 0 ] && [ $alive = yes ]' "overload: $r, alive=$alive"
stop_server
exit $failed
