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

# Objects, refs, revision specs and config for the parser targets.
mkdir -p "$here/corpus/tree" "$here/corpus/commit" "$here/corpus/tag" "$here/corpus/packed_refs" \
  "$here/corpus/refs" "$here/corpus/revision" "$here/corpus/config"
mkdir -p d/e; printf 'x\n' > d/e/f; printf 'y\n' > d.txt; chmod +x b; ln -s a link; commit five
git tag -a v1 -m 'tag one' HEAD~1; git tag -a v2 -m 'tag of a tag' v1; git tag light
git pack-refs --all
n=0
for t in HEAD^{tree} HEAD:d HEAD:d/e HEAD~2^{tree}; do
  n=$((n + 1)); git cat-file tree "$t" > "$here/corpus/tree/seed$n"
done
git cat-file commit HEAD > "$here/corpus/commit/seed1"
git cat-file commit HEAD~1 > "$here/corpus/commit/seed2"
git -c gpg.program=false cat-file commit HEAD~3 > "$here/corpus/commit/seed3"
git cat-file tag v1 > "$here/corpus/tag/seed1"
git cat-file tag v2 > "$here/corpus/tag/seed2"
printf 'object %s\ntype blob\ntag old\n\nno tagger\n' "$(git rev-parse HEAD:a)" > "$here/corpus/tag/seed3"
cp .git/packed-refs "$here/corpus/packed_refs/seed1"
grep -v '^#' .git/packed-refs > "$here/corpus/packed_refs/seed2"
printf '# pack-refs with: peeled fully-peeled sorted \n' > "$here/corpus/packed_refs/seed3"
printf 'refs/heads/main\n%s\n' "$(git rev-parse HEAD)" > "$here/corpus/refs/seed1"
printf 'HEAD\nref: refs/heads/fuzz\n' > "$here/corpus/refs/seed2"
printf 'refs/tags/v1.0/x\nref: refs/heads/main\n' > "$here/corpus/refs/seed3"
printf 'refs/heads/a..b\n%s\n' "$(git rev-parse HEAD~1)" > "$here/corpus/refs/seed4"
n=0
for s in HEAD 'HEAD~2^{tree}:d/b' 'v1^{}' 'main@{0}' ':/three' 'HEAD^2' 'side~1' \
  'light^{commit}' "$(git rev-parse --short HEAD)" 'HEAD:a' '@{-1}' 'v2^{tag}^{}' 'HEAD^{/one}' \
  ':/^t(w|h)+o*[a-z]\{1,3\}.*$' 'HEAD^{/!-x}' 'main@{1}~1^{tree}:d' ':!x'; do
  n=$((n + 1)); printf '%s' "$s" > "$here/corpus/revision/seed$n"
done
cp .git/config "$here/corpus/config/seed1"
printf '[core]\n\tbare = false\n\tabbrev = 12k\n[remote "origin"]\n\turl = "a\\tb" ; c\n\tfetch = x\\\n y\n' \
  > "$here/corpus/config/seed2"
printf '[s "sub"]\nkey\n[a]b=1\n# comment\n[A.B]\n' > "$here/corpus/config/seed3"
# SHA-256 trees.
new_repo "$tmp/r256" --object-format=sha256
printf 'z\n' > z; mkdir q; printf 'w\n' > q/w; commit one
git cat-file tree HEAD^{tree} > "$here/corpus/tree/seed5"
git cat-file tree HEAD:q > "$here/corpus/tree/seed6"
# Commit-graphs: SHA-256 and SHA-1 (the other commit_graph seeds come from the fixtures'
# merge-base and packed repositories).
mkdir -p "$here/corpus/commit_graph"
git commit-graph write --reachable
cp .git/objects/info/commit-graph "$here/corpus/commit_graph/seed-sha256"
cd "$tmp/r" && git commit-graph write --reachable
cp .git/objects/info/commit-graph "$here/corpus/commit_graph/seed-sha1"
# Line diffs: old and new side split at the first 0xff byte.
mkdir -p "$here/corpus/line_diff"
printf 'a\nb\nc\n\xffa\nc\nd\n' > "$here/corpus/line_diff/seed1"
printf 'fn main() {\n    x();\n}\n\xfffn main() {\n    y();\n}\n' > "$here/corpus/line_diff/seed2"
printf 'no newline\xffno newline\nmore' > "$here/corpus/line_diff/seed3"
# Index files: v2, v3 (intent-to-add, skip-worktree), v4, with TREE/REUC/UNTR, and a split
# index followed by its shared index. (They hold stat data, so these seeds differ from run
# to run; their structure does not.)
mkdir -p "$here/corpus/index"
new_repo "$tmp/ix"
mkdir -p a/b && printf '1\n' > a/b/f && printf '2\n' > a/g && printf '3\n' > top && commit one
cp .git/index "$here/corpus/index/seed-v2"
printf 'n\n' > new && git add -N new && git update-index --skip-worktree top
cp .git/index "$here/corpus/index/seed-v3"
git update-index --index-version 4
cp .git/index "$here/corpus/index/seed-v4"
git update-index --index-version 2 --no-skip-worktree top
git checkout -q -b side && printf 'side\n' > top && commit side && git checkout -q main
printf 'main\n' > top && commit main2
git merge -q side >/dev/null 2>&1 || true
printf 'fixed\n' > top && git add top
git -c core.untrackedCache=true update-index --untracked-cache && git -c core.untrackedCache=true status >/dev/null
cp .git/index "$here/corpus/index/seed-reuc-untr"
git update-index --no-untracked-cache
git update-index --split-index && printf 'x\n' > a/g && git add a/g && git update-index --split-index
cat .git/index .git/sharedindex.* > "$here/corpus/index/seed-split"
