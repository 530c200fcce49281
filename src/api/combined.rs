//! A merge's combined diff (`-c`, `--cc`) as git's text: the stat formats against the
//! first parent (as git prints them), `::` raw lines, names with one status per parent,
//! and `diff --cc` patches ([`crate::diff::combined`]).

use super::format::{GitText, Sections, Style};
use super::{Abbrev, DiffOptions, DiffRequest, Differ, Endpoints, Error, Side};
use crate::diff::combined::{intersect, Combined, CombinedPath, MAX_PARENTS};
use crate::diff::pickaxe::PickaxeKind;
use crate::diff::quote::{write_name_terminated, write_quoted};
use crate::odb::Abbreviator;
use crate::oid::ObjectId;
use crate::repo::Repository;
use std::io::Write;

/// How a combined diff is shown.
#[derive(Clone, Debug)]
pub struct CombinedStyle {
    /// `--cc` (dense) rather than `-c`.
    pub dense: bool,
    /// `--combined-all-paths`: each parent's path too.
    pub all_paths: bool,
    /// The sections to show.
    pub sections: Sections,
    /// Paths, prefixes and ids.
    pub style: Style,
}

/// The sections git takes against the first parent for a combined diff.
const FIRST_PARENT_SECTIONS: Sections = Sections::STAT
    .union(Sections::NUMSTAT)
    .union(Sections::SHORTSTAT)
    .union(Sections::SUMMARY)
    .union(Sections::DIRSTAT);

/// Appends the combined diff of merge `commit` against `parents` to `out`.
pub fn write_combined(
    repo: &Repository,
    commit: ObjectId,
    parents: &[ObjectId],
    options: &DiffOptions,
    how: &CombinedStyle,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    if parents.len() > MAX_PARENTS {
        return Err(Error::Unsupported(format!(
            "combined diff of a merge with more than {MAX_PARENTS} parents"
        )));
    }
    if options.line.whitespace != crate::diff::line::Whitespace::Exact
        || options.line.ignore_blank_lines
    {
        return Err(Error::Unsupported(
            "combined diff with whitespace options".into(),
        ));
    }
    if options.reverse {
        return Err(Error::Unsupported("combined diff with -R".into()));
    }
    let mut opts = options.clone();
    opts.recursive = true;
    opts.show_trees = false;
    let sections = how.sections;
    let stat_sections = sections.intersection(FIRST_PARENT_SECTIONS);
    if !stat_sections.is_empty() {
        let request = DiffRequest::with_options(
            Endpoints::pair(Side::Id(parents[0]), Side::Id(commit)),
            opts.clone(),
        );
        let mut sink = GitText::new(repo, stat_sections, how.style.clone(), Vec::new());
        Differ::new(repo, &request)?.run(&mut sink)?;
        out.extend_from_slice(&sink.into_inner());
    }
    let names = Sections::RAW | Sections::NAME_ONLY | Sections::NAME_STATUS;
    if !sections.intersects(names | Sections::PATCH) {
        return Ok(());
    }

    // git pairs paths through each parent's diffcore when a stage of it applies; with
    // only `--find-object`, it walks the trees together and keeps the paths where the
    // merge or any parent has the object (`combined_objfind`).
    let objects = match &opts.pickaxe {
        Some(p)
            if opts.rename_options().is_none()
                && opts.breaks.is_none()
                && opts.filter.is_empty() =>
        {
            match &p.kind {
                PickaxeKind::Objects(ids) => Some(ids.clone()),
                _ => None,
            }
        }
        _ => None,
    };
    let mut per_parent_opts = opts.clone();
    if objects.is_some() {
        per_parent_opts.pickaxe = None;
    }
    let mut per_parent = Vec::with_capacity(parents.len());
    for p in parents {
        let request = DiffRequest::with_options(
            Endpoints::pair(Side::Id(*p), Side::Id(commit)),
            per_parent_opts.clone(),
        );
        per_parent.push(super::changes(repo, &request)?.0);
    }
    let mut paths = intersect(&per_parent);
    if let Some(ids) = objects {
        paths.retain(|p| ids.contains(&p.id) || p.parents.iter().any(|s| ids.contains(&s.id)));
    }
    let mut abbrev = Abbreviator::new(repo.odb());
    if sections.intersects(names) {
        let start = match how.style.abbrev {
            Abbrev::Full => None,
            Abbrev::Len(n) => Some(n),
            Abbrev::Auto => Some(crate::odb::auto_abbrev_len(
                repo.odb().approximate_object_count(),
            )),
        };
        for p in &paths {
            write_names(p, sections, how, &mut abbrev, start, out)?;
        }
    }
    if sections.contains(Sections::PATCH) {
        if !paths.is_empty() && sections.intersects(names | FIRST_PARENT_SECTIONS) {
            out.push(if how.style.nul { 0 } else { b'\n' });
        }
        let start = super::differ::abbrev_start(repo, options);
        let mut state = crate::diff::line::State::new();
        for p in &paths {
            write_patch(repo, p, &opts, how, start, &mut abbrev, &mut state, out)?;
        }
    }
    Ok(())
}

/// One `::` raw line, or the name (and statuses) of one path.
fn write_names(
    p: &CombinedPath,
    sections: Sections,
    how: &CombinedStyle,
    abbrev: &mut Abbreviator<'_>,
    start: Option<usize>,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let style = &how.style;
    let term = if style.nul { 0 } else { b'\n' };
    let sep = if style.nul { 0 } else { b'\t' };
    let q = style.quote_path;
    let raw = !sections.intersects(Sections::NAME_ONLY | Sections::NAME_STATUS)
        && sections.contains(Sections::RAW);
    if raw {
        out.extend(vec![b':'; p.parents.len()]);
        for s in &p.parents {
            let _ = write!(out, "{:06o} ", s.mode);
        }
        let _ = write!(out, "{:06o}", p.mode);
        for s in &p.parents {
            let _ = write!(out, " {}", name(abbrev, &s.id, start)?);
        }
        let _ = write!(out, " {} ", name(abbrev, &p.id, start)?);
    }
    if raw || sections.contains(Sections::NAME_STATUS) {
        out.extend(p.parents.iter().map(|s| s.status));
        out.push(sep);
    }
    if how.all_paths {
        for s in &p.parents {
            let path = if matches!(s.status, b'R' | b'C') {
                &s.path
            } else {
                &p.path
            };
            write_name_terminated(path, q, sep, out);
        }
    }
    write_name_terminated(&p.path, q, term, out);
    Ok(())
}

fn name(ab: &mut Abbreviator<'_>, id: &ObjectId, start: Option<usize>) -> Result<String, Error> {
    match start {
        None => Ok(id.to_hex()),
        Some(n) => Ok(ab.abbrev(id, Some(n))?),
    }
}

/// A blob's content as the combined diff compares it (a submodule as git's
/// `Subproject commit` line; nothing when absent).
fn content(repo: &Repository, id: &ObjectId, mode: u32) -> Result<Vec<u8>, Error> {
    if mode == 0 || id.is_null() {
        return Ok(Vec::new());
    }
    if mode == 0o160000 {
        return Ok(format!("Subproject commit {id}\n").into_bytes());
    }
    let mut buf = Vec::new();
    repo.odb().read_into(id, &mut buf)?;
    Ok(buf)
}

/// `diff --cc <path>` and its hunks.
#[allow(clippy::too_many_arguments)]
fn write_patch(
    repo: &Repository,
    p: &CombinedPath,
    opts: &DiffOptions,
    how: &CombinedStyle,
    start: Option<usize>,
    abbrev: &mut Abbreviator<'_>,
    state: &mut crate::diff::line::State,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let result = content(repo, &p.id, p.mode)?;
    let parents: Vec<Vec<u8>> = p
        .parents
        .iter()
        .map(|s| content(repo, &s.id, s.mode))
        .collect::<Result<_, _>>()?;
    let mode_differs = p.parents.iter().any(|s| s.mode != p.mode);
    let attrs = repo.diff_attributes();
    let mut binary = attrs.is_binary(&p.path, &result)?;
    for (s, b) in p.parents.iter().zip(&parents) {
        binary |= attrs.is_binary(&s.path, b)?;
    }
    let mut header = Vec::new();
    let style = &how.style;
    let q = style.quote_path;
    header.extend_from_slice(if how.dense {
        b"diff --cc "
    } else {
        b"diff --combined "
    });
    write_quoted(&p.path, q, &mut header);
    header.extend_from_slice(b"\nindex ");
    for (i, s) in p.parents.iter().enumerate() {
        if i > 0 {
            header.push(b',');
        }
        header.extend_from_slice(name(abbrev, &s.id, start)?.as_bytes());
    }
    let _ = writeln!(header, "..{}", name(abbrev, &p.id, start)?);
    let deleted = p.mode == 0;
    let added = mode_differs && !deleted && p.parents.iter().all(|s| s.status == b'A');
    // git starts a bare `mode` line without the meta colour (it only resets after it).
    let mut bare_mode_line = None;
    if mode_differs {
        if !added && !deleted {
            bare_mode_line = Some(header.len());
        }
        if added {
            let _ = write!(header, "new file mode {:06o}", p.mode);
        } else {
            if deleted {
                header.extend_from_slice(b"deleted file ");
            }
            header.extend_from_slice(b"mode ");
            for (i, s) in p.parents.iter().enumerate() {
                let _ = write!(header, "{}{:06o}", if i > 0 { "," } else { "" }, s.mode);
            }
            if !deleted {
                let _ = write!(header, "..{:06o}", p.mode);
            }
        }
        header.push(b'\n');
    }
    // Header lines are in the meta colour, as in a patch.
    let meta = |out: &mut Vec<u8>, text: &[u8]| match &style.palette {
        Some(p) => match bare_mode_line {
            Some(at) => {
                let end = text[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |k| at + k);
                p.write_meta(out, &text[..at]);
                out.extend_from_slice(&text[at..end]);
                out.extend_from_slice(crate::diff::color::RESET.as_bytes());
                p.write_meta(out, &text[end..]);
            }
            None => p.write_meta(out, text),
        },
        None => out.extend_from_slice(text),
    };
    if binary {
        meta(out, &header);
        out.extend_from_slice(b"Binary files differ\n");
        return Ok(());
    }
    let slices: Vec<&[u8]> = parents.iter().map(|b| b.as_slice()).collect();
    let ids: Vec<ObjectId> = p.parents.iter().map(|s| s.id).collect();
    let mut combined =
        Combined::new(&result, &slices, &ids, &opts.line, state).map_err(|e| Error::Line {
            path: p.path.clone(),
            source: e,
        })?;
    let show_hunks = combined.make_hunks(how.dense);
    if !show_hunks && !mode_differs {
        return Ok(());
    }
    let mut labels = Vec::new();
    let label = |out: &mut Vec<u8>, lead: &[u8], prefix: &[u8], path: &[u8]| {
        out.extend_from_slice(lead);
        let mut full = prefix.to_vec();
        full.extend_from_slice(path);
        write_quoted(&full, q, out);
        out.push(b'\n');
    };
    if how.all_paths {
        for s in &p.parents {
            if s.status == b'A' {
                labels.extend_from_slice(b"--- /dev/null\n");
            } else {
                let path = if matches!(s.status, b'R' | b'C') {
                    &s.path
                } else {
                    &p.path
                };
                label(&mut labels, b"--- ", &style.src_prefix, path);
            }
        }
    } else if added {
        labels.extend_from_slice(b"--- /dev/null\n");
    } else {
        label(&mut labels, b"--- ", &style.src_prefix, &p.path);
    }
    if deleted {
        labels.extend_from_slice(b"+++ /dev/null\n");
    } else {
        label(&mut labels, b"+++ ", &style.dst_prefix, &p.path);
    }
    header.append(&mut labels);
    meta(out, &header);
    combined.write_hunks(out, style.palette.as_ref());
    Ok(())
}
