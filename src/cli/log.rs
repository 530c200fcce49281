//! `oxgit log`: history in git's default order with `--format` placeholders and, with
//! `--numstat`, per-commit line counts computed in parallel.

use super::{Context, Fatal};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::walk::{walk, WalkOptions, WalkedCommit};
use rayon::prelude::*;
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
    /// Diff sections to show per commit (`cli::diff` section bits).
    diff_format: u32,
    revs: Vec<String>,
    /// Paths after `--`, as given (relative to the working folder).
    paths: Vec<String>,
    /// The same paths relative to the repository root.
    path_items: Vec<Vec<u8>>,
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
    let mut opts = parse_args(&ctx.args)?;
    let repo = ctx.repo()?;
    opts.path_items = super::diff::pathspec_items(&repo, &ctx.cwd, &opts.paths)?;
    opts.walk.paths = opts.path_items.clone();
    let mut starts = Vec::new();
    for r in &opts.revs {
        let id = crate::revision::resolve(&repo, r).map_err(|_| {
            Fatal::new(format!(
                "ambiguous argument '{r}': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'"
            ))
        })?;
        starts.push(peel_to_commit(&repo, id)?);
    }
    let mut first = true;
    let out = &mut *ctx.out;
    let mut abbrev = Abbrev::new(&repo);
    let quote_high = repo.config().get_bool("core.quotepath") != Some(false);
    let renames = match repo.config().get("diff.renames") {
        Some(v) if crate::config::parse_bool(v) == Some(false) => None,
        _ => Some(crate::diff::RenameOptions {
            rename_limit: repo
                .config()
                .get_int("diff.renamelimit")
                .unwrap_or(crate::diff::rename::DEFAULT_RENAME_LIMIT),
            ..Default::default()
        }),
    };
    let empty_format = matches!(&opts.format, Format::Custom(p) if p.is_empty());
    // Formats showing only ids need no commit objects (the commit-graph has them).
    let mut walk_opts = opts.walk.clone();
    let needs_text = match &opts.format {
        Format::Custom(pieces) => pieces.iter().any(Piece::needs_text),
        _ => true,
    };
    walk_opts.skip_data = !needs_text;
    let mut pending: Vec<WalkedCommit> = Vec::new();
    let mut flush = |pending: &mut Vec<WalkedCommit>, out: &mut dyn Write| -> Result<(), Fatal> {
        let stats: Vec<Result<Vec<u8>, Fatal>> = if opts.diff_format != 0 {
            pending
                .par_iter()
                .map_init(crate::api::Worker::default, |w, c| {
                    commit_diff(&repo, c, &opts, renames.as_ref(), quote_high, w)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut stats = stats.into_iter();
        for c in pending.drain(..) {
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
            if opts.terminator && !(empty_format && opts.diff_format != 0) {
                out.write_all(b"\n")?;
            }
            if let Some(numstat) = stats.next() {
                let numstat = numstat?;
                if !numstat.is_empty() {
                    // git's blank line between a verbose header and its diff, after a
                    // `---` line when both a stat and the patch follow.
                    if !matches!(opts.format, Format::Oneline) && !empty_format {
                        let pch = super::diff::STAT | super::diff::PATCH;
                        if opts.diff_format & pch == pch {
                            out.write_all(b"---")?;
                        }
                        out.write_all(b"\n")?;
                    }
                    out.write_all(&numstat)?;
                }
            }
        }
        Ok(())
    };
    // Commits are diffed in parallel batches; output stays in walk order.
    let batch = if opts.diff_format != 0 { 64 } else { 1 };
    let mut failure = None;
    walk(&repo, &starts, &walk_opts, |c| {
        pending.push(c);
        if pending.len() >= batch {
            if let Err(f) = flush(&mut pending, out) {
                failure = Some(f);
                return Ok(false);
            }
        }
        Ok(true)
    })
    .map_err(|e| Fatal::new(e.to_string()))?;
    if let Some(f) = failure {
        return Err(f);
    }
    flush(&mut pending, out)?;
    Ok(0)
}

/// The diff sections of one commit against its first parent (root commits against the
/// empty tree). Merges show no diff, as in git's default, unless `--first-parent` is given
/// (which implies `--diff-merges=first-parent`).
fn commit_diff(
    repo: &Repository,
    c: &WalkedCommit,
    opts: &LogOptions,
    renames: Option<&crate::diff::RenameOptions>,
    quote_high: bool,
    worker: &mut crate::api::Worker,
) -> Result<Vec<u8>, Fatal> {
    use super::diff::{NUMSTAT, PATCH, SHORTSTAT, STAT};
    if c.parents.len() > 1 && !opts.walk.first_parent {
        return Ok(Vec::new());
    }
    let parent_tree = match c.parents.first() {
        Some(p) => Some(
            WalkedCommit::read(repo, *p)
                .map_err(|e| Fatal::new(e.to_string()))?
                .tree,
        ),
        None => None,
    };
    let outcome = crate::api::changes_between_ids(
        repo,
        parent_tree.as_ref(),
        Some(&c.tree),
        &crate::api::ChangeOptions {
            paths: opts.path_items.clone(),
            renames: renames.cloned(),
        },
    )
    .map_err(|e| Fatal::new(e.to_string()))?;
    let differ = crate::api::Differ::new(
        repo,
        crate::api::DiffOptions {
            patch: opts.diff_format & PATCH != 0,
            ..Default::default()
        },
    );
    let mut numstat = Vec::new();
    let mut stats = Vec::new();
    let mut patch = Vec::new();
    for change in &outcome.changes {
        let f = differ
            .diff_single(worker, change)
            .map_err(|e| Fatal::new(e.to_string()))?;
        patch.extend_from_slice(&f.patch);
        if f.is_empty_modification() {
            continue;
        }
        if opts.diff_format & NUMSTAT != 0 {
            super::diff::write_numstat_of(&f, b'\n', quote_high, &mut numstat);
        }
        if opts.diff_format & (STAT | SHORTSTAT) != 0 {
            stats.push(super::diff::stat_of(&f, quote_high));
        }
    }
    let mut out = numstat;
    if opts.diff_format & STAT != 0 {
        crate::diff::stat::write_stat(&mut out, &stats, &crate::diff::stat::StatOptions::default());
    } else if opts.diff_format & SHORTSTAT != 0 {
        crate::diff::stat::write_shortstat(&mut out, &stats);
    }
    if !patch.is_empty() {
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(&patch);
    }
    Ok(out)
}

impl From<std::io::Error> for crate::revision::walk::WalkError {
    fn from(e: std::io::Error) -> Self {
        crate::revision::walk::WalkError::BadCommit {
            id: ObjectId::Sha1([0; 20]),
            what: format!("write error: {e}"),
        }
    }
}

/// Follows tags to the commit a start revision names.
fn peel_to_commit(repo: &Repository, mut id: ObjectId) -> Result<ObjectId, Fatal> {
    use crate::object::{ObjectKind, Tag};
    let mut declared = None;
    for _ in 0..64 {
        let obj = repo.odb().read(&id)?;
        // git refuses a tag whose `type` line names another kind than its object's.
        if declared.take().is_some_and(|d| d != obj.kind) {
            return Err(Fatal::new(format!("bad object {id}")));
        }
        match obj.kind {
            ObjectKind::Commit => return Ok(id),
            ObjectKind::Tag => {
                let t = Tag::parse(&obj.data)?;
                declared = Some(t.target_kind);
                id = t.object;
            }
            _ => {
                return Err(Fatal::new(format!(
                    "object {id} is a {}, not a commit",
                    obj.kind
                )))
            }
        }
    }
    Err(Fatal::new("tag chain too deep"))
}

fn parse_args(args: &[String]) -> Result<LogOptions, Fatal> {
    let mut o = LogOptions {
        walk: WalkOptions::default(),
        format: Format::Medium,
        terminator: false,
        diff_format: 0,
        revs: Vec::new(),
        paths: Vec::new(),
        path_items: Vec::new(),
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
        match a {
            "--numstat" => o.diff_format |= super::diff::NUMSTAT,
            "--stat" => o.diff_format |= super::diff::STAT,
            "--shortstat" => o.diff_format |= super::diff::SHORTSTAT,
            "-p" | "-u" | "--patch" => o.diff_format |= super::diff::PATCH,
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
    if o.revs.is_empty() {
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
