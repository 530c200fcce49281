//! Property test: random combinations of `log` options (a format, commit filters, an
//! order, revisions and paths) on the generated `log-random` history give git's stdout
//! and exit status.

mod common;

use common::{assert_same, fixture};
use proptest::prelude::*;

/// Output formats, each one or more arguments.
const FORMATS: &[&[&str]] = &[
    &[],
    &["--oneline"],
    &["--format=%h %an %ad %s", "--date=short"],
    &["--pretty=fuller"],
    &["--format=%H%n%b--"],
    &["--format=%aN <%aE> %ad", "--date=iso"],
    &["--format=%h %p %d %s", "--decorate"],
    &[
        "--oneline",
        "--decorate",
        "--decorate-refs-exclude=heads/o*",
    ],
    &["--stat", "--format=%h"],
    &["--name-status", "--format=%h"],
    &["--numstat", "--format=%s"],
    &["-p", "--format=%h"],
    &["--raw", "--format=%h"],
    &["--shortstat", "--oneline"],
    &["--name-only", "-M", "--format=%s"],
    &["--summary", "--format=%h"],
    &["--date=rfc", "--format=%ad %cd"],
    &["--abbrev-commit", "--format=%h %t"],
    &["-p", "-U1", "--format=%h"],
];

/// Commit filters and limits; a case takes a few.
const FILTERS: &[&[&str]] = &[
    &["--author=Alice"],
    &["--author=Bob", "--author=Carol"],
    &["--committer=Mitter"],
    &["--grep=fix"],
    &["-i", "--grep=FIX"],
    &["-E", "--grep=^(add|remove):"],
    &["-F", "--grep=step 3"],
    &["--grep=step", "--grep=docs", "--all-match"],
    &["--invert-grep", "--grep=bug"],
    &["--since=2023-12-01"],
    &["--until=2023-12-20 12:00"],
    &["--after=2024-01-05"],
    &["--before=2023-12-10"],
    &["--merges"],
    &["--no-merges"],
    &["--first-parent"],
    &["-n", "5"],
    &["--max-count=3"],
    &["--skip=4"],
    &["--reverse"],
    &["--min-parents=2"],
    &["--max-parents=1"],
    &["-3"],
];

/// Orders and graphs; git refuses none with the others (but `--graph` with `--reverse`,
/// which oxgit refuses as git does), oxgit refuses `--boundary` with `--first-parent`.
const ORDERS: &[&[&str]] = &[
    &[],
    &["--topo-order"],
    &["--date-order"],
    &["--graph"],
    &["--graph", "--date-order"],
    &["--boundary"],
    &["--graph", "--boundary"],
];

const REVS: &[&[&str]] = &[
    &[],
    &["main"],
    &["topic"],
    &["main..topic"],
    &["topic..main"],
    &["main...topic"],
    &["--all"],
    &["^v1", "main"],
    &["--branches"],
    &["--tags"],
    &["v1..v2"],
    &["side", "--not", "topic"],
    &["o1", "o2", "^main~8"],
];

/// Side and walk options (`walkopts`): oxgit refuses all but `--full-diff` with paths,
/// and `--author-date-order` with `--boundary`.
const SIDES: &[&[&str]] = &[
    &[],
    &["--left-right"],
    &["--cherry-pick"],
    &["--cherry-mark", "--left-right"],
    &["--cherry"],
    &["--left-only"],
    &["--right-only", "--cherry-pick"],
    &["--source"],
    &["--no-walk"],
    &["--author-date-order"],
    &["--full-diff"],
];

/// History simplification (it changes the output only with paths, but
/// `--ancestry-path`, which needs an excluded commit, and `--simplify-merges`, which
/// implies `--topo-order`).
const SIMPLIFY: &[&[&str]] = &[
    &[],
    &["--full-history"],
    &["--simplify-merges"],
    &["--ancestry-path"],
    &["--sparse"],
    &["--show-pulls"],
    &["--full-history", "--sparse"],
    &["--simplify-by-decoration"],
];

/// The ids on the commit line: `--parents` (rewritten with paths) and `--children`.
const SHAPES: &[&[&str]] = &[&[], &[], &["--parents"], &["--children"]];

const PATHS: &[&[&str]] = &[
    &[],
    &["--", "src"],
    &["--", "top.txt"],
    &["--", "lib", "docs"],
    &["--", "src/*.c"],
    &["--", ".mailmap"],
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn log_options_match_git(
        format in 0..FORMATS.len(),
        filters in proptest::collection::vec(0..FILTERS.len(), 0..4),
        order in 0..ORDERS.len(),
        revs in 0..REVS.len(),
        paths in 0..PATHS.len(),
        side in 0..SIDES.len(),
        simplify in 0..SIMPLIFY.len(),
        shape in 0..SHAPES.len(),
    ) {
        // oxgit refuses --boundary with --first-parent: such cases keep the default order.
        let first_parent = filters.iter().any(|&f| FILTERS[f] == ["--first-parent"]);
        let order = if first_parent && ORDERS[order].contains(&"--boundary") {
            0
        } else {
            order
        };
        // It refuses --graph --first-parent with paths over a full history: such cases
        // keep git's default simplification.
        let graph = ORDERS[order].contains(&"--graph");
        let full = SIMPLIFY[simplify].iter().any(|o| {
            matches!(*o, "--full-history" | "--simplify-merges" | "--ancestry-path")
        });
        let simplify = if !PATHS[paths].is_empty() && graph && first_parent && full {
            0
        } else {
            simplify
        };
        // It refuses --simplify-by-decoration with --first-parent.
        let by_decoration = SIMPLIFY[simplify] == ["--simplify-by-decoration"];
        let simplify = if by_decoration && first_parent { 0 } else { simplify };
        // And --first-parent with paths, rewritten parents (or children) and several
        // commits to start from: such cases start from main.
        let several = matches!(
            REVS[revs].first().copied(),
            Some("--all" | "--branches" | "--tags" | "main...topic" | "o1")
        );
        let revs = if first_parent
            && !PATHS[paths].is_empty()
            && (graph || !SHAPES[shape].is_empty())
            && several
        {
            1
        } else {
            revs
        };
        let mut args = vec!["log"];
        args.extend_from_slice(FORMATS[format]);
        for &f in &filters {
            args.extend_from_slice(FILTERS[f]);
        }
        args.extend_from_slice(ORDERS[order]);
        // Sides and simplification are not combined here, nor --full-diff with a graph
        // and paths (oxgit refuses --full-diff with rewritten parents).
        let side = if simplify != 0
            || (!PATHS[paths].is_empty() && SIDES[side] != ["--full-diff"])
            || (SIDES[side] == ["--author-date-order"] && ORDERS[order].contains(&"--boundary"))
            || (SIDES[side] == ["--full-diff"]
                && !PATHS[paths].is_empty()
                && (ORDERS[order].contains(&"--graph") || !SHAPES[shape].is_empty()))
        {
            0
        } else {
            side
        };
        args.extend_from_slice(SIDES[side]);
        // oxgit refuses --boundary with --simplify-merges (which
        // --simplify-by-decoration implies) and commit filters.
        let simplify = if ORDERS[order].contains(&"--boundary")
            && matches!(
                SIMPLIFY[simplify],
                ["--simplify-merges"] | ["--simplify-by-decoration"]
            )
            && !filters.is_empty()
        {
            0
        } else {
            simplify
        };
        args.extend_from_slice(SIMPLIFY[simplify]);
        args.extend_from_slice(SHAPES[shape]);
        args.extend_from_slice(REVS[revs]);
        args.extend_from_slice(PATHS[paths]);
        assert_same(&fixture("log-random"), &args);
    }
}
