//! JSON for every answer (serde; behind the default-on `json` feature): the types, and
//! [`JsonSink`], which writes a diff as one document or as NDJSON (one file per line),
//! file by file as they are produced. Field names are documented in the README.

use super::filter::{FileLimits, FilterReason};
use super::format::{write_patch, Style};
use super::{
    Begin, Control, Detail, Error, FileDiff, LineKind, Outcome, Part, Sink, Stats, Warning,
};
use crate::diff::{Change, ChangeKind};
use crate::oid::ObjectId;
use serde::Serialize;
use std::io::Write;

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn mode(m: u32) -> String {
    format!("{m:06o}")
}

/// A change: status, paths, modes, ids.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ChangeJson {
    /// `A`, `D`, `M`, `T`, `R`, `C` (`M` with a `score` is a `-B` rewrite).
    pub status: String,
    /// The path (the new path; the old one for a deletion).
    pub path: String,
    /// The old path of a rename or copy, else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Similarity of a rename or copy, dissimilarity of a rewrite, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// Octal modes (`"100644"`; `"000000"` for a missing side).
    pub old_mode: String,
    /// See `old_mode`.
    pub new_mode: String,
    /// Full ids (all zeros for a missing side).
    pub old_id: String,
    /// See `old_id`.
    pub new_id: String,
}

impl From<&Change> for ChangeJson {
    fn from(c: &Change) -> ChangeJson {
        let moved = matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied);
        ChangeJson {
            status: (c.status_letter() as char).to_string(),
            path: lossy(c.path()),
            old_path: moved.then(|| lossy(&c.old_path)),
            score: c
                .percent()
                .filter(|_| c.score.is_some_and(|s| s > 0) || moved),
            old_mode: mode(c.old_mode),
            new_mode: mode(c.new_mode),
            old_id: c.old_id.to_hex(),
            new_id: c.new_id.to_hex(),
        }
    }
}

/// Totals: `files`, `additions`, `deletions`, `changes` (= additions + deletions).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct StatsJson {
    /// Files changed.
    pub files: u64,
    /// Lines added.
    pub additions: u64,
    /// Lines deleted.
    pub deletions: u64,
    /// Additions plus deletions.
    pub changes: u64,
}

impl From<Stats> for StatsJson {
    fn from(s: Stats) -> StatsJson {
        StatsJson {
            files: s.files,
            additions: s.additions,
            deletions: s.deletions,
            changes: s.changes(),
        }
    }
}

/// One line of a hunk.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LineJson {
    /// `context`, `added` or `deleted`.
    pub kind: &'static str,
    /// 1-based old line number (absent for added lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_line: Option<u32>,
    /// 1-based new line number (absent for deleted lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_line: Option<u32>,
    /// The text without its newline.
    pub content: String,
    /// Present and true when the line has no final newline.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_newline: bool,
}

/// One hunk.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HunkJson {
    /// As in `@@ -old_start,old_lines +new_start,new_lines @@`.
    pub old_start: usize,
    /// See `old_start`.
    pub old_lines: usize,
    /// See `old_start`.
    pub new_start: usize,
    /// See `old_start`.
    pub new_lines: usize,
    /// The function-name text after the `@@` (may be empty).
    pub function: String,
    /// For a type change: `old` (the deletion) or `new` (the addition); else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<&'static str>,
    /// The lines.
    pub lines: Vec<LineJson>,
}

/// One file pair's diff.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FileJson {
    /// The change.
    #[serde(flatten)]
    pub change: ChangeJson,
    /// Whether either side is binary.
    pub binary: bool,
    /// Added lines.
    pub additions: u64,
    /// Deleted lines.
    pub deletions: u64,
    /// Old blob size in bytes.
    pub old_size: u64,
    /// New blob size in bytes.
    pub new_size: u64,
    /// Why the file's diff is withheld (`binary`, `lock_file`, `too_large`,
    /// `too_many_lines`), when filtering is on; then there are no hunks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filtered: Option<&'static str>,
    /// The hunks (absent when not asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hunks: Option<Vec<HunkJson>>,
    /// git's `-p` text of the file (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
}

impl FileJson {
    /// The JSON of `f` (`hunks`, `patch`: include them; `style` formats the patch).
    pub fn of(f: &FileDiff, hunks: bool, patch: Option<&Style>) -> FileJson {
        let hunks = (hunks && f.detail == Detail::Hunks).then(|| {
            f.hunks()
                .map(|h| HunkJson {
                    old_start: h.old_start(),
                    old_lines: h.old_len(),
                    new_start: h.new_start(),
                    new_lines: h.new_len(),
                    function: lossy(h.function()),
                    part: match h.part() {
                        Part::Whole => None,
                        Part::Old => Some("old"),
                        Part::New => Some("new"),
                    },
                    lines: h
                        .lines()
                        .map(|l| LineJson {
                            kind: match l.kind {
                                LineKind::Context => "context",
                                LineKind::Added => "added",
                                LineKind::Deleted => "deleted",
                            },
                            old_line: l.old_line,
                            new_line: l.new_line,
                            content: lossy(l.content.strip_suffix(b"\n").unwrap_or(l.content)),
                            no_newline: !l.has_newline(),
                        })
                        .collect(),
                })
                .collect()
        });
        let patch = patch.filter(|_| f.detail == Detail::Hunks).map(|style| {
            let mut out = Vec::new();
            write_patch(&mut out, f, style);
            lossy(&out)
        });
        FileJson {
            change: ChangeJson::from(&f.change),
            binary: f.binary,
            additions: f.additions,
            deletions: f.deletions,
            old_size: f.old_size,
            new_size: f.new_size,
            filtered: None,
            hunks,
            patch,
        }
    }
}

/// A withheld file.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FilteredJson {
    /// The change.
    #[serde(flatten)]
    pub change: ChangeJson,
    /// Why (`binary`, `lock_file`, `too_large`, `too_many_lines`).
    pub reason: &'static str,
    /// Old blob size in bytes.
    pub old_size: u64,
    /// New blob size in bytes.
    pub new_size: u64,
}

fn hex(id: Option<ObjectId>) -> Option<String> {
    id.map(|i| i.to_hex())
}

/// `oxgit changes --format=json`.
#[derive(Clone, Debug, Serialize)]
pub struct ChangesJson {
    /// The old side (commit, tree or blob id), absent for the empty tree.
    pub old: Option<String>,
    /// The new side.
    pub new: Option<String>,
    /// The merge base used (`A...B`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The changes, in git's order.
    pub changes: Vec<ChangeJson>,
    /// Warnings git would print.
    pub warnings: Vec<String>,
}

impl ChangesJson {
    /// The JSON of a prepared diff's change list.
    pub fn of(d: &super::Differ<'_>) -> ChangesJson {
        ChangesJson {
            old: hex(d.old().id()),
            new: hex(d.new_side().id()),
            base: hex(d.base()),
            changes: d.changes().iter().map(ChangeJson::from).collect(),
            warnings: d.warnings().iter().map(Warning::to_string).collect(),
        }
    }
}

/// How [`JsonSink`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonMode {
    /// One document: `{"old", "new", "base", "files": [...], "filtered_files": [...],
    /// "stats", "warnings"}`, written file by file.
    Document,
    /// One file object per line, as produced (filtered files carry `filtered`).
    Lines,
}

/// Writes a diff as JSON (see [`JsonMode`]).
pub struct JsonSink<W: Write> {
    out: W,
    mode: JsonMode,
    hunks: bool,
    patch: Option<Style>,
    limits: Option<FileLimits>,
    filtered: Vec<FilteredJson>,
    first: bool,
}

impl<W: Write> JsonSink<W> {
    /// A sink writing to `out` in `mode`, with hunks.
    pub fn new(out: W, mode: JsonMode) -> JsonSink<W> {
        JsonSink {
            out,
            mode,
            hunks: true,
            patch: None,
            limits: None,
            filtered: Vec::new(),
            first: true,
        }
    }

    /// Whether to include hunks (default on).
    pub fn hunks(mut self, on: bool) -> JsonSink<W> {
        self.hunks = on;
        self
    }

    /// Also include each file's git patch text, styled by `style`.
    pub fn patch(mut self, style: Style) -> JsonSink<W> {
        self.patch = Some(style);
        self
    }

    /// Withhold files as review services do (see [`FileLimits`]).
    pub fn filter(mut self, limits: FileLimits) -> JsonSink<W> {
        self.limits = Some(limits);
        self
    }

    /// The writer, back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn json(&mut self, v: &impl Serialize) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, v).map_err(|e| Error::Io(e.into()))
    }
}

impl<W: Write> Sink for JsonSink<W> {
    type Error = Error;

    fn detail(&self) -> Detail {
        if self.hunks || self.patch.is_some() {
            Detail::Hunks
        } else {
            Detail::Counts
        }
    }

    fn needs_change_list(&self) -> bool {
        false
    }

    fn begin(&mut self, b: &Begin<'_>) -> Result<Control, Error> {
        if self.mode == JsonMode::Document {
            self.out.write_all(b"{\"old\":")?;
            self.json(&hex(b.old))?;
            self.out.write_all(b",\"new\":")?;
            self.json(&hex(b.new))?;
            if b.base.is_some() {
                self.out.write_all(b",\"base\":")?;
                self.json(&hex(b.base))?;
            }
            self.out.write_all(b",\"files\":[")?;
        }
        Ok(Control::Continue)
    }

    fn file(&mut self, f: &FileDiff) -> Result<Control, Error> {
        let reason: Option<FilterReason> = self.limits.as_ref().and_then(|l| l.reason(f));
        if let (Some(r), JsonMode::Document) = (reason, self.mode) {
            self.filtered.push(FilteredJson {
                change: ChangeJson::from(&f.change),
                reason: r.as_str(),
                old_size: f.old_size,
                new_size: f.new_size,
            });
            return Ok(Control::Continue);
        }
        let mut j = if reason.is_some() {
            FileJson::of(f, false, None)
        } else {
            FileJson::of(f, self.hunks, self.patch.as_ref())
        };
        j.filtered = reason.map(FilterReason::as_str);
        if self.mode == JsonMode::Document && !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.json(&j)?;
        if self.mode == JsonMode::Lines {
            self.out.write_all(b"\n")?;
        }
        Ok(Control::Continue)
    }

    fn finish(&mut self, o: &Outcome) -> Result<(), Error> {
        if self.mode == JsonMode::Document {
            self.out.write_all(b"],\"filtered_files\":")?;
            let filtered = std::mem::take(&mut self.filtered);
            self.json(&filtered)?;
            self.out.write_all(b",\"stats\":")?;
            self.json(&StatsJson::from(o.stats))?;
            self.out.write_all(b",\"warnings\":")?;
            let w: Vec<String> = o.warnings.iter().map(Warning::to_string).collect();
            self.json(&w)?;
            self.out.write_all(b"}\n")?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// An identity in history JSON.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PersonJson {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Seconds since the epoch.
    pub time: i64,
    /// Time zone as written (`+0200`).
    pub tz: String,
}

/// One commit of `oxgit log --json` (one per line).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CommitJson {
    /// Commit id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Root tree id.
    pub tree: String,
    /// Author.
    pub author: Option<PersonJson>,
    /// Committer.
    pub committer: Option<PersonJson>,
    /// First paragraph of the message, joined into one line.
    pub subject: String,
    /// The whole message.
    pub message: String,
    /// Totals against the first parent (absent for merges, as git's log shows none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<StatsJson>,
    /// Files changed against the first parent, with counts (absent for merges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileJson>>,
}

impl CommitJson {
    /// The JSON of a walked commit (its bytes needed for people and message) and,
    /// unless it is a merge, its files.
    pub fn of(
        c: &crate::revision::walk::WalkedCommit,
        files: Option<(Vec<FileJson>, Stats)>,
    ) -> CommitJson {
        let p = c.parsed();
        let person = |s: Option<crate::object::Signature<'_>>| {
            s.map(|s| PersonJson {
                name: lossy(s.name),
                email: lossy(s.email),
                time: s.time,
                tz: lossy(s.tz),
            })
        };
        let (files, stats) = match files {
            Some((f, s)) => (Some(f), Some(StatsJson::from(s))),
            None => (None, None),
        };
        CommitJson {
            id: c.id.to_hex(),
            parents: c.parents.iter().map(|p| p.to_hex()).collect(),
            tree: c.tree.to_hex(),
            author: person(p.author_signature()),
            committer: person(p.committer_signature()),
            subject: lossy(&p.subject()),
            message: lossy(p.message),
            stats,
            files,
        }
    }
}

/// Collects each file's JSON (counts only) and the totals: the per-commit sink of
/// history JSON.
#[derive(Default)]
pub struct FilesJson {
    /// The files.
    pub files: Vec<FileJson>,
    /// Totals.
    pub stats: Stats,
}

impl Sink for FilesJson {
    type Error = Error;
    fn detail(&self) -> Detail {
        Detail::Counts
    }
    fn file(&mut self, f: &FileDiff) -> Result<Control, Error> {
        self.stats.add(f);
        self.files.push(FileJson::of(f, false, None));
        Ok(Control::Continue)
    }
}
