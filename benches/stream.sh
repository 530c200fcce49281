#!/usr/bin/env bash
# benches/stream.sh [N...]: streaming a huge diff. For each N (default 50000 100000 200000)
# builds (once, under ${STREAM_DIR:-/tmp/oxgit-stream}) a repository where N files change
# (fixtures/gen-many-files.sh), then reports for git and oxgit, on `diff -p`,
# `diff --format=ndjson` (oxgit only) and `diff --stat`: wall time, peak RSS, and the time
# until the first byte of output. Needs OXGIT (default target/release/oxgit), GNU time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ox=${OXGIT:-$root/target/release/oxgit}
base=${STREAM_DIR:-/tmp/oxgit-stream}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50000 100000 200000)
mkdir -p "$base"
anon_peak() { # peak anonymous (heap) memory of "$@" in MiB, sampled every 10 ms: the
  # file-backed pages of the mmapped pack count in RSS for both tools and grow with it
  "$@" >/dev/null 2>&1 &
  local pid=$! peak=0 kb
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
    sleep 0.01
  done
  wait "$pid" || true
  echo $((peak / 1024))
}
first_byte() { # seconds until the first byte of "$@" on stdout
  local t0 t1
  t0=$(date +%s.%N)
  "$@" 2>/dev/null | head -c 1 >/dev/null || true
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
printf '| files | command | tool | wall s | peak RSS MiB | peak heap (RssAnon) MiB | first byte s |\n|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  repo=$base/many$n
  [ -e "$repo/.git/refs/tags/many-b" ] || { rm -rf "$repo"; "$root/fixtures/gen-many-files.sh" "$repo" "$n" >/dev/null; }
  cd "$repo"
  for args in "diff -p many-a many-b" "diff --format=ndjson many-a many-b" "diff --stat many-a many-b"; do
    for tool in git oxgit; do
      bin=git; [ $tool = oxgit ] && bin=$ox
      [ $tool = git ] && [[ $args == *ndjson* ]] && continue
      # shellcheck disable=SC2086
      /usr/bin/time -f '%e %M' -o "$base/time.txt" $bin $args >/dev/null
      read -r wall kib <"$base/time.txt"
      # shellcheck disable=SC2086
      fb=$(first_byte $bin $args)
      # shellcheck disable=SC2086
      anon=$(anon_peak $bin $args)
      printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$n" "$args" "$tool" "$wall" "$((kib / 1024))" "$anon" "$fb"
    done
  done
done
