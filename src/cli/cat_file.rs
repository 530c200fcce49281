//! `oxgit cat-file`: object contents, kind and size, one at a time or in batches.

use super::{literal, Context, Fatal};
use crate::object::{ObjectKind, TreeIter};
use crate::odb::{KindMemo, OdbError};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::{self, RevisionError};
use std::io::Write;

/// The usage text (`cat-file -h`, and after argument errors).
pub(super) const USAGE: &str = "usage: oxgit cat-file <type> <object>
   or: oxgit cat-file (-e | -p) <object>
   or: oxgit cat-file (-t | -s) <object>
   or: oxgit cat-file (--batch | --batch-check) [--batch-all-objects]
                      [--buffer] [--unordered] [-Z]

Check object existence or emit object contents
    -e                    check if <object> exists
    -p                    pretty-print <object> content

Emit object attributes
    -t                    show object type (one of 'blob', 'tree', 'commit', 'tag', ...)
    -s                    show object size

Batch objects requested on stdin (or --batch-all-objects)
    --batch[=<format>]    show full <object> or <rev> contents
    --batch-check[=<format>]
                          like --batch, but don't emit <contents>
    -Z                    stdin and stdout is NUL-terminated
    --batch-all-objects   with --batch[-check]: ignores stdin, batches all known objects

Change or optimize batch output
    --[no-]buffer         buffer --batch output
    --[no-]unordered      do not order objects before emitting them

";

/// git's answer to wrong arguments: `fatal: <message>`, a blank line and the usage on
/// standard error, exit status 129.
fn usage_fatal(message: &str) -> i32 {
    eprint!("fatal: {message}\n\n");
    super::options::usage_error("", USAGE)
}

/// What a one-object invocation asks for.
enum Mode {
    Kind,
    Size,
    Exists,
    Pretty,
    /// `cat-file <type> <object>`: the object peeled to `type`, raw.
    Typed(ObjectKind),
}

/// One piece of a `--batch` format.
enum Atom {
    Literal(Vec<u8>),
    Name,
    Kind,
    Size,
    /// `%(objectsize:disk)`.
    DiskSize,
    /// `%(deltabase)`.
    DeltaBase,
    Rest,
}

impl Atom {
    /// Whether the atom needs to know how the object is stored.
    fn needs_storage(&self) -> bool {
        matches!(self, Atom::DiskSize | Atom::DeltaBase)
    }
}

/// Options of `--batch` / `--batch-check`.
struct Batch {
    contents: bool,
    format: Vec<Atom>,
    all_objects: bool,
    unordered: bool,
    nul: bool,
}

/// Runs `cat-file`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut mode = None;
    let mut batch: Option<Batch> = None;
    let mut all_objects = false;
    let mut unordered = false;
    let mut nul = false;
    let mut positional = Vec::new();
    for arg in &ctx.args {
        let a = arg.as_str();
        let set_mode = |m: Mode, mode: &mut Option<Mode>| -> Result<(), Fatal> {
            if mode.is_some() {
                return Err(Fatal::usage("options are incompatible"));
            }
            *mode = Some(m);
            Ok(())
        };
        match a {
            "-t" => set_mode(Mode::Kind, &mut mode)?,
            "-s" => set_mode(Mode::Size, &mut mode)?,
            "-e" => set_mode(Mode::Exists, &mut mode)?,
            "-p" => set_mode(Mode::Pretty, &mut mode)?,
            "--batch-all-objects" => all_objects = true,
            "--unordered" => unordered = true,
            "--buffer" | "--no-buffer" | "--no-unordered" => {}
            "-Z" => nul = true,
            _ if a == "--batch" || a.starts_with("--batch=") => {
                batch = Some(batch_options(true, a.strip_prefix("--batch="))?)
            }
            _ if a == "--batch-check" || a.starts_with("--batch-check=") => {
                batch = Some(batch_options(false, a.strip_prefix("--batch-check="))?)
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                return Err(Fatal::usage(format!(
                    "unknown option `{}'",
                    a.trim_start_matches('-')
                )))
            }
            _ => positional.push(a.to_string()),
        }
    }
    let repo = ctx.repo()?;
    if let Some(mut b) = batch {
        if mode.is_some() || !positional.is_empty() {
            return Err(Fatal::usage("batch modes take no arguments"));
        }
        b.all_objects = all_objects;
        b.unordered = unordered;
        b.nul = nul;
        return run_batch(&repo, &b, ctx);
    }
    if all_objects {
        return Err(Fatal::usage("'--batch-all-objects' requires a batch mode"));
    }
    let (mode, name) = match (mode, positional.as_slice()) {
        (Some(m), [name]) => (m, name.clone()),
        (None, [kind, name]) => {
            let kind = ObjectKind::from_name(kind.as_bytes())
                .ok_or_else(|| Fatal::new(format!("invalid object type \"{kind}\"")))?;
            (Mode::Typed(kind), name.clone())
        }
        (Some(m), []) => {
            let flag = match m {
                Mode::Kind => "-t",
                Mode::Size => "-s",
                Mode::Exists => "-e",
                _ => "-p",
            };
            return Ok(usage_fatal(&format!("<object> required with '{flag}'")));
        }
        (None, []) => return Ok(super::options::usage_error("", USAGE)),
        (None, p) => {
            return Ok(usage_fatal(&format!(
                "only two arguments allowed in <type> <object> mode, not {}",
                p.len()
            )))
        }
        (Some(_), _) => return Ok(usage_fatal("too many arguments")),
    };
    let prefix = revision::work_prefix(&repo, &ctx.cwd);
    single(&repo, &ctx.cwd, prefix, mode, &name, ctx.out)
}

/// One object named on the command line (`rev:./path` relative to `prefix`).
fn single(
    repo: &Repository,
    cwd: &std::path::Path,
    prefix: Option<String>,
    mode: Mode,
    name: &str,
    out: &mut dyn Write,
) -> Result<i32, Fatal> {
    let invalid = || Fatal::new(format!("Not a valid object name {name}"));
    let prefix_text = prefix.clone();
    let id = match revision::Resolver::new(repo).prefix(prefix).resolve(name) {
        Ok(id) => id,
        Err(RevisionError::Unknown(_)) => return Err(invalid()),
        Err(e) => {
            return Err(
                super::rev_parse::path_diagnosis(repo, prefix_text.as_deref(), cwd, &e)
                    .unwrap_or_else(|| Fatal::new(e.to_string())),
            );
        }
    };
    let odb = repo.odb();
    match mode {
        Mode::Exists => Ok(if odb.contains(&id) { 0 } else { 1 }),
        Mode::Kind | Mode::Size => match odb.read_header(&id) {
            Ok((kind, size)) => {
                if matches!(mode, Mode::Kind) {
                    writeln!(out, "{kind}")?;
                } else {
                    writeln!(out, "{size}")?;
                }
                Ok(0)
            }
            Err(OdbError::NotFound(_)) => {
                Err(Fatal::new("git cat-file: could not get object info"))
            }
            Err(e) => Err(e.into()),
        },
        Mode::Pretty => {
            let obj = match odb.read(&id) {
                Ok(o) => o,
                Err(OdbError::NotFound(_)) => return Err(invalid()),
                Err(e) => return Err(e.into()),
            };
            if obj.kind == ObjectKind::Tree {
                print_tree(&obj.data, repo, out)?;
            } else {
                out.write_all(&obj.data)?;
            }
            Ok(0)
        }
        Mode::Typed(want) => {
            let bad = || Fatal::new(format!("git cat-file {name}: bad file"));
            let id = peel_to(repo, id, want).map_err(|_| bad())?;
            let obj = odb.read(&id).map_err(|_| bad())?;
            out.write_all(&obj.data)?;
            Ok(0)
        }
    }
}

/// Follows tags (and commit → tree) from `id` until an object of kind `want`.
fn peel_to(repo: &Repository, mut id: ObjectId, want: ObjectKind) -> Result<ObjectId, Fatal> {
    for _ in 0..64 {
        let obj = repo.odb().read(&id)?;
        if obj.kind == want {
            return Ok(id);
        }
        id = match obj.kind {
            ObjectKind::Tag => crate::object::Tag::parse(&obj.data)?.object,
            ObjectKind::Commit if want == ObjectKind::Tree => {
                crate::object::Commit::parse(&obj.data)?.tree
            }
            _ => return Err(Fatal::new("wrong object type")),
        };
    }
    Err(Fatal::new("tag chain too deep"))
}

/// Prints a tree as `git ls-tree` does: `<mode> <type> <id>\t<name>`.
fn print_tree(data: &[u8], repo: &Repository, out: &mut dyn Write) -> Result<(), Fatal> {
    let quote_high = repo.config().get_bool("core.quotepath") != Some(false);
    for entry in TreeIter::new(data, repo.hash_kind()) {
        let entry = entry?;
        write!(
            out,
            "{:06o} {} {}\t",
            entry.mode.as_raw(),
            entry.mode.object_kind(),
            entry.id
        )?;
        out.write_all(&crate::diff::quote::quoted(entry.name, quote_high))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn batch_options(contents: bool, format: Option<&str>) -> Result<Batch, Fatal> {
    let format = match format {
        Some(f) => parse_format(f)?,
        None => vec![
            Atom::Name,
            Atom::Literal(b" ".to_vec()),
            Atom::Kind,
            Atom::Literal(b" ".to_vec()),
            Atom::Size,
        ],
    };
    Ok(Batch {
        contents,
        format,
        all_objects: false,
        unordered: false,
        nul: false,
    })
}

/// Parses a `--batch` format: `%(atom)` placeholders, `%%`, and literal text.
fn parse_format(f: &str) -> Result<Vec<Atom>, Fatal> {
    let mut atoms = Vec::new();
    let mut lit = Vec::new();
    let mut rest = f;
    while let Some(i) = rest.find('%') {
        lit.extend_from_slice(&rest.as_bytes()[..i]);
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("%%") {
            lit.push(b'%');
            rest = r;
            continue;
        }
        let Some(end) = rest.strip_prefix("%(").and_then(|r| r.find(')')) else {
            lit.push(b'%');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[2..2 + end];
        let atom = match name {
            "objectname" => Atom::Name,
            "objecttype" => Atom::Kind,
            "objectsize" => Atom::Size,
            "objectsize:disk" => Atom::DiskSize,
            "deltabase" => Atom::DeltaBase,
            "rest" => Atom::Rest,
            _ => return Err(Fatal::new(format!("bad cat-file format: %({name})"))),
        };
        if !lit.is_empty() {
            atoms.push(Atom::Literal(literal(std::mem::take(&mut lit))));
        }
        atoms.push(atom);
        rest = &rest[2 + end + 1..];
    }
    lit.extend_from_slice(rest.as_bytes());
    if !lit.is_empty() {
        atoms.push(Atom::Literal(literal(lit)));
    }
    Ok(atoms)
}

fn run_batch(repo: &Repository, b: &Batch, ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let delim = if b.nul { 0u8 } else { b'\n' };
    let mut buf = Vec::new();
    let odb = repo.odb();
    let storage = b.format.iter().any(Atom::needs_storage);
    if b.all_objects && b.unordered && !storage && !b.contents {
        // git's `--unordered` order, each header read in place from its pack entry.
        let mut memo = KindMemo::new();
        let needs_info = b
            .format
            .iter()
            .any(|a| matches!(a, Atom::Kind | Atom::Size));
        let (objects, _) = odb.unordered_objects()?;
        for object in &objects {
            listed_check_line(odb, b, object, needs_info, &mut memo, delim, ctx.out)?;
        }
        return Ok(0);
    }
    if b.all_objects && (b.unordered || storage) {
        // git's `--unordered`: loose objects, then packs in pack order. Formats asking how
        // objects are stored also take this one-object-at-a-time path, in sorted order.
        let (ids, loose_count) = if b.unordered {
            odb.unordered_ids()?
        } else {
            (odb.all_ids()?, usize::MAX)
        };
        for (i, id) in ids.into_iter().enumerate() {
            // Like git, packed objects met by the unordered walk are described as stored
            // there; everything else as a lookup finds it.
            let walked_pack = b.unordered && i >= loose_count;
            match emit(repo, b, &id, b"", delim, &mut buf, walked_pack, ctx.out) {
                Ok(()) => {}
                Err(EmitError::Missing) => {
                    missing(id.to_string().as_bytes(), b"missing", delim, ctx.out)?
                }
                Err(EmitError::Fatal(f)) => {
                    eprintln!("error: {}", f.message);
                    missing(id.to_string().as_bytes(), b"missing", delim, ctx.out)?
                }
            }
        }
        return Ok(0);
    }
    if b.all_objects && b.contents {
        // Listed with where each object is stored, so reading them needs no lookups; the
        // order is git's: sorted by id.
        let list = odb.all_objects()?;
        all_contents(odb, &list, b, delim, ctx.out)?;
        return Ok(0);
    }
    if b.all_objects {
        // Streamed in id order (a merge of the sorted pack indexes and loose ids): the
        // first line comes at once and memory does not grow with the object count.
        let mut memo = KindMemo::new();
        let needs_info = b
            .format
            .iter()
            .any(|a| matches!(a, Atom::Kind | Atom::Size));
        for (n, object) in odb.sorted_objects()?.enumerate() {
            // Written out in pieces of about 4 KiB, as git's stdio does, so that a reader
            // that stops early (`| head`) stops us early too.
            if n % 64 == 63 {
                ctx.out.flush()?;
            }
            listed_check_line(odb, b, &object, needs_info, &mut memo, delim, ctx.out)?;
        }
        return Ok(0);
    }
    let wants_rest = b.format.iter().any(|a| matches!(a, Atom::Rest));
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = ctx.stdin.read_until(delim, &mut line)?;
        if n == 0 {
            break;
        }
        if line.last() == Some(&delim) {
            line.pop();
        }
        let (name, rest) = if wants_rest {
            match line.iter().position(|c| c.is_ascii_whitespace()) {
                Some(i) => {
                    let r = &line[i..];
                    let skip = r.iter().take_while(|c| c.is_ascii_whitespace()).count();
                    (&line[..i], &r[skip..])
                }
                None => (&line[..], &[][..]),
            }
        } else {
            (&line[..], &[][..])
        };
        let resolved = revision::resolve(repo, &crate::bytestr::encode(name));
        match resolved {
            Ok(id) => match emit(repo, b, &id, rest, delim, &mut buf, false, ctx.out) {
                Ok(()) => {}
                Err(EmitError::Missing) => missing(name, b"missing", delim, ctx.out)?,
                // Like git, an object that cannot be read is reported and shown as missing.
                Err(EmitError::Fatal(f)) => {
                    eprintln!("error: {}", f.message);
                    missing(name, b"missing", delim, ctx.out)?
                }
            },
            Err(RevisionError::AmbiguousShortId { .. }) => {
                missing(name, b"ambiguous", delim, ctx.out)?
            }
            Err(_) => missing(name, b"missing", delim, ctx.out)?,
        }
    }
    Ok(0)
}

/// Objects per unit of parallel work in [`all_contents`].
const CHUNK: usize = 64;

/// `--batch-all-objects --batch`: the objects of `list` are read in chunks, a few chunks
/// at a time in parallel; each chunk's records are collected in memory and written in
/// order, so the output is the sequential one and memory stays bounded by a few chunks.
fn all_contents(
    odb: &crate::odb::Odb,
    list: &crate::odb::ObjectList,
    b: &Batch,
    delim: u8,
    out: &mut dyn Write,
) -> Result<(), Fatal> {
    use rayon::prelude::*;
    let per_round = CHUNK * 8 * rayon::current_num_threads().max(1);
    let mut start = 0;
    while start < list.len() {
        let end = (start + per_round).min(list.len());
        let starts: Vec<usize> = (start..end).step_by(CHUNK).collect();
        let chunks: Vec<std::io::Result<(Vec<u8>, Vec<String>)>> = starts
            .into_par_iter()
            .map(|s| {
                let mut text = Vec::new();
                let mut errors = Vec::new();
                let mut buf = Vec::new();
                for i in s..(s + CHUNK).min(end) {
                    let Some(id) = list.id(i) else { break };
                    let mut hex = [0u8; 64];
                    match odb.read_listed(list, i, &mut buf) {
                        Ok(kind) => {
                            let size = buf.len() as u64;
                            record(b, &id, kind, size, b"", delim, Some(&buf), None, &mut text)?
                        }
                        // Unreadable (or pruned while we ran): git shows such objects as
                        // missing.
                        Err(OdbError::NotFound(_)) => missing(
                            id.hex_str(&mut hex).as_bytes(),
                            b"missing",
                            delim,
                            &mut text,
                        )?,
                        Err(e) => {
                            errors.push(format!("error: {e}"));
                            missing(
                                id.hex_str(&mut hex).as_bytes(),
                                b"missing",
                                delim,
                                &mut text,
                            )?
                        }
                    }
                }
                Ok((text, errors))
            })
            .collect();
        for chunk in chunks {
            let (text, errors) = chunk?;
            if !errors.is_empty() {
                out.flush()?;
                for e in errors {
                    eprintln!("{e}");
                }
            }
            out.write_all(&text)?;
        }
        start = end;
    }
    Ok(())
}

/// One listed object's `--batch-all-objects --batch-check` line: its header (read only
/// when the format shows its type or size), or `missing` when it cannot be read
/// (unreadable, or pruned while we ran), as git shows such objects; a read error other
/// than a missing object is also reported on standard error.
fn listed_check_line(
    odb: &crate::odb::Odb,
    b: &Batch,
    object: &crate::odb::ListedObject,
    needs_info: bool,
    memo: &mut crate::odb::KindMemo,
    delim: u8,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let id = object.id;
    let info = if needs_info {
        odb.listed_object_header(object, memo)
    } else if odb.contains(&id) {
        Ok((ObjectKind::Blob, 0))
    } else {
        Err(OdbError::NotFound(id))
    };
    match info {
        Ok((kind, size)) => return record(b, &id, kind, size, b"", delim, None, None, out),
        Err(e) if e.is_missing() => {}
        Err(e) => {
            out.flush()?;
            eprintln!("error: {e}");
        }
    }
    let mut hex = [0u8; 64];
    missing(id.hex_str(&mut hex).as_bytes(), b"missing", delim, out)
}

fn missing(name: &[u8], what: &[u8], delim: u8, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(name)?;
    out.write_all(b" ")?;
    out.write_all(what)?;
    out.write_all(&[delim])
}

enum EmitError {
    Missing,
    Fatal(Fatal),
}

impl<E: std::error::Error> From<E> for EmitError {
    fn from(e: E) -> Self {
        EmitError::Fatal(Fatal::new(e.to_string()))
    }
}

/// Writes one batch record for `id`.
#[allow(clippy::too_many_arguments)]
fn emit(
    repo: &Repository,
    b: &Batch,
    id: &ObjectId,
    rest: &[u8],
    delim: u8,
    buf: &mut Vec<u8>,
    walked_pack: bool,
    out: &mut dyn Write,
) -> Result<(), EmitError> {
    let odb = repo.odb();
    let (kind, size) = if b.contents {
        match odb.read_into(id, buf) {
            Ok(kind) => (kind, buf.len() as u64),
            Err(e) if e.is_missing() => return Err(EmitError::Missing),
            Err(e) => return Err(e.into()),
        }
    } else {
        let needs_info = b
            .format
            .iter()
            .any(|a| matches!(a, Atom::Kind | Atom::Size));
        if needs_info {
            match odb.read_header(id) {
                Ok(h) => h,
                Err(e) if e.is_missing() => return Err(EmitError::Missing),
                Err(e) => return Err(e.into()),
            }
        } else if odb.contains(id) {
            (ObjectKind::Blob, 0)
        } else {
            return Err(EmitError::Missing);
        }
    };
    let storage = if b.format.iter().any(Atom::needs_storage) {
        let info = if walked_pack {
            odb.stored_info(id)
        } else {
            odb.storage_info(id)
        };
        match info {
            Ok(s) => Some(s),
            Err(e) if e.is_missing() => return Err(EmitError::Missing),
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let data = if b.contents { Some(&buf[..]) } else { None };
    record(b, id, kind, size, rest, delim, data, storage.as_ref(), out)?;
    Ok(())
}

/// Writes one batch record: the format line and, for `--batch`, the contents.
#[allow(clippy::too_many_arguments)]
fn record(
    b: &Batch,
    id: &ObjectId,
    kind: ObjectKind,
    size: u64,
    rest: &[u8],
    delim: u8,
    data: Option<&[u8]>,
    storage: Option<&crate::odb::StorageInfo>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // Built in a stack buffer and written at once; a long `%(rest)` or literal goes
    // through directly.
    let mut line = [0u8; 256];
    let mut n = 0;
    let mut put = |bytes: &[u8], out: &mut dyn Write| -> std::io::Result<()> {
        if n + bytes.len() <= line.len() {
            line[n..n + bytes.len()].copy_from_slice(bytes);
            n += bytes.len();
        } else {
            out.write_all(&line[..n])?;
            n = 0;
            out.write_all(bytes)?;
        }
        Ok(())
    };
    for atom in &b.format {
        match atom {
            Atom::Literal(l) => put(l, out)?,
            Atom::Name => {
                let mut hex = [0u8; 64];
                put(id.hex_str(&mut hex).as_bytes(), out)?
            }
            Atom::Kind => put(kind.name().as_bytes(), out)?,
            Atom::Size => {
                let mut digits = [0u8; 20];
                put(decimal(size, &mut digits), out)?
            }
            Atom::DiskSize => {
                let mut digits = [0u8; 20];
                put(
                    decimal(storage.map_or(0, |s| s.disk_size), &mut digits),
                    out,
                )?
            }
            Atom::DeltaBase => {
                let base = storage
                    .and_then(|s| s.delta_base)
                    .unwrap_or_else(|| id.kind().null_id());
                let mut hex = [0u8; 64];
                put(base.hex_str(&mut hex).as_bytes(), out)?
            }
            Atom::Rest => put(rest, out)?,
        }
    }
    put(&[delim], out)?;
    out.write_all(&line[..n])?;
    if let Some(data) = data {
        out.write_all(data)?;
        out.write_all(&[delim])?;
    }
    Ok(())
}

/// `v` in decimal, written at the end of `buf`.
fn decimal(mut v: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return &buf[i..];
        }
    }
}
