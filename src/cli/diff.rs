//! `oxgit diff`: arguments in, a library request and git's text sinks out.

use super::diff_flags::{parse_flag, DiffArgs};
use super::{Context, Fatal};
use crate::api::{self, DiffRequest, Differ, Endpoints, GitText, Sections, Sink};
use crate::repo::Repository;

/// git's usage line for `diff`, printed for argument combinations it cannot run.
const DIFF_USAGE: &str = "usage: git diff [<options>] [<commit>] [--] [<path>...]";

/// The message git prints for a revision argument that resolves to nothing.
pub(crate) fn unknown_revision(spec: &str) -> Fatal {
    Fatal::new(format!(
        "ambiguous argument '{spec}': unknown revision or path not in the working tree.\n\
         Use '--' to separate paths from revisions, like this:\n\
         'git <command> [<revision>...] -- [<file>...]'"
    ))
}

/// Maps a library error to git's wording and exit status.
pub(crate) fn fatal(e: api::Error) -> Fatal {
    match e {
        api::Error::Revision(crate::revision::RevisionError::Unknown(spec)) => {
            unknown_revision(&spec)
        }
        api::Error::BadRequest(m) if m == api::MISMATCHED_SIDES => Fatal::usage(DIFF_USAGE),
        api::Error::BadRequest(m) if m.starts_with("unknown change class") => Fatal::usage(m),
        api::Error::Unsupported(what) => Fatal::new(format!("{what} is not yet supported")),
        other => Fatal::new(other.to_string()),
    }
}

/// Prints the warnings git prints on stderr.
pub(crate) fn print_warnings(warnings: &[api::Warning]) {
    for w in warnings {
        for line in w.lines() {
            eprintln!("warning: {line}");
        }
    }
}

/// Whether `arg` is a revision range `a..b` or `a...b` whose ends resolve (an empty end
/// is `HEAD`).
fn is_range(repo: &Repository, arg: &str) -> bool {
    let Some(at) = arg.find("..") else {
        return false;
    };
    let (a, rest) = (&arg[..at], &arg[at + 2..]);
    let b = rest.strip_prefix('.').unwrap_or(rest);
    let ok =
        |s: &str| crate::revision::resolve(repo, if s.is_empty() { "HEAD" } else { s }).is_ok();
    ok(a) && ok(b)
}

/// Runs `diff`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let before_dashdash = || ctx.args.iter().take_while(|a| *a != "--");
    let no_index =
        "diff --no-index (comparing files outside the repository) is not supported by oxgit yet";
    if before_dashdash().any(|a| a == "--no-index") {
        return Err(Fatal::new(no_index));
    }
    let repo = match ctx.repo() {
        Ok(r) => r,
        // Outside a repository git compares two paths as with --no-index.
        Err(e) => {
            let paths = before_dashdash().filter(|a| !a.starts_with('-')).count();
            return Err(if paths == 2 { Fatal::new(no_index) } else { e });
        }
    };
    let mut d = DiffArgs::from_repo(&repo)?;
    let (mut revs, mut paths) = (Vec::new(), Vec::new());
    let (mut dashdash, mut merge_base, mut exit_code, mut quiet) = (false, false, false, false);
    let mut cached = false;
    let mut json: Option<JsonOut> = None;
    let args = &ctx.args;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if dashdash {
            paths.push(a.to_string());
        } else if parse_flag(&mut d, args, &mut i)? {
        } else {
            match a {
                "--" => dashdash = true,
                "--exit-code" => exit_code = true,
                "--quiet" => {
                    quiet = true;
                    exit_code = true;
                }
                "--merge-base" => merge_base = true,
                "--cached" | "--staged" => cached = true,
                "--format=json" => json.get_or_insert_with(JsonOut::default).lines = false,
                "--format=ndjson" => json.get_or_insert_with(JsonOut::default).lines = true,
                "--review-filter" => json.get_or_insert_with(JsonOut::default).filter = true,
                "--with-patch" => json.get_or_insert_with(JsonOut::default).patch = true,
                _ if a.starts_with('-') && a.len() > 1 => {
                    return Err(Fatal::usage(format!("unknown option '{a}'")))
                }
                _ => revs.push(a.to_string()),
            }
        }
        i += 1;
    }
    d.finish(&repo)?;
    let mut sections = d.sections;
    if quiet {
        sections = Sections::NONE;
    } else if sections.is_empty() && !d.no_output {
        sections = Sections::PATCH;
    }
    // Without `--`, the first argument that is not a revision but an existing path
    // starts the paths; every argument after it must then name an existing path.
    if !dashdash {
        let k = revs
            .iter()
            .position(|r| !(is_range(&repo, r) || crate::revision::resolve(&repo, r).is_ok()))
            .unwrap_or(revs.len());
        let exists = |p: &str| {
            repo.work_tree().is_some()
                && ctx.cwd.join(super::arg_path(p)).symlink_metadata().is_ok()
        };
        if let Some(bad) = revs[k..].iter().find(|p| !exists(p)) {
            return Err(unknown_revision(bad));
        }
        let rest = revs.split_off(k);
        paths.splice(0..0, rest);
    }
    d.options.paths = super::pathspec_items(&repo, &ctx.cwd, &paths)?;
    let rev_refs: Vec<&str> = revs.iter().map(String::as_str).collect();
    let endpoints = if cached {
        cached_endpoints(&repo, &rev_refs, merge_base)?
    } else {
        Endpoints::from_diff_args(&rev_refs, merge_base).map_err(fatal)?
    };
    let workspace = match &endpoints {
        Endpoints::Pair { old, new }
        | Endpoints::MergeBase { old, new }
        | Endpoints::Symmetric { old, new } => [old, new]
            .iter()
            .any(|s| matches!(s, api::Side::Index | api::Side::WorkTree)),
        Endpoints::Commit(_) => false,
    };
    let ws = if workspace {
        if repo.work_tree().is_none() {
            return Err(Fatal::new("this operation must be run in a work tree"));
        }
        Some(api::Workspace::open(&repo).map_err(fatal)?)
    } else {
        None
    };
    let request = DiffRequest::with_options(endpoints, d.options.clone());
    // Between two trees the diff streams (Differ::stream); the work-tree sides need the
    // provider's change list first.
    let with_provider = match &ws {
        Some(ws) => {
            let differ = Differ::with_provider(&repo, &request, ws).map_err(fatal)?;
            print_warnings(differ.warnings());
            Some(differ)
        }
        None => None,
    };
    let run = |mut sink: &mut dyn Sink<Error = api::Error>| -> Result<api::Outcome, Fatal> {
        match &with_provider {
            Some(differ) => differ.run(&mut sink).map_err(fatal),
            None => {
                let outcome = Differ::stream(&repo, &request, &mut sink).map_err(fatal)?;
                print_warnings(&outcome.warnings);
                Ok(outcome)
            }
        }
    };
    let mut ws_errors = false;
    d.check_word_regex()?;
    let outcome = match json {
        Some(j) => run(&mut j.sink(&mut *ctx.out, &d, &paths))?,
        None => {
            // The resolved options: the work-tree sides set mnemonic prefixes.
            let options = with_provider
                .as_ref()
                .map_or(&request.options, |differ| differ.options());
            let mut style = crate::api::Style::of(options);
            style.nul = d.nul;
            style.palette = d.palette()?.cloned();
            // git swaps the prefixes with `-R` (`diff --git b/x a/x`).
            if options.reverse {
                std::mem::swap(&mut style.src_prefix, &mut style.dst_prefix);
            }
            let mut sink = GitText::new(&repo, sections, style, &mut *ctx.out);
            let outcome = run(&mut sink)?;
            ws_errors = sink.found_whitespace_errors();
            outcome
        }
    };
    // git 2.47 reports changes from the sections it prints: `--summary` and the
    // `changes`/`files` dirstat alone do not count (`--exit-code` then exits 0).
    let counting = sections.without(Sections::SUMMARY | Sections::DIRSTAT);
    let lines_dirstat = sections.intersects(Sections::DIRSTAT)
        && d.options.dirstat.mode == crate::diff::dirstat::DirstatMode::Lines;
    let reports = sections.is_empty() || !counting.is_empty() || lines_dirstat;
    // `--check` adds 2 to the status when it found whitespace errors.
    Ok(i32::from(exit_code && reports && outcome.changes > 0) | if ws_errors { 2 } else { 0 })
}

/// `diff --cached [<rev>]` and `diff --cached --merge-base <rev>`: a revision (default
/// `HEAD`, the empty tree on an unborn branch) against the index.
fn cached_endpoints(
    repo: &Repository,
    revs: &[&str],
    merge_base: bool,
) -> Result<Endpoints, Fatal> {
    let head_born = crate::revision::resolve(repo, "HEAD").is_ok();
    Ok(match revs {
        [] if merge_base => return Err(Fatal::new("--merge-base requires a commit")),
        [] if head_born => Endpoints::pair("HEAD", api::Side::Index),
        [] => Endpoints::pair(api::Side::EmptyTree, api::Side::Index),
        [one] if merge_base => Endpoints::MergeBase {
            old: api::Side::from(*one),
            new: api::Side::Index,
        },
        [one] if !one.contains("..") => Endpoints::pair(*one, api::Side::Index),
        _ => return Err(Fatal::usage(DIFF_USAGE)),
    })
}

/// `--format=json` / `--format=ndjson` and their switches.
#[derive(Clone, Copy, Debug, Default)]
struct JsonOut {
    lines: bool,
    filter: bool,
    patch: bool,
}

impl JsonOut {
    fn sink<'w>(
        self,
        out: &'w mut dyn std::io::Write,
        d: &DiffArgs,
        paths: &[String],
    ) -> crate::api::json::JsonSink<&'w mut dyn std::io::Write> {
        use crate::api::json::{JsonMode, JsonSink};
        let mode = if self.lines {
            JsonMode::Lines
        } else {
            JsonMode::Document
        };
        let mut sink = JsonSink::new(out, mode);
        if self.patch {
            sink = sink.patch(d.style());
        }
        if self.filter {
            let mut limits = crate::api::filter::FileLimits::default();
            if !paths.is_empty() {
                limits.named = d.options.paths.clone();
            }
            sink = sink.filter(limits);
        }
        sink
    }
}
