#!/usr/bin/env bash
# Regenerates the seed corpora under fuzz/corpus/ from a tiny repository built with git.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/../fixtures/lib.sh"
new_repo "$tmp/r"
printf 'hello\n' > a; commit one
printf 'hello\nworld\n' > a; commit two
printf 'hello\nworld\nagain\n' > a; printf 'b\n' > b; commit three
mkdir -p "$here/corpus/loose" "$here/corpus/pack_entry" "$here/corpus/idx" "$here/corpus/midx" "$here/corpus/delta"
n=0
for f in $(find .git/objects -type f -path '*/??/*' | sort | head -6); do
  n=$((n + 1)); cp "$f" "$here/corpus/loose/seed$n"
done
git repack -adq --depth=10 --window=10
cp .git/objects/pack/*.pack "$here/corpus/pack_entry/seed1"
cp .git/objects/pack/*.idx "$here/corpus/idx/seed1"
git -c repack.useDeltaBaseOffset=false -c pack.useDeltaBaseOffset=false repack -adfq
cp .git/objects/pack/*.pack "$here/corpus/pack_entry/seed2"
p=$(ls .git/objects/pack/*.pack)
git index-pack --index-version=1 -o "$tmp/v1.idx" "$p" > /dev/null
cp "$tmp/v1.idx" "$here/corpus/idx/seed2"
git index-pack --index-version=2,0 -o "$tmp/large.idx" "$p" > /dev/null
cp "$tmp/large.idx" "$here/corpus/idx/seed3"
git multi-pack-index write
cp .git/objects/pack/multi-pack-index "$here/corpus/midx/seed1"
printf 'c\n' > c; commit four; git repack -dq; git multi-pack-index write
cp .git/objects/pack/multi-pack-index "$here/corpus/midx/seed2"
# Deltas: 2-byte little-endian base length, base, delta.
printf '\x0b\x00hello world\x0b\x0a\x90\x05\x05, you' > "$here/corpus/delta/seed1"
printf '\x03\x00abc\x03\x06\x91\x00\x03\x03xyz' > "$here/corpus/delta/seed2"
printf '\x00\x00\x00\x02\x02hi' > "$here/corpus/delta/seed3"
