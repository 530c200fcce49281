#!/usr/bin/env bash
# .ci/lean.sh: the library builds without the CLI (--no-default-features) and its
# dependency graph has no CLI/server crates (clap, serde, tokio, axum, hyper, tower,
# jsonwebtoken and their satellites such as clap_derive, serde_json, hyper-util).
# Usage (from anywhere): .ci/lean.sh      Needs: cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
deny='^(clap|clap_[a-z_]+|serde|serde_[a-z_]+|tokio|tokio-[a-z-]+|axum|axum-[a-z-]+|hyper|hyper-[a-z-]+|tower|tower-[a-z-]+|jsonwebtoken)$'
echo "lean: cargo build --locked --no-default-features --lib" >&2
cargo build --locked --no-default-features --lib ||
  { echo "lean: FAIL: the library does not build with --no-default-features" >&2; exit 1; }
specs=$(cargo tree --locked --no-default-features -e normal --prefix none -p oxgit | awk '{ print $1 "@" substr($2, 2) }' | sort -u)
crates=$(sed 's/@.*//' <<<"$specs" | sort -u)
bad=$(awk -F@ -v d="$deny" '$1 ~ d' <<<"$specs")
if [ -n "$bad" ]; then
  echo "lean: FAIL: CLI/server crates in the --no-default-features graph: $(tr '\n' ' ' <<<"$bad")" >&2
  for c in $bad; do
    echo "  who pulls $c:" >&2
    { cargo tree --locked --no-default-features -e normal -p oxgit -i "$c" 2>&1 || true; } | head -n 15 | sed 's/^/    /' >&2
  done
  exit 1
fi
echo "lean: ok: $(wc -l <<<"$crates") crates in the lean graph: $(tr '\n' ' ' <<<"$crates")"
