//! `oxgit log`: history in git's default order with `--format` placeholders and, with
//! `--numstat`, per-commit line counts computed in parallel.

use super::diff_flags::DiffArgs;
use super::{Context, Fatal};
use crate::api::{GitText, History, HistoryRequest, Sections};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::range::{parse_revisions, RangeError};
use crate::revision::walk::{WalkOptions, WalkedCommit};
use crate::revision::RevisionError;
use std::io::Write;

/// How each commit is shown.
enum Format {
    /// git's default `medium` format.
    Medium,
    /// `--oneline`: abbreviated id and subject.
    Oneline,
    /// A `--format` string.
    Custom(Vec<Piece>),
}

/// Parsed `log` options.
struct LogOptions {
    walk: WalkOptions,
    format: Format,
    /// `tformat` (every record ends in a newline) rather than `format` (separated).
    terminator: bool,
    /// The diff flags (shared with `diff`).
    diff: DiffArgs,
    /// `--json`: one JSON object per commit, with its files and stats.
    json: bool,
    revs: Vec<String>,
    /// Paths after `--`, as given (relative to the working folder).
    paths: Vec<String>,
}

/// One piece of a `--format` string.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Literal(Vec<u8>),
    Hash,
    AbbrevHash,
    Tree,
    AbbrevTree,
    Parents,
    AbbrevParents,
    AuthorName,
    AuthorEmail,
    AuthorTime,
    CommitterName,
    CommitterEmail,
    CommitterTime,
    Subject,
    Body,
    RawBody,
}

/// Runs `log`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut opts = parse_args(&ctx.args, DiffArgs::from_repo(&repo)?)?;
    opts.diff.options.paths =
        crate::api::relative_pathspec(&repo, &ctx.cwd, &opts.paths).map_err(super::diff::fatal)?;
    let revisions = match parse_revisions(&repo, &opts.revs) {
        Ok(r) => r,
        Err(RangeError::Revision(RevisionError::Unknown(spec))) => {
            return Err(super::diff::unknown_revision(&spec))
        }
        Err(e) => return Err(Fatal::new(e.to_string())),
    };
    let sections = if opts.diff.no_output {
        Sections::NONE
    } else {
        opts.diff.sections
    };
    let diff_format = !sections.is_empty();
    let mut first = true;
    let out = &mut *ctx.out;
    let mut abbrev = Abbrev::new(&repo);
    let empty_format = matches!(&opts.format, Format::Custom(p) if p.is_empty());
    // Formats showing only ids need no commit objects (the commit-graph has them).
    let needs_text = match &opts.format {
        Format::Custom(pieces) => pieces.iter().any(Piece::needs_text),
        _ => true,
    };
    let mut request = HistoryRequest::new(revisions.tips, opts.diff.options.clone());
    request.first_parent = opts.walk.first_parent;
    request.no_merges = opts.walk.no_merges;
    request.max_count = opts.walk.max_count;
    request.commit_data = needs_text || opts.json;
    let mut history = History::new(&repo, &request).map_err(super::diff::fatal)?;
    if opts.json {
        return run_json(&mut history, out);
    }
    let style = opts.diff.style();
    // Commits are diffed in parallel batches; output stays in walk order.
    let batch = if diff_format { 64 } else { 1 };
    loop {
        let commits = history.next_batch(batch).map_err(super::diff::fatal)?;
        if commits.is_empty() {
            break;
        }
        let diffs = if diff_format {
            history.diff_batch(&commits, || {
                GitText::new(&repo, sections, style.clone(), Vec::new())
            })
        } else {
            Vec::new()
        };
        let mut diffs = diffs.into_iter();
        for c in commits {
            if !opts.terminator && !first {
                out.write_all(b"\n")?;
            }
            first = false;
            match &opts.format {
                Format::Custom(pieces) => format_commit(&c, pieces, needs_text, &mut abbrev, out)?,
                Format::Medium => format_medium(&c, &mut abbrev, out)?,
                Format::Oneline => {
                    out.write_all(abbrev.abbrev(&c.id).as_bytes())?;
                    out.write_all(b" ")?;
                    out.write_all(&c.parsed().subject())?;
                }
            }
            if opts.terminator && !(empty_format && diff_format) {
                out.write_all(b"\n")?;
            }
            let Some(diff) = diffs.next() else { continue };
            let Some((sink, outcome)) = diff.map_err(super::diff::fatal)? else {
                continue;
            };
            super::diff::print_warnings(&outcome.warnings);
            let text = sink.into_inner();
            if !text.is_empty() {
                // git's blank line between a verbose header and its diff, after a `---`
                // line when both a stat and the patch follow.
                if !matches!(opts.format, Format::Oneline) && !empty_format {
                    if sections.contains(Sections::STAT | Sections::PATCH) {
                        out.write_all(b"---")?;
                    }
                    out.write_all(b"\n")?;
                }
                out.write_all(&text)?;
            }
        }
    }
    Ok(0)
}

/// `log --json`: each commit as one line of JSON, with what it changed.
fn run_json(history: &mut History<'_>, out: &mut dyn Write) -> Result<i32, Fatal> {
    use crate::api::json::{CommitJson, FilesJson};
    loop {
        let commits = history.next_batch(64).map_err(super::diff::fatal)?;
        if commits.is_empty() {
            return Ok(0);
        }
        let diffs = history.diff_batch(&commits, FilesJson::default);
        for (c, d) in commits.iter().zip(diffs) {
            let files = d
                .map_err(super::diff::fatal)?
                .map(|(f, _)| (f.files, f.stats));
            serde_json::to_writer(&mut *out, &CommitJson::of(c, files))
                .map_err(|e| Fatal::new(e.to_string()))?;
            out.write_all(b"\n")?;
        }
    }
}

fn parse_args(args: &[String], diff: DiffArgs) -> Result<LogOptions, Fatal> {
    let mut o = LogOptions {
        walk: WalkOptions::default(),
        format: Format::Medium,
        terminator: false,
        diff,
        json: false,
        revs: Vec::new(),
        paths: Vec::new(),
    };
    let mut format = None;
    let mut i = 0;
    let count = |s: &str| -> Result<usize, Fatal> {
        s.parse::<i64>()
            .map(|n| if n < 0 { usize::MAX } else { n as usize })
            .map_err(|_| Fatal::new(format!("'{s}': not an integer")))
    };
    while i < args.len() {
        let a = args[i].as_str();
        if super::diff_flags::parse_flag(&mut o.diff, args, &mut i)? {
            i += 1;
            continue;
        }
        match a {
            "--oneline" => format = Some(("oneline", String::new())),
            "--pretty=medium" | "--format=medium" => format = None,
            "--no-merges" => o.walk.no_merges = true,
            "--first-parent" => o.walk.first_parent = true,
            "-n" | "--max-count" => {
                i += 1;
                let v = args
                    .get(i)
                    .ok_or_else(|| Fatal::usage("-n requires a value"))?;
                o.walk.max_count = Some(count(v)?);
            }
            "--" => {
                o.paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with("--max-count=") => o.walk.max_count = Some(count(&a[12..])?),
            _ if a.starts_with("-n") && a.len() > 2 => o.walk.max_count = Some(count(&a[2..])?),
            _ if a.len() > 1
                && a.starts_with('-')
                && a[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                o.walk.max_count = Some(count(&a[1..])?)
            }
            _ if a.starts_with("--format=") => format = Some(("tformat", a[9..].to_string())),
            _ if a.starts_with("--pretty=") => {
                let v = &a[9..];
                if let Some(f) = v.strip_prefix("format:") {
                    format = Some(("format", f.to_string()));
                } else if let Some(f) = v.strip_prefix("tformat:") {
                    format = Some(("tformat", f.to_string()));
                } else if v.contains('%') {
                    format = Some(("tformat", v.to_string()));
                } else {
                    return Err(Fatal::new(format!(
                        "log: --pretty={v} is not supported yet"
                    )));
                }
            }
            "--not" => o.revs.push(a.to_string()),
            "--json" => o.json = true,
            _ if a.starts_with('-') => {
                return Err(Fatal::new(format!(
                    "log: option '{a}' is not supported yet"
                )))
            }
            _ => o.revs.push(a.to_string()),
        }
        i += 1;
    }
    match format {
        None => {}
        Some(("oneline", _)) => {
            o.format = Format::Oneline;
            o.terminator = true;
        }
        Some((kind, f)) => {
            o.terminator = kind == "tformat";
            o.format = Format::Custom(parse_format(&f));
        }
    }
    if o.revs.iter().all(|r| r == "--not") {
        o.revs.push("HEAD".to_string());
    }
    Ok(o)
}

/// Parses a pretty format; unknown placeholders are kept literally, as git does.
fn parse_format(f: &str) -> Vec<Piece> {
    let table: &[(&str, Piece)] = &[
        ("H", Piece::Hash),
        ("h", Piece::AbbrevHash),
        ("T", Piece::Tree),
        ("t", Piece::AbbrevTree),
        ("P", Piece::Parents),
        ("p", Piece::AbbrevParents),
        ("an", Piece::AuthorName),
        ("ae", Piece::AuthorEmail),
        ("at", Piece::AuthorTime),
        ("cn", Piece::CommitterName),
        ("ce", Piece::CommitterEmail),
        ("ct", Piece::CommitterTime),
        ("s", Piece::Subject),
        ("b", Piece::Body),
        ("B", Piece::RawBody),
        ("n", Piece::Literal(b"\n".to_vec())),
        ("%", Piece::Literal(b"%".to_vec())),
    ];
    let mut out = Vec::new();
    let mut lit = Vec::new();
    let mut rest = f;
    while let Some(i) = rest.find('%') {
        lit.extend_from_slice(&rest.as_bytes()[..i]);
        rest = &rest[i + 1..];
        let hit = table
            .iter()
            .filter(|(k, _)| rest.starts_with(k))
            .max_by_key(|(k, _)| k.len());
        match hit {
            Some((k, Piece::Literal(l))) => {
                lit.extend_from_slice(l);
                rest = &rest[k.len()..];
            }
            Some((k, p)) => {
                if !lit.is_empty() {
                    out.push(Piece::Literal(std::mem::take(&mut lit)));
                }
                out.push(p.clone());
                rest = &rest[k.len()..];
            }
            None => lit.push(b'%'),
        }
    }
    lit.extend_from_slice(rest.as_bytes());
    if !lit.is_empty() {
        out.push(Piece::Literal(lit));
    }
    out
}

impl Piece {
    /// Whether showing this piece needs the commit object's text (beyond ids).
    fn needs_text(&self) -> bool {
        !matches!(
            self,
            Piece::Literal(_)
                | Piece::Hash
                | Piece::AbbrevHash
                | Piece::Tree
                | Piece::AbbrevTree
                | Piece::Parents
                | Piece::AbbrevParents
        )
    }
}

/// Abbreviates ids to git's default length, lengthened until unique.
pub(crate) struct Abbrev<'r> {
    finder: crate::odb::Abbreviator<'r>,
    min_len: usize,
}

impl<'r> Abbrev<'r> {
    pub(crate) fn new(repo: &'r Repository) -> Self {
        Abbrev {
            finder: crate::odb::Abbreviator::new(repo.odb()),
            min_len: crate::odb::default_abbrev_len(repo.odb(), repo.config()),
        }
    }

    pub(crate) fn abbrev(&mut self, id: &ObjectId) -> String {
        let len = self
            .finder
            .unique_len(id, self.min_len)
            .unwrap_or(self.min_len);
        id.to_hex_prefix(len)
    }
}

fn format_commit(
    c: &WalkedCommit,
    format: &[Piece],
    needs_text: bool,
    abbrev: &mut Abbrev<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let parsed = if needs_text {
        c.parsed()
    } else {
        crate::object::Commit {
            tree: c.tree,
            parents: Vec::new(),
            author: &[],
            committer: &[],
            encoding: None,
            message: &[],
        }
    };
    let author = parsed.author_signature();
    let committer = parsed.committer_signature();
    let mut hex = [0u8; 64];
    for p in format {
        match p {
            Piece::Literal(l) => out.write_all(l)?,
            Piece::Hash => out.write_all(c.id.hex_str(&mut hex).as_bytes())?,
            Piece::AbbrevHash => out.write_all(abbrev.abbrev(&c.id).as_bytes())?,
            Piece::Tree => write!(out, "{}", c.tree)?,
            Piece::AbbrevTree => out.write_all(abbrev.abbrev(&c.tree).as_bytes())?,
            Piece::Parents | Piece::AbbrevParents => {
                for (i, p_id) in c.parents.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b" ")?;
                    }
                    if *p == Piece::Parents {
                        write!(out, "{p_id}")?;
                    } else {
                        out.write_all(abbrev.abbrev(p_id).as_bytes())?;
                    }
                }
            }
            Piece::AuthorName => out.write_all(author.map_or(&b""[..], |s| s.name))?,
            Piece::AuthorEmail => out.write_all(author.map_or(&b""[..], |s| s.email))?,
            Piece::AuthorTime => write!(out, "{}", author.map_or(0, |s| s.time))?,
            Piece::CommitterName => out.write_all(committer.map_or(&b""[..], |s| s.name))?,
            Piece::CommitterEmail => out.write_all(committer.map_or(&b""[..], |s| s.email))?,
            Piece::CommitterTime => write!(out, "{}", committer.map_or(0, |s| s.time))?,
            Piece::Subject => out.write_all(&parsed.subject())?,
            Piece::Body => out.write_all(&body_of(parsed.message))?,
            Piece::RawBody => out.write_all(parsed.message)?,
        }
    }
    Ok(())
}

/// git's default `medium` format: id, merge parents, author, date, indented message.
fn format_medium(
    c: &WalkedCommit,
    abbrev: &mut Abbrev<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let parsed = c.parsed();
    writeln!(out, "commit {}", c.id)?;
    if c.parents.len() > 1 {
        out.write_all(b"Merge:")?;
        for p in &c.parents {
            write!(out, " {}", abbrev.abbrev(p))?;
        }
        out.write_all(b"\n")?;
    }
    if let Some(a) = parsed.author_signature() {
        out.write_all(b"Author: ")?;
        out.write_all(a.name)?;
        out.write_all(b" <")?;
        out.write_all(a.email)?;
        out.write_all(b">\n")?;
        writeln!(
            out,
            "Date:   {}",
            crate::object::date::format_default(a.time, a.tz)
        )?;
    }
    out.write_all(b"\n")?;
    let lines: Vec<&[u8]> = parsed.message.split(|&b| b == b'\n').collect();
    let first = lines.iter().position(|l| !l.trim_ascii().is_empty());
    let last = lines.iter().rposition(|l| !l.trim_ascii().is_empty());
    if let (Some(first), Some(last)) = (first, last) {
        for line in &lines[first..=last] {
            out.write_all(b"    ")?;
            out.write_all(line)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// git's `%b`: the message after the subject paragraph, from its first non-blank line.
fn body_of(message: &[u8]) -> Vec<u8> {
    let mut lines = message.split_inclusive(|&b| b == b'\n').peekable();
    while lines.peek().is_some_and(|l| l.trim_ascii().is_empty()) {
        lines.next();
    }
    while lines.peek().is_some_and(|l| !l.trim_ascii().is_empty()) {
        lines.next();
    }
    while lines.peek().is_some_and(|l| l.trim_ascii().is_empty()) {
        lines.next();
    }
    lines.flatten().copied().collect()
}
