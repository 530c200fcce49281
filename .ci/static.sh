#!/usr/bin/env bash
# .ci/static.sh [--with-diff]: builds oxgit as a fully static binary and smoke-tests it.
#
#   RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --target x86_64-unknown-linux-gnu
#
# (the explicit --target keeps RUSTFLAGS away from proc-macros/build scripts, crates.md §6).
# Then: `file` must say statically/static-pie linked and `ldd` "statically linked" (or "not
# a dynamic executable"); `oxgit --version` must print "oxgit version ..."; in a temporary
# repository `oxgit cat-file -p HEAD` is compared with git and reported, without failing
# (informational until cat-file lands). With --with-diff, `oxgit diff -p HEAD~1 HEAD` (a
# rename, an edit, an add, a delete, a mode change) must match git byte for byte.
# Prints the binary size in bytes, unstripped and stripped.
# Usage (from anywhere): .ci/static.sh [--with-diff]    Needs: cargo, git, file, ldd, strip.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
with_diff=0
for a in "$@"; do
  case $a in
    --with-diff) with_diff=1 ;;
    *) echo "usage: $0 [--with-diff]" >&2; exit 2 ;;
  esac
done
for t in cargo git file ldd strip; do command -v "$t" >/dev/null || { echo "static: FAIL: needs $t" >&2; exit 1; }; done
fail() { echo "static: FAIL: $*" >&2; exit 1; }
target=x86_64-unknown-linux-gnu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "static: RUSTFLAGS='-C target-feature=+crt-static' cargo build --locked --release --target $target" >&2
RUSTFLAGS='-C target-feature=+crt-static' cargo build --locked --release --target "$target" --bin oxgit \
  --message-format=json-render-diagnostics >"$tmp/build.json" || fail "static release build failed"
bin=$(grep -o '"executable":"[^"]*/oxgit"' "$tmp/build.json" | tail -n 1 | sed 's/^"executable":"//; s/"$//')
[ -x "$bin" ] || fail "cargo did not report the oxgit executable"

f=$(file -b "$bin")
grep -qE 'statically linked|static-pie linked' <<<"$f" || fail "file says: $f"
l=$(ldd "$bin" 2>&1 || true)
grep -qE 'statically linked|not a dynamic executable' <<<"$l" || fail "ldd says: $l"
echo "static: ok: file: $f"
echo "static: ok: ldd: $l"

v=$("$bin" --version) || fail "oxgit --version exited non-zero"
[[ $v == "oxgit version "* ]] || fail "oxgit --version printed '$v'"
echo "static: ok: --version: $v"

# A small repository: two commits with an edit, a rename, an add, a delete and a mode change.
(
  . "$root/fixtures/lib.sh"
  new_repo "$tmp/repo"
  printf 'one\ntwo\nthree\n' > a.txt
  seq 1 50 > moved.txt
  printf 'bye\n' > gone.txt
  printf '#!/bin/sh\necho hi\n' > run.sh
  commit first
  printf 'one\n2\nthree\nfour\n' > a.txt
  git mv moved.txt renamed.txt
  printf 'new\n' > added.txt
  git rm -q gone.txt
  chmod +x run.sh
  commit second
) >/dev/null
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC
# check NAME ARGS...: runs git and oxgit in the repository; 0 if stdout and status match.
check() {
  local name=$1 grc=0 orc=0
  shift
  git -C "$tmp/repo" "$@" >"$tmp/git.out" 2>/dev/null || grc=$?
  "$bin" -C "$tmp/repo" "$@" >"$tmp/ox.out" 2>"$tmp/ox.err" || orc=$?
  if [ $grc = $orc ] && cmp -s "$tmp/git.out" "$tmp/ox.out"; then
    echo "static: ok: oxgit $* matches git"
    return 0
  fi
  echo "static: $name: oxgit $* differs from git (exit $orc vs $grc): $(head -n 1 "$tmp/ox.err" | cut -c 1-160)" >&2
  return 1
}
check "note (not failing)" cat-file -p HEAD || true
if [ $with_diff = 1 ]; then
  check FAIL diff -p HEAD~1 HEAD || exit 1
fi

size=$(stat -c %s "$bin")
strip -o "$tmp/oxgit.stripped" "$bin"
echo "static: size: $size bytes ($bin), stripped: $(stat -c %s "$tmp/oxgit.stripped") bytes"
