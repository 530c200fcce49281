#!/usr/bin/env bash
# .ci/no-c.sh: fails if oxgit's dependency graph builds or links C (shared/spec/crates.md).
#
# Checks two graphs for x86_64-unknown-linux-gnu with --all-features:
#   -e normal,build      what the engine and the oxgit binary compile
#   -e normal,build,dev  plus the test/bench dependencies (cargo test runs in CI too)
# A crate fails the check if it is a `*-sys` crate (other than linux-raw-sys, raw Linux
# syscalls in pure Rust, pulled by rustix/tempfile) or one of cc, cmake, ring, openssl*,
# bindgen, pkg-config, vcpkg, aws-lc-rs, nasm-rs, cxx, cxx-build. The fuzz/ crate
# (libfuzzer-sys builds C++) is a separate crate; if it ever joins the workspace, packages
# matching *fuzz* are excluded here.
# Usage (from anywhere): .ci/no-c.sh      Needs: cargo (registry index or ~/.cargo cache).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-gnu
allow='^linux-raw-sys$'
deny='-sys$|^cc$|^cmake$|^ring$|^openssl|^bindgen$|^pkg-config$|^vcpkg$|^aws-lc-rs$|^nasm-rs$|^cxx$|^cxx-build$'
err=$(mktemp)
trap 'rm -f "$err"' EXIT
tree() {
  cargo tree --locked --all-features --target "$target" --workspace --exclude '*fuzz*' "$@" 2>"$err" ||
    { grep -v 'excluded package pattern' "$err" >&2; echo "no-c: FAIL: cargo tree $* failed" >&2; exit 1; }
}
fail=0
for edges in normal,build normal,build,dev; do
  specs=$(tree -e "$edges" --prefix none | awk '{ print $1 "@" substr($2, 2) }' | sort -u)
  crates=$(sed 's/@.*//' <<<"$specs" | sort -u)
  bad=$(awk -F@ -v d="$deny" -v a="$allow" '$1 ~ d && $1 !~ a' <<<"$specs")
  allowed=$(grep -E "$allow" <<<"$crates" | tr '\n' ' ' || true)
  if [ -n "$bad" ]; then
    fail=1
    echo "no-c: FAIL: the -e $edges graph has C-building crates: $(tr '\n' ' ' <<<"$bad")" >&2
    for c in $bad; do
      echo "  who pulls $c (cargo tree -e $edges -i $c):" >&2
      { cargo tree --locked --all-features --target "$target" -e "$edges" -i "$c" 2>&1 || true; } | head -n 15 | sed 's/^/    /' >&2
    done
  else
    echo "no-c: ok: -e $edges: $(wc -l <<<"$crates") crates, no C${allowed:+ (allowed: $allowed)}"
  fi
done
exit $fail
