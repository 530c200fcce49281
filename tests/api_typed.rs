//! The library's typed values against git: changes against `--raw`, counts against
//! `--numstat`, hunks and lines against the patch, JSON stats against `--shortstat`,
//! and filtered files' reasons.

mod common;
use common::*;
use oxgit::api::filter::{Collection, CollectionLimits, FileLimits, FilterReason};
use oxgit::api::{Collect, Detail, DiffOptions, DiffRequest, Differ, Endpoints, LineKind, Part};
use oxgit::diff::ChangeKind;
use oxgit::Repository;
use std::path::Path;

/// One `--raw` entry: status with score, modes, ids, paths.
type RawEntry = (String, u32, u32, String, String, Vec<u8>, Vec<u8>);
/// One file's hunks: header and (mark, line) pairs.
type FileHunks = Vec<(String, Vec<(u8, Vec<u8>)>)>;

/// git's `--raw -z --no-abbrev` entries: (status with score, old mode, new mode, old id,
/// new id, old path, new path).
fn git_raw(dir: &Path, a: &str, b: &str, extra: &[&str]) -> Vec<RawEntry> {
    let mut args = vec!["diff", "--raw", "-z", "--no-abbrev"];
    args.extend_from_slice(extra);
    args.extend([a, b]);
    let out = git(dir, &args);
    let mut fields = out.split(|&c| c == 0).filter(|f| !f.is_empty());
    let mut v = Vec::new();
    while let Some(meta) = fields.next() {
        let meta = String::from_utf8(meta.to_vec()).unwrap();
        let p: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let p1 = fields.next().unwrap().to_vec();
        let p2 = if p[4].starts_with('R') || p[4].starts_with('C') {
            fields.next().unwrap().to_vec()
        } else {
            p1.clone()
        };
        v.push((
            p[4].to_string(),
            u32::from_str_radix(p[0], 8).unwrap(),
            u32::from_str_radix(p[1], 8).unwrap(),
            p[2].to_string(),
            p[3].to_string(),
            p1,
            p2,
        ));
    }
    v
}

/// git's `--numstat -z` counts in order (`None`: binary).
fn git_numstat(dir: &Path, a: &str, b: &str, extra: &[&str]) -> Vec<Option<(u64, u64)>> {
    let mut args = vec!["diff", "--numstat", "-z"];
    args.extend_from_slice(extra);
    args.extend([a, b]);
    let out = git(dir, &args);
    let mut v = Vec::new();
    let mut fields = out.split(|&c| c == 0).peekable();
    while let Some(f) = fields.next() {
        if f.is_empty() {
            continue;
        }
        let s = String::from_utf8_lossy(f).to_string();
        let parts: Vec<&str> = s.splitn(3, '\t').collect();
        if parts.len() < 3 {
            continue;
        }
        if parts[2].is_empty() {
            // A rename: two more NUL-separated names.
            fields.next();
            fields.next();
        }
        v.push(match (parts[0].parse(), parts[1].parse()) {
            (Ok(x), Ok(y)) => Some((x, y)),
            _ => None,
        });
    }
    v
}

/// The hunk headers and line marks of each file of git's patch, by `diff --git` block.
fn git_hunks(dir: &Path, a: &str, b: &str, extra: &[&str]) -> Vec<FileHunks> {
    let mut args = vec!["diff", "-p"];
    args.extend_from_slice(extra);
    args.extend([a, b]);
    let out = git(dir, &args);
    let mut files: Vec<FileHunks> = Vec::new();
    let mut in_hunk = false;
    for line in out.split_inclusive(|&c| c == b'\n') {
        if line.starts_with(b"diff --git ") {
            files.push(Vec::new());
            in_hunk = false;
        } else if line.starts_with(b"@@ ") {
            let end = line[3..].windows(3).position(|w| w == b" @@").unwrap() + 3;
            files.last_mut().unwrap().push((
                String::from_utf8_lossy(&line[..end + 3]).to_string(),
                Vec::new(),
            ));
            in_hunk = true;
        } else if in_hunk && matches!(line[0], b' ' | b'-' | b'+') {
            let h = files.last_mut().unwrap().last_mut().unwrap();
            h.1.push((line[0], line[1..].to_vec()));
        } else if line.starts_with(b"\\ ") {
            let h = files.last_mut().unwrap().last_mut().unwrap();
            let last = h.1.last_mut().unwrap();
            assert_eq!(last.1.pop(), Some(b'\n'));
        } else {
            in_hunk = false;
        }
    }
    files
}

fn check_pair(dir: &Path, a: &str, b: &str, extra: &[&str], options: DiffOptions) {
    let repo = Repository::discover(dir).unwrap();
    let req = DiffRequest::with_options(Endpoints::pair(a, b), options);
    let differ = Differ::new(&repo, &req).unwrap();
    let raw = git_raw(dir, a, b, extra);
    assert_eq!(differ.changes().len(), raw.len(), "{a} {b} {extra:?}");
    for (c, r) in differ.changes().iter().zip(&raw) {
        let mut status = (c.status_letter() as char).to_string();
        if let Some(p) = c.percent().filter(|_| {
            c.score.is_some_and(|s| s > 0)
                || matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied)
        }) {
            status.push_str(&format!("{p:03}"));
        }
        assert_eq!(status, r.0, "{a} {b} {:?}", c.new_path);
        assert_eq!((c.old_mode, c.new_mode), (r.1, r.2));
        assert_eq!(
            (c.old_id.to_hex(), c.new_id.to_hex()),
            (r.3.clone(), r.4.clone())
        );
        assert_eq!((&c.old_path, &c.new_path), (&r.5, &r.6));
    }
    let mut files = Collect::new(Detail::Hunks);
    let outcome = differ.run(&mut files).unwrap();
    assert_eq!(outcome.files, raw.len());
    let shown: Vec<_> = files
        .files
        .iter()
        .filter(|f| !f.is_empty_modification())
        .collect();
    let numstat = git_numstat(dir, a, b, extra);
    assert_eq!(shown.len(), numstat.len(), "{a} {b} {extra:?}");
    for (f, n) in shown.iter().zip(&numstat) {
        let ours = (!f.binary).then_some((f.additions, f.deletions));
        assert_eq!(&ours, n, "{a} {b} {:?}", f.change.new_path);
    }
    // Hunks: every file git prints a block for, in order (a type change prints two).
    let theirs = git_hunks(dir, a, b, extra);
    let mut ours: Vec<FileHunks> = Vec::new();
    for f in &files.files {
        let parts: &[Part] = if f.change.kind == ChangeKind::TypeChanged {
            &[Part::Old, Part::New]
        } else {
            &[Part::Whole]
        };
        for &part in parts {
            let hunks: Vec<_> = f.hunks().filter(|h| h.part() == part).collect();
            let has_block = !hunks.is_empty()
                || f.binary
                || f.change.kind != ChangeKind::Modified
                || f.change.old_mode != f.change.new_mode
                || f.is_rewrite()
                || f.change.kind == ChangeKind::Modified
                    && f.contents_differ()
                    && !f.is_empty_modification();
            if !has_block {
                continue;
            }
            let mut blocks = Vec::new();
            for h in hunks {
                let mut header = Vec::new();
                h.write_header(&mut header);
                let header = String::from_utf8_lossy(&header).to_string();
                let end = header[3..].find(" @@").unwrap() + 6;
                let (mut o, mut n) = (h.old_start(), h.new_start());
                let mut lines = Vec::new();
                for l in h.lines() {
                    match l.kind {
                        LineKind::Context => {
                            assert_eq!((l.old_line, l.new_line), (Some(o as u32), Some(n as u32)));
                            o += 1;
                            n += 1;
                        }
                        LineKind::Deleted => {
                            assert_eq!((l.old_line, l.new_line), (Some(o as u32), None));
                            o += 1;
                        }
                        LineKind::Added => {
                            assert_eq!((l.old_line, l.new_line), (None, Some(n as u32)));
                            n += 1;
                        }
                    }
                    lines.push((l.kind.mark(), l.content.to_vec()));
                }
                blocks.push((header[..end].to_string(), lines));
            }
            ours.push(blocks);
        }
    }
    let ours_nonempty: Vec<_> = ours.into_iter().filter(|b| !b.is_empty()).collect();
    let theirs_nonempty: Vec<_> = theirs.into_iter().filter(|b| !b.is_empty()).collect();
    assert_eq!(ours_nonempty, theirs_nonempty, "{a} {b} {extra:?}");
}

const TAGS: &[&str] = &[
    "c0", "c1", "c2", "c3", "c4pre", "c4pre2", "c4", "c5pre", "c5", "c6pre", "c6", "c7pre", "c7",
    "c8pre", "c8",
];

#[test]
fn typed_values_equal_git_for_every_fixture_pair() {
    let dir = fixture("diff-cases");
    for w in TAGS.windows(2) {
        check_pair(&dir, w[0], w[1], &[], DiffOptions::default());
        let mut o = DiffOptions::default();
        o.breaks = Some(Default::default());
        check_pair(&dir, w[0], w[1], &["-B"], o);
        let mut o = DiffOptions::default();
        o.detect = oxgit::api::Detect::Copies;
        o.copies_harder = true;
        check_pair(&dir, w[0], w[1], &["-C", "-C"], o);
    }
    let basic = fixture("basic");
    let empty = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    for (a, b) in [
        ("main~3", "main~2"),
        ("main~4", "main"),
        (empty, "main~1"),
        ("main", "odd"),
        ("v1.0", "side"),
    ] {
        check_pair(&basic, a, b, &[], DiffOptions::default());
    }
    let m = fixture("diff-matrix");
    for (a, b) in [("c0", "c1"), ("c1", "c2"), ("c2", "c3"), ("c0", "c3")] {
        check_pair(&m, a, b, &[], DiffOptions::default());
    }
}

#[test]
fn json_stats_equal_shortstat_and_numstat() {
    let dir = fixture("diff-cases");
    for w in TAGS.windows(2) {
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(["stats", w[0], w[1], "--format=json"]);
                c
            },
            b"",
        );
        assert!(out.status.success());
        let ours = String::from_utf8(out.stdout).unwrap();
        let short = String::from_utf8(git(&dir, &["diff", "--shortstat", w[0], w[1]])).unwrap();
        let num = |re: &str| -> u64 {
            short
                .split(',')
                .find(|p| p.contains(re))
                .and_then(|p| p.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        let (files, adds, dels) = (num("changed"), num("insertion"), num("deletion"));
        assert_eq!(
            ours.trim(),
            format!(
                "{{\"files\":{files},\"additions\":{adds},\"deletions\":{dels},\"changes\":{}}}",
                adds + dels
            ),
            "{w:?}"
        );
    }
}

#[test]
fn filtered_files_carry_their_reason() {
    check_git_version();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::write(d.join("keep.txt"), "a\n").unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "one"]);
    std::fs::write(d.join("keep.txt"), "a\nb\n").unwrap();
    std::fs::write(d.join("logo.png"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    std::fs::create_dir_all(d.join("web")).unwrap();
    std::fs::write(d.join("web/package-lock.json"), "{\n}\n").unwrap();
    std::fs::write(d.join("big.txt"), "x".repeat(512_001)).unwrap();
    let many: String = (0..2001).map(|i| format!("{i}\n")).collect();
    std::fs::write(d.join("many.txt"), many).unwrap();
    let exact: String = (0..2000).map(|i| format!("{i}\n")).collect();
    std::fs::write(d.join("exact.txt"), exact).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "two"]);
    let repo = Repository::discover(d).unwrap();
    let req = DiffRequest::new(&repo, Endpoints::commit("HEAD")).unwrap();
    let differ = Differ::new(&repo, &req).unwrap();
    let mut f = oxgit::api::filter::Filter::new(Collect::new(Detail::Hunks), FileLimits::default());
    differ.run(&mut f).unwrap();
    let kept: Vec<String> = f
        .inner
        .files
        .iter()
        .map(|x| String::from_utf8_lossy(x.path()).to_string())
        .collect();
    assert_eq!(kept, ["exact.txt", "keep.txt"]);
    let reasons: Vec<(String, FilterReason, u64)> = f
        .filtered
        .iter()
        .map(|x| {
            (
                String::from_utf8_lossy(x.change.path()).to_string(),
                x.reason,
                x.new_size,
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("big.txt".to_string(), FilterReason::TooLarge, 512_001),
            ("logo.png".to_string(), FilterReason::Binary, 16),
            ("many.txt".to_string(), FilterReason::TooManyLines, 8_895),
            (
                "web/package-lock.json".to_string(),
                FilterReason::LockFile,
                4
            ),
        ]
    );
    // Stats count filtered files too, as `git diff --shortstat` does.
    let short = String::from_utf8(git(d, &["diff", "--shortstat", "HEAD~1", "HEAD"])).unwrap();
    assert_eq!(
        short.trim(),
        format!(
            "{} files changed, {} insertions(+)",
            f.stats.files, f.stats.additions
        )
    );
    // A named path is never filtered.
    let mut limits = FileLimits::default();
    limits.named = vec![b"web".to_vec()];
    let mut f = oxgit::api::filter::Filter::new(Collect::new(Detail::Counts), limits);
    differ.run(&mut f).unwrap();
    assert!(f
        .inner
        .files
        .iter()
        .any(|x| x.path() == b"web/package-lock.json"));
}

#[test]
fn collection_limits_collapse_and_overflow_as_gitlab() {
    use oxgit::api::filter::Admission::*;
    let limits = CollectionLimits::default();
    // One file is never collapsed, only too large.
    let mut one = Collection::new(limits, 1);
    assert_eq!(one.admit(&vec![b'x'; 25_000]), Expanded);
    let mut one = Collection::new(limits, 1);
    assert_eq!(one.admit(&vec![b'x'; 210_000]), TooLarge);
    // 25,000 bytes collapse in a larger collection (10 % of 200 KiB = 20,480).
    let mut c = Collection::new(limits, 3);
    assert_eq!(c.admit(&vec![b'x'; 25_000]), Collapsed);
    assert_eq!(c.admit(b"@@ -1 +1 @@\n-a\n+b\n"), Expanded);
    // Past 100 files (the safe limit) non-empty diffs are collapsed; past 1000 it stops.
    let mut c = Collection::new(limits, 2000);
    let small = b"@@ -1 +1 @@\n-a\n+b\n";
    let verdicts: Vec<_> = (0..1001).map(|_| c.admit(small)).collect();
    assert!(verdicts[..100].iter().all(|v| *v == Expanded));
    assert!(verdicts[100..1000].iter().all(|v| *v == Collapsed));
    assert_eq!(verdicts[1000], Overflow);
    assert!(c.overflow);
    // 50,000 lines overflow (one file, so never collapsed).
    let mut c = Collection::new(limits, 1);
    assert_eq!(c.admit(&b"+\n".repeat(60_000)), Overflow);
    // A file past the safe line count is collapsed when it is not empty.
    let mut c = Collection::new(limits, 10);
    assert_eq!(c.admit(&b"+\n".repeat(6_000)), Expanded);
    assert_eq!(c.admit(small), Collapsed);
}

#[test]
fn errors_classify_for_servers() {
    use oxgit::api::ErrorKind;
    let dir = fixture("basic");
    let repo = Repository::discover(&dir).unwrap();
    let kind = |e: Endpoints| {
        Differ::new(&repo, &DiffRequest::with_options(e, DiffOptions::default()))
            .err()
            .map(|e| e.kind())
    };
    assert_eq!(
        kind(Endpoints::pair("no-such", "main")),
        Some(ErrorKind::NotFound)
    );
    assert_eq!(
        kind(Endpoints::pair(
            oxgit::api::Side::Index,
            oxgit::api::Side::WorkTree
        )),
        Some(ErrorKind::Unsupported)
    );
    assert_eq!(
        kind(Endpoints::pair("main~1:README", "main~1")),
        Some(ErrorKind::BadRequest)
    );
    assert_eq!(
        kind(Endpoints::pair("main~1:no-such-file", "main")),
        Some(ErrorKind::NotFound)
    );
    assert_eq!(kind(Endpoints::pair("main", "main")), None);
}

/// What a sink saw: whether `begin` had the change list, then per file the change,
/// counts, binary flag and hunk headers.
#[derive(Default)]
struct Recorder {
    wants_list: bool,
    stop_after: Option<usize>,
    begin_list: usize,
    files: Vec<String>,
}

impl oxgit::api::Sink for Recorder {
    type Error = oxgit::api::Error;
    fn needs_change_list(&self) -> bool {
        self.wants_list
    }
    fn begin(&mut self, b: &oxgit::api::Begin<'_>) -> Result<oxgit::api::Control, Self::Error> {
        self.begin_list = b.changes.len();
        Ok(oxgit::api::Control::Continue)
    }
    fn file(&mut self, f: &oxgit::api::FileDiff) -> Result<oxgit::api::Control, Self::Error> {
        let mut headers = Vec::new();
        for h in f.hunks() {
            h.write_header(&mut headers);
        }
        self.files.push(format!(
            "{:?} +{} -{} bin={} {}",
            f.change,
            f.additions,
            f.deletions,
            f.binary,
            String::from_utf8_lossy(&headers)
        ));
        Ok(if self.stop_after == Some(self.files.len()) {
            oxgit::api::Control::Stop
        } else {
            oxgit::api::Control::Continue
        })
    }
}

/// `Differ::stream` delivers exactly what `Differ::new` + `run` deliver (files, counts,
/// hunks, outcome), with renames, without, with a per-file `--diff-filter`, and when the
/// sink stops early; a sink that needs the change list gets it (the fallback).
#[test]
fn streaming_delivers_what_a_listed_run_delivers() {
    let dir = fixture("diff-cases");
    let basic = fixture("basic");
    let mut pairs: Vec<(&Path, &str, &str)> = TAGS
        .windows(2)
        .map(|w| (dir.as_path(), w[0], w[1]))
        .collect();
    pairs.push((dir.as_path(), "c0", "c8"));
    pairs.push((basic.as_path(), "main~4", "main"));
    pairs.push((basic.as_path(), "main", "odd"));
    let mut variants: Vec<DiffOptions> = vec![DiffOptions::default()];
    let mut o = DiffOptions::default();
    o.detect = oxgit::api::Detect::Off;
    variants.push(o);
    let mut o = DiffOptions::default();
    o.filter = oxgit::api::DiffFilter::parse("M").unwrap();
    variants.push(o);
    let mut o = DiffOptions::default();
    o.filter = oxgit::api::DiffFilter::parse("d").unwrap();
    variants.push(o);
    let mut streamed_some = false;
    for (d, a, b) in pairs {
        let repo = Repository::discover(d).unwrap();
        for options in &variants {
            for stop_after in [None, Some(1)] {
                let req = DiffRequest::with_options(Endpoints::pair(a, b), options.clone());
                let mut listed = Recorder {
                    wants_list: true,
                    stop_after,
                    ..Default::default()
                };
                let full = Differ::new(&repo, &req).unwrap().run(&mut listed).unwrap();
                let mut streamed = Recorder {
                    stop_after,
                    ..Default::default()
                };
                let out = Differ::stream(&repo, &req, &mut streamed).unwrap();
                assert_eq!(streamed.files, listed.files, "{a} {b} {options:?}");
                assert_eq!(
                    streamed.begin_list, 0,
                    "the streamed run has no list up front"
                );
                assert_eq!(
                    (out.files, out.stats, out.stopped),
                    (full.files, full.stats, full.stopped)
                );
                if stop_after.is_none() {
                    assert_eq!(out.changes, full.changes, "{a} {b}");
                    assert_eq!(out.warnings, full.warnings);
                }
                streamed_some |= !streamed.files.is_empty();
                let mut fallback = Recorder {
                    wants_list: true,
                    stop_after,
                    ..Default::default()
                };
                Differ::stream(&repo, &req, &mut fallback).unwrap();
                assert_eq!(fallback.begin_list, listed.begin_list);
                assert_eq!(fallback.files, listed.files);
            }
        }
    }
    assert!(streamed_some);
}
