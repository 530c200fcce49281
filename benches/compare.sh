#!/usr/bin/env bash
# benches/compare.sh [options] [REPO [A B]]
#
# Times oxgit against git on the same repository and checks that the outputs are
# identical. Prints a Markdown table on stdout (progress goes to stderr).
#
#   REPO  repository to run in (default: the one containing the current directory)
#   A B   revisions for the diff/log/merge-base rows (default: tags bench-a/bench-b if
#         both exist, else HEAD~100/HEAD; no whitespace in them)
#
# Options:
#   --no-build     don't run `cargo build --release`; use $OXGIT or target/release/oxgit
#   --runs N       timed runs per command and tool, best (lowest wall time) kept (default 3)
#   --only REGEX   only the commands matching REGEX (grep -E), e.g. --only 'diff|log'
#   --selftest     check the harness itself: compares git with a fake oxgit (a wrapper
#                  around git that alters `log` output, rejects `merge-base` as
#                  "not an oxgit command" and fails `status`), expects identical / MISMATCH /
#                  n/a / ERROR rows, exits 0 only if the harness classified them right
#   -h, --help
#
# Besides the rows on A and B, the rows of issue 12's table run on the revisions git.git
# has (a bare mirror: one pack, no commit-graph, no bitmaps); a row whose revisions or
# path do not exist in REPO is shown as skipped, with the reason, and does not fail:
#   merge-base --all $MB_REVS              (default "next seen")
#   log --format=%H -- $LOG_PATH           (default Documentation/RelNotes)
#   cat-file --batch-all-objects --batch-check --unordered
#   first-line cat-file --batch-all-objects --batch-check   (stdout piped to head -n 1:
#                                          time and peak RSS until the first line)
#   diff -p $DIFFP_REVS                    (default "v2.44.0 v2.47.0")
#   diff --numstat $NUMSTAT_REVS           (default "v2.30.0 v2.47.0")
#
# Environment:
#   OXGIT=PATH              use this oxgit binary (implies --no-build)
#   MB_REVS, LOG_PATH, DIFFP_REVS, NUMSTAT_REVS   the revisions and path above
#   BENCH_TIMEOUT=SECONDS   per-run time limit (default 900)
#   BLAME_FILE=PATH         the file of the blame rows (default packaging/debian/changelog;
#                           the rows are skipped when B has no such file)
#   OXGIT_NA_PATTERN=ERE    stderr of an unsupported command (default:
#                           'not an oxgit command|not yet supported|in progress')
#
# Each command runs once untimed (warm cache), then --runs times; the table shows the
# fastest run's wall time and that run's peak RSS (/usr/bin/time %M). Wall time is
# measured with date +%s%N around the run (includes the /usr/bin/time and timeout wrappers,
# ~2 ms, the same for both tools). The output of the last run is compared (stdout bytes
# and exit status). A command oxgit doesn't support (non-zero exit and stderr matching
# OXGIT_NA_PATTERN) shows as n/a; any other oxgit failure is ERROR. Both tools run with
# GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC, so only the repository's
# own config applies.
#
# Exit status: 0 when every supported command matched, 1 on any MISMATCH or ERROR,
# 2 on usage/setup errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
prog=compare.sh
die() { echo "$prog: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }

build=1 runs=3 only='' selftest=0
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a number"; runs=$2; shift ;;
    --runs=*) runs=${1#--runs=} ;;
    --only) [ $# -ge 2 ] || die "--only needs a pattern"; only=$2; shift ;;
    --only=*) only=${1#--only=} ;;
    --selftest) selftest=1 ;;
    -h|--help) usage 0 ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
  shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$runs'"
[ $# -le 3 ] || die "too many arguments (see --help)"
[ $# -ne 2 ] || die "give both A and B, or neither"
timeout_s=${BENCH_TIMEOUT:-900}
na_re=${OXGIT_NA_PATTERN:-'not an oxgit command|not yet supported|in progress'}

for tool in git /usr/bin/time timeout date awk md5sum; do
  command -v "$tool" >/dev/null || die "needs $tool"
done

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
  GIT_CEILING_DIRECTORIES GIT_PAGER GIT_EXTERNAL_DIFF
gitbin=$(command -v git)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/oxgit-compare.XXXXXX")
keep=''
trap 'rm -rf "$tmp"' EXIT

if [ -n "${OXGIT:-}" ] && [ $selftest = 0 ]; then   # absolute, before the cd below
  case $OXGIT in
    */*) [ -e "$OXGIT" ] || die "OXGIT=$OXGIT does not exist"
         OXGIT=$(cd "$(dirname "$OXGIT")" && pwd)/$(basename "$OXGIT") ;;
    *) p=$(command -v "$OXGIT") || die "OXGIT=$OXGIT not found on PATH"; OXGIT=$p ;;
  esac
fi

# ---- the repository and revisions -------------------------------------------------------
repo=${1:-.}
[ -d "$repo" ] || die "no such directory: $repo"
cd "$repo"
git rev-parse --git-dir >/dev/null 2>&1 || die "not a git repository: $repo"
worktree=0
if [ "$(git rev-parse --is-inside-work-tree)" = true ]; then
  worktree=1
  cd "$(git rev-parse --show-toplevel)"
fi
repo=$(pwd)
if [ $# -eq 3 ]; then
  A=$2 B=$3
elif git rev-parse -q --verify 'refs/tags/bench-a^{commit}' >/dev/null &&
     git rev-parse -q --verify 'refs/tags/bench-b^{commit}' >/dev/null; then
  A=bench-a B=bench-b
else
  git rev-parse -q --verify 'HEAD^{commit}' >/dev/null || die "$repo has no HEAD commit"
  B=HEAD
  if git rev-parse -q --verify 'HEAD~100^{commit}' >/dev/null; then A=HEAD~100
  else A=$(git rev-list --first-parent HEAD | tail -n 1); fi   # fewer than 100: the root
fi
for r in "$A" "$B"; do
  [[ $r =~ ^[^[:space:]]+$ ]] || die "revision '$r' contains whitespace"
  git rev-parse -q --verify "$r^{commit}" >/dev/null || die "'$r' is not a commit in $repo"
done

# ---- oxgit --------------------------------------------------------------------------------
if [ $selftest = 1 ]; then
  oxgit=$tmp/fake-oxgit
  cat >"$oxgit" <<EOF
#!/usr/bin/env bash
# compare.sh --selftest: git in disguise, wrong on purpose for some commands.
case \${1:-} in
  --version) echo "oxgit version selftest" ;;
  merge-base) echo "fatal: 'merge-base' is not an oxgit command. See 'oxgit --help'." >&2; exit 129 ;;
  log) "$gitbin" "\$@" | sed '1s/^./X/' ;;
  status) echo "fatal: broken on purpose" >&2; exit 128 ;;
  *) exec "$gitbin" "\$@" ;;
esac
EOF
  chmod +x "$oxgit"
elif [ -n "${OXGIT:-}" ]; then
  oxgit=$OXGIT
elif [ $build = 1 ]; then
  command -v cargo >/dev/null || die "needs cargo (or set OXGIT=/path/to/oxgit)"
  echo "$prog: cargo build --release in $root" >&2
  (cd "$root" && cargo build --release --bin oxgit --message-format=json-render-diagnostics) >"$tmp/build.json" ||
    die "cargo build --release failed"
  oxgit=$(grep -o '"executable":"[^"]*/oxgit"' "$tmp/build.json" | tail -n 1 | sed 's/^"executable":"//; s/"$//')
  [ -n "$oxgit" ] || die "cargo build did not report the oxgit executable"
else
  oxgit=${CARGO_TARGET_DIR:-$root/target}/release/oxgit
fi
[ -x "$oxgit" ] || die "oxgit binary not found or not executable: $oxgit"

# ---- measuring ----------------------------------------------------------------------------
# measure TOOL BIN GIT_RC ARGS...: warm-up run, then $runs timed runs. Sets M_RC (exit status
# of the last run), M_NS (best wall time), M_KIB (peak RSS of that run), M_STOP (1 if the
# warm-up failed and oxgit was not timed). Output in $tmp/TOOL.out, stderr in $tmp/TOOL.err.
measure() {
  local tool=$1 bin=$2 ref_rc=$3 i rc t0 t1 ns kib
  shift 3
  if [ "${1:-}" = first-line ]; then   # the command's stdout piped to head -n 1
    shift
    printf '#!/usr/bin/env bash\n"%s" "$@" | head -n 1\n' "$bin" >"$tmp/first-line-$tool"
    chmod +x "$tmp/first-line-$tool"
    bin=$tmp/first-line-$tool
  fi
  M_NS='' M_KIB='' M_STOP=0
  for ((i = 0; i <= runs; i++)); do
    rc=0
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$tmp/$tool.time" timeout -k 5 "$timeout_s" "$bin" "$@" \
      </dev/null >"$tmp/$tool.out" 2>"$tmp/$tool.err" || rc=$?
    t1=$(date +%s%N)
    M_RC=$rc
    if ((i == 0)) && [ "$tool" = oxgit ] && ((rc != 0 && rc != ref_rc)); then
      M_STOP=1
      return
    fi
    ((i == 0)) && continue
    ns=$((t1 - t0))
    kib=$(tail -n 1 "$tmp/$tool.time")
    [[ $kib =~ ^[0-9]+$ ]] || kib=0
    if [ -z "$M_NS" ] || ((ns < M_NS)); then M_NS=$ns M_KIB=$kib; fi
  done
}
same_output() {
  local a=$tmp/git.out b=$tmp/oxgit.out
  [ "$(stat -c %s "$a")" = "$(stat -c %s "$b")" ] || return 1
  if command -v cmp >/dev/null; then cmp -s "$a" "$b"; return; fi
  [ "$(md5sum <"$a")" = "$(md5sum <"$b")" ]
}
secs() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "inf" }'; }
first_line() { head -n 1 "$1" | cut -c 1-120 | tr '|' '/'; }

cmds=(
  "cat-file --batch-all-objects --batch-check"
  "cat-file --batch-all-objects --batch"
  "diff --numstat $A $B"
  "diff --name-status -M $A $B"
  "diff -p $A $B"
  "log --numstat --format=%H -n 3000 $B"
  "log --graph --oneline $B"
  "merge-base --all $A $B"
  "rev-list --count HEAD"
  "show --stat HEAD"
  "log --author=Thor --since=2023-11-16 --format=%h:%an:%ad $B"
)
[ $worktree = 1 ] && cmds+=("status --porcelain" "status --porcelain=v2 -uall")
# blame of a long-lived file (in the generated repository: the release changelog, which
# exists at every SCALE); the rows are left out when B has no such file.
blame_file=${BLAME_FILE:-packaging/debian/changelog}
if [[ $blame_file =~ ^[^[:space:]]+$ ]] && git cat-file -e "$B:$blame_file" 2>/dev/null; then
  cmds+=("blame $B -- $blame_file" "blame --porcelain -M -C $B -- $blame_file")
fi
# Issue 12's rows (see the header); skipped where REPO lacks their revisions or path.
read -ra mb_revs <<<"${MB_REVS:-next seen}"
read -ra diffp_revs <<<"${DIFFP_REVS:-v2.44.0 v2.47.0}"
read -ra numstat_revs <<<"${NUMSTAT_REVS:-v2.30.0 v2.47.0}"
log_path=${LOG_PATH:-Documentation/RelNotes}
cmds+=(
  "merge-base --all ${mb_revs[*]}"
  "log --format=%H -- $log_path"
  "cat-file --batch-all-objects --batch-check --unordered"
  "first-line cat-file --batch-all-objects --batch-check"
  "diff -p ${diffp_revs[*]}"
  "diff --numstat ${numstat_revs[*]}"
)
# skip_reason COMMAND: why COMMAND cannot run in REPO (empty: it can).
skip_reason() {
  local c=$1 r missing=()
  case $c in
    "merge-base --all ${mb_revs[*]}") for r in "${mb_revs[@]}"; do git rev-parse -q --verify "$r^{commit}" >/dev/null || missing+=("$r"); done ;;
    "diff -p ${diffp_revs[*]}") for r in "${diffp_revs[@]}"; do git rev-parse -q --verify "$r^{commit}" >/dev/null || missing+=("$r"); done ;;
    "diff --numstat ${numstat_revs[*]}") for r in "${numstat_revs[@]}"; do git rev-parse -q --verify "$r^{commit}" >/dev/null || missing+=("$r"); done ;;
    "log --format=%H -- $log_path")
      [ -n "$(git rev-parse -q --verify "HEAD:$log_path" 2>/dev/null)" ] || missing+=("HEAD:$log_path") ;;
  esac
  [ ${#missing[@]} -eq 0 ] || echo "skipped: no ${missing[*]} in this repository"
}
if [ -n "$only" ]; then
  sel=()
  for c in "${cmds[@]}"; do if grep -qE -- "$only" <<<"$c"; then sel+=("$c"); fi; done
  [ ${#sel[@]} -gt 0 ] || die "--only '$only' matches no command"
  cmds=("${sel[@]}")
fi

oxver=$("$oxgit" --version 2>/dev/null | head -n 1 || true)
src=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')
echo "$prog: $repo, A=$A ($(git rev-parse --short "$A")), B=$B ($(git rev-parse --short "$B")), best of $runs" >&2

rows=() statuses=() details=() ratios_t=() ratios_m=()
n=0
for c in "${cmds[@]}"; do
  n=$((n + 1))
  read -ra args <<<"$c"
  printf '%s: [%d/%d] %s ... ' "$prog" "$n" "${#cmds[@]}" "$c" >&2
  why=$(skip_reason "$c")
  if [ -n "$why" ]; then
    rows+=("| \`$c\` | — | — | — | — | — | — | $why |")
    statuses+=(SKIP); echo "$why" >&2; continue
  fi
  measure git "$gitbin" 0 "${args[@]}"
  g_rc=$M_RC g_ns=$M_NS g_kib=$M_KIB
  if ((g_rc >= 128)); then
    st="git failed ($g_rc): $(first_line "$tmp/git.err")"
    rows+=("| \`$c\` | $(secs "$g_ns") | — | — | $(mib "$g_kib") | — | — | $st |")
    statuses+=(GITFAIL); echo "$st" >&2; continue
  fi
  measure oxgit "$oxgit" "$g_rc" "${args[@]}"
  if ((M_STOP)); then
    if grep -qE -- "$na_re" "$tmp/oxgit.err"; then
      st=NA
      rows+=("| \`$c\` | $(secs "$g_ns") | n/a | n/a | $(mib "$g_kib") | n/a | n/a | n/a |")
    else
      st=ERROR
      what="exit $M_RC"; ((M_RC == 124)) && what="timeout ${timeout_s}s"
      rows+=("| \`$c\` | $(secs "$g_ns") | — | — | $(mib "$g_kib") | — | — | ERROR ($what): $(first_line "$tmp/oxgit.err") |")
    fi
    statuses+=("$st"); echo "git $(secs "$g_ns")s, oxgit $st" >&2; continue
  fi
  o_ns=$M_NS o_kib=$M_KIB
  tr=$(ratio "$o_ns" "$g_ns") mr=$(ratio "$o_kib" "$g_kib")
  if ((M_RC == g_rc)) && same_output; then
    st=OK ident=yes
    ratios_t+=("$tr") ratios_m+=("$mr")
  else
    st=MISMATCH ident=MISMATCH tr='—' mr='—'
    [ -n "$keep" ] || keep=$(mktemp -d "${TMPDIR:-/tmp}/oxgit-mismatch.XXXXXX")
    k=$keep/$n
    mv "$tmp/git.out" "$k.git.out"; mv "$tmp/oxgit.out" "$k.oxgit.out"; mv "$tmp/oxgit.err" "$k.oxgit.err"
    d="- \`$c\`: exit git $g_rc / oxgit $M_RC; stdout $(stat -c %s "$k.git.out") / $(stat -c %s "$k.oxgit.out") bytes"
    if command -v cmp >/dev/null; then
      d+="; $(cmp "$k.git.out" "$k.oxgit.out" 2>&1 | head -n 1 | sed "s|$keep/||g" || true)"
    fi
    details+=("$d; saved as $k.{git,oxgit}.out")
  fi
  rows+=("| \`$c\` | $(secs "$g_ns") | $(secs "$o_ns") | $tr | $(mib "$g_kib") | $(mib "$o_kib") | $mr | $ident |")
  statuses+=("$st"); echo "git $(secs "$g_ns")s, oxgit $(secs "$o_ns")s, $st" >&2
done

# ---- report -------------------------------------------------------------------------------
geomean() { printf '%s\n' "$@" | awk '{ s += log($1); n++ } END { if (n) printf "%.2f", exp(s / n); else printf "—" }'; }
count() { local w=$1 x k=0; for x in "${statuses[@]}"; do [ "$x" = "$w" ] && k=$((k + 1)); done; echo $k; }
echo "### oxgit vs git: \`$(basename "$repo")\`"
echo
echo "Repository \`$repo\`; A = \`$A\` ($(git rev-parse --short "$A")), B = \`$B\` ($(git rev-parse --short "$B"))."
echo "$(git --version), ${oxver:-oxgit (no --version)} (source $src); $(nproc) CPUs; best of $runs runs after a warm-up; $(date -u '+%Y-%m-%d %H:%M UTC')."
echo
echo "| command | git s | oxgit s | time ratio (oxgit/git) | git MiB | oxgit MiB | mem ratio | output identical |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Identical: $(count OK), MISMATCH: $(count MISMATCH), n/a: $(count NA), ERROR: $(count ERROR), git failed: $(count GITFAIL), skipped: $(count SKIP)."
if [ ${#ratios_t[@]} -gt 0 ]; then
  echo "Geometric mean over identical rows: time ratio $(geomean "${ratios_t[@]}"), mem ratio $(geomean "${ratios_m[@]}")."
fi
if [ ${#details[@]} -gt 0 ]; then
  echo
  echo "Mismatches:"
  printf '%s\n' "${details[@]}"
fi

if [ $selftest = 1 ]; then
  expect=()
  for c in "${cmds[@]}"; do
    if [ -n "$(skip_reason "$c")" ]; then expect+=(SKIP); continue; fi
    case $c in
      log*) expect+=(MISMATCH) ;; merge-base*) expect+=(NA) ;; status*) expect+=(ERROR) ;; *) expect+=(OK) ;;
    esac
  done
  if [ "${expect[*]}" = "${statuses[*]}" ]; then
    [ -n "$keep" ] && rm -rf "$keep"
    echo "$prog: selftest passed (${statuses[*]})" >&2
    exit 0
  fi
  echo "$prog: selftest FAILED: expected ${expect[*]}, got ${statuses[*]}" >&2
  exit 1
fi
[ "$(count MISMATCH)" = 0 ] && [ "$(count ERROR)" = 0 ]
