//! `oxgit log`: history in git's default order with `--format` placeholders and, with
//! `--numstat`, per-commit line counts computed in parallel.

use super::{Context, Fatal};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::walk::{walk, WalkOptions, WalkedCommit};
use std::io::Write;

/// Parsed `log` options.
struct LogOptions {
    walk: WalkOptions,
    format: Vec<Piece>,
    /// `tformat` (every record ends in a newline) rather than `format` (separated).
    terminator: bool,
    numstat: bool,
    revs: Vec<String>,
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
    let opts = parse_args(&ctx.args)?;
    let repo = ctx.repo()?;
    let mut starts = Vec::new();
    for r in &opts.revs {
        let id = crate::revision::resolve(&repo, r).map_err(|_| {
            Fatal::new(format!(
                "ambiguous argument '{r}': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'"
            ))
        })?;
        starts.push(peel_to_commit(&repo, id)?);
    }
    if opts.numstat {
        return Err(Fatal::new("log --numstat: not yet supported"));
    }
    let mut first = true;
    let out = &mut *ctx.out;
    let mut abbrev = Abbrev::new(&repo);
    walk(&repo, &starts, &opts.walk, |c| {
        if !opts.terminator && !first {
            out.write_all(b"\n")?;
        }
        first = false;
        format_commit(&c, &opts.format, &mut abbrev, out)?;
        if opts.terminator {
            out.write_all(b"\n")?;
        }
        Ok(true)
    })
    .map_err(|e| Fatal::new(e.to_string()))?;
    Ok(0)
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
    for _ in 0..64 {
        let obj = repo.odb().read(&id)?;
        match obj.kind {
            ObjectKind::Commit => return Ok(id),
            ObjectKind::Tag => id = Tag::parse(&obj.data)?.object,
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
        format: Vec::new(),
        terminator: true,
        numstat: false,
        revs: Vec::new(),
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
            "--numstat" => o.numstat = true,
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
                if i + 1 < args.len() {
                    return Err(Fatal::new("log: path limiting is not supported yet"));
                }
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
    let Some((kind, f)) = format else {
        return Err(Fatal::new(
            "log: the default format is not supported yet; use --format",
        ));
    };
    o.terminator = kind == "tformat";
    o.format = parse_format(&f);
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

/// Abbreviates ids to git's default length, lengthened until unique.
pub(crate) struct Abbrev<'r> {
    repo: &'r Repository,
    min_len: usize,
}

impl<'r> Abbrev<'r> {
    pub(crate) fn new(repo: &'r Repository) -> Self {
        Abbrev {
            repo,
            min_len: crate::odb::default_abbrev_len(repo.odb(), repo.config()),
        }
    }

    pub(crate) fn abbrev(&mut self, id: &ObjectId) -> String {
        let len = self
            .repo
            .odb()
            .unique_abbrev_len(id, self.min_len)
            .unwrap_or(self.min_len);
        id.to_hex_prefix(len)
    }
}

fn format_commit(
    c: &WalkedCommit,
    format: &[Piece],
    abbrev: &mut Abbrev<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let parsed = c.parsed();
    let author = parsed.author_signature();
    let committer = parsed.committer_signature();
    for p in format {
        match p {
            Piece::Literal(l) => out.write_all(l)?,
            Piece::Hash => write!(out, "{}", c.id)?,
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
