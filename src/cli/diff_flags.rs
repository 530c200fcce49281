//! The diff flags, defined once: every command that shows diffs (`diff`, `log`, and
//! later `show`, `diff-tree`) parses them through [`FLAGS`], so the same flag sets the
//! same field of the library's request everywhere.

use super::terminal::ColorWhen;
use super::Fatal;
use crate::api::{self, Abbrev, Detect, DiffFilter, DiffOptions, Sections};
use crate::diff::color::{DiffPalette, PaletteError};
use crate::diff::line::{Algorithm, Whitespace};
use crate::repo::Repository;

/// The diff part of a command line: the library's options, the sections to print, and
/// the output switches.
#[derive(Clone, Debug)]
pub struct DiffArgs {
    /// The request options (config first, then flags).
    pub options: DiffOptions,
    /// Sections asked for.
    pub sections: Sections,
    /// `-s` / `--no-patch` was given (after any section flag it clears them).
    pub no_output: bool,
    /// `-z`.
    pub nul: bool,
    /// The `--stat` width was given (`--stat=<width>`, `--stat-width`): under a graph,
    /// git takes it whole instead of the terminal's width less the graph's.
    pub stat_width_given: bool,
    /// The hash length, for `--abbrev=<n>` clamping.
    hex_len: usize,
    /// `--abbrev` without a value restores this.
    config_abbrev: Abbrev,
    /// `diff.wordRegex`: `--color-words` without a regex restores this.
    config_word_regex: Option<Vec<u8>>,
    /// When to colour: `color.diff`/`color.ui` (plumbing: never), then `--color`.
    pub color: ColorWhen,
    /// `color.pager`: colour when writing into a pager.
    color_pager: bool,
    /// The `color.diff.<slot>` palette, or why oxgit cannot colour as git would.
    palette: Result<DiffPalette, String>,
    /// The pickaxe flags as given (checked and set by [`DiffArgs::finish`]).
    pickaxe: PickaxeFlags,
}

/// `-S`, `-G`, `--find-object`, `--pickaxe-regex`, `--pickaxe-all`, `-i` as given.
#[derive(Clone, Debug, Default)]
struct PickaxeFlags {
    string: Option<String>,
    grep: Option<String>,
    objects: Vec<String>,
    regex: bool,
    all: bool,
    ignore_case: bool,
}

impl DiffArgs {
    /// The starting point of a command in `repo`: the repository's config (diff
    /// options, colours), and the terminal width (`$COLUMNS`, the terminal's, else 80)
    /// for `--stat`.
    pub fn from_repo(repo: &Repository) -> Result<DiffArgs, Fatal> {
        let config = repo.config();
        let mut options =
            DiffOptions::from_config(config, repo.hash_kind().hex_len()).map_err(config_error)?;
        options.stat.width = super::terminal::columns();
        for v in config.get_all("diff.dirstat") {
            if let Err(errors) = crate::diff::dirstat::DirstatOptions::default().apply(v) {
                eprintln!("warning: Found errors in 'diff.dirstat' config variable:\n{errors}");
            }
        }
        let palette = match DiffPalette::from_config(config) {
            Ok(p) => Ok(p),
            Err(PaletteError::Unsupported(what)) => Err(what),
            Err(PaletteError::InvalidColor(key, value)) => {
                eprintln!("error: invalid color value: {value}");
                return Err(Fatal::new(format!("unable to parse '{key}' from config")));
            }
        };
        Ok(DiffArgs {
            color: ColorWhen::from_config(config, "color.diff")?,
            color_pager: config.get_bool("color.pager") != Some(false),
            palette,
            config_abbrev: options.abbrev,
            config_word_regex: options.word_regex.clone(),
            options,
            sections: Sections::NONE,
            no_output: false,
            stat_width_given: false,
            nul: false,
            hex_len: repo.hash_kind().hex_len(),
            pickaxe: PickaxeFlags::default(),
        })
    }

    /// `-i` / `--regexp-ignore-case` given to a command that parses it as a revision
    /// option first (`log`, `show`): it applies to the pickaxe too.
    pub fn set_ignore_case(&mut self, on: bool) {
        self.pickaxe.ignore_case |= on;
    }

    /// Settles what needs all the flags (after parsing, as git's `diff_setup_done`): the
    /// pickaxe, with git's checks of the flags that do not go together, and the
    /// `--find-object` ids resolved in `repo`.
    pub fn finish(&mut self, repo: &Repository) -> Result<(), Fatal> {
        let s = self.sections;
        let exclusive = [
            s.contains(Sections::NAME_ONLY),
            s.contains(Sections::NAME_STATUS),
            s.contains(Sections::CHECK),
            self.no_output,
        ];
        if exclusive.iter().filter(|&&b| b).count() > 1 {
            return Err(Fatal::new(
                "options '--name-only', '--name-status', '--check', and '-s' cannot be used together",
            ));
        }
        use crate::diff::pickaxe::{Pickaxe, PickaxeKind};
        let p = &self.pickaxe;
        let kinds = [p.string.is_some(), p.grep.is_some(), !p.objects.is_empty()];
        if kinds.iter().filter(|&&k| k).count() > 1 {
            return Err(Fatal::new(
                "options '-G', '-S', and '--find-object' cannot be used together",
            ));
        }
        let kind = if let Some(s) = &p.string {
            PickaxeKind::Count(super::arg_bytes(s).into_owned())
        } else if let Some(g) = &p.grep {
            PickaxeKind::Grep(super::arg_bytes(g).into_owned())
        } else if !p.objects.is_empty() {
            let mut ids = Vec::with_capacity(p.objects.len());
            for spec in &p.objects {
                let id = crate::revision::resolve(repo, spec)
                    .map_err(|_| Fatal::usage(format!("unable to resolve '{spec}'")))?;
                ids.push(id);
            }
            PickaxeKind::Objects(ids)
        } else {
            // `--pickaxe-regex`, `--pickaxe-all` and `-i` alone do nothing.
            self.options.pickaxe = None;
            return Ok(());
        };
        let mut pickaxe = Pickaxe::new(kind);
        pickaxe.regex = p.regex;
        pickaxe.all = p.all;
        pickaxe.ignore_case = p.ignore_case;
        pickaxe.check().map_err(|e| Fatal::new(e.to_string()))?;
        self.options.pickaxe = Some(pickaxe);
        Ok(())
    }

    /// The text style of these arguments, without colour (for JSON).
    pub fn style(&self) -> api::Style {
        let mut s = api::Style::of(&self.options);
        s.nul = self.nul;
        s
    }

    /// The colours to use now, if any (`--color`, config, terminal); an error when the
    /// config asks for colouring oxgit does not do.
    pub fn palette(&self) -> Result<Option<&DiffPalette>, Fatal> {
        if !self.color.want(self.color_pager) {
            return Ok(None);
        }
        match &self.palette {
            Ok(p) => Ok(Some(p)),
            Err(what) => Err(Fatal::new(format!("{what} is not supported by oxgit"))),
        }
    }

    /// Drops `diff.wordRegex`, which git's plumbing does not read.
    pub fn forget_word_regex_config(&mut self) {
        self.config_word_regex = None;
        self.options.word_regex = None;
    }

    /// Refuses a word regex git would not compile (when a word diff is asked for).
    pub fn check_word_regex(&self) -> Result<(), Fatal> {
        let (Some(_), Some(p)) = (&self.options.word_diff, &self.options.word_regex) else {
            return Ok(());
        };
        match crate::diff::words::compile_regex(p) {
            Ok(_) => Ok(()),
            Err(crate::revision::regex::PatternError::Invalid(_)) => Err(Fatal::new(format!(
                "invalid regular expression: {}",
                String::from_utf8_lossy(p)
            ))),
            Err(e) => Err(Fatal::new(format!("word regex: {e}"))),
        }
    }

    /// The git text style of these arguments, coloured when colour is on.
    pub fn text_style(&self) -> Result<api::Style, Fatal> {
        self.check_word_regex()?;
        let mut s = self.style();
        s.palette = self.palette()?.cloned();
        Ok(s)
    }

    fn whitespace(&mut self, w: Whitespace) -> Result<(), Fatal> {
        let rank = |w| match w {
            Whitespace::Exact => 0,
            Whitespace::IgnoreCrAtEol => 1,
            Whitespace::IgnoreSpaceAtEol => 2,
            Whitespace::IgnoreSpaceChange => 3,
            Whitespace::IgnoreAllSpace => 4,
        };
        if rank(w) > rank(self.options.line.whitespace) {
            self.options.line.whitespace = w;
        }
        Ok(())
    }
}

fn config_error(e: api::Error) -> Fatal {
    match e {
        api::Error::Unsupported(what) => Fatal::new(format!("{what} is not supported by oxgit")),
        other => Fatal::new(other.to_string()),
    }
}

/// How a flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// No value: the argument is exactly the name.
    None,
    /// `--name` or `--name=<v>`.
    Optional,
    /// `--name=<v>` or `--name <v>`.
    Required,
    /// A short flag with an optional attached value (`-M`, `-M50%`).
    Attached,
    /// A short flag with a value attached or in the next argument (`-l5`, `-l 5`).
    AttachedOrNext,
}

/// One diff flag: its name, how it takes a value, and what it sets.
pub struct Flag {
    /// The flag as typed (`--stat`, `-U`).
    pub name: &'static str,
    /// How its value is given.
    pub value: Value,
    /// Applies it.
    pub apply: fn(&mut DiffArgs, Option<&str>) -> Result<(), Fatal>,
}

fn invalid(opt: &str) -> Fatal {
    Fatal::usage(format!("invalid argument to {opt}"))
}

fn number<T: std::str::FromStr>(flag: &str, v: Option<&str>) -> Result<T, Fatal> {
    v.unwrap_or("")
        .parse()
        .map_err(|_| Fatal::usage(format!("{flag}: expects a numerical value")))
}

/// A context length as git stores it: parsed as a C `long`, kept as an `int` (so
/// `-U4294967297` is `-U1`). Negative lengths make git print malformed hunk headers;
/// oxgit refuses them rather than guess at that output.
fn context_number(flag: &str, v: Option<&str>) -> Result<u32, Fatal> {
    let n: i64 = number(flag, v)?;
    u32::try_from(n as i32).map_err(|_| {
        Fatal::new(format!(
            "{flag}: a negative context is not supported by oxgit"
        ))
    })
}

fn stat_number(flag: &str, v: Option<&str>) -> Result<usize, Fatal> {
    v.unwrap_or("").parse().map_err(|_| invalid(flag))
}

macro_rules! flag {
    ($name:expr, $value:ident, $f:expr) => {
        Flag {
            name: $name,
            value: Value::$value,
            apply: $f,
        }
    };
}

/// Asks for section `s`; as in git (since 2.43), a format asked for after `-s` wins.
fn section(a: &mut DiffArgs, s: Sections) -> Result<(), Fatal> {
    a.sections |= s;
    a.no_output = false;
    Ok(())
}

/// `--name-only`, `--name-status`, `--check`: unlike other formats they do not undo an
/// earlier `-s`, which they cannot go with (see [`DiffArgs::finish`]).
fn name_section(a: &mut DiffArgs, s: Sections) -> Result<(), Fatal> {
    a.sections |= s;
    Ok(())
}

/// Every diff flag oxgit knows, in matching order.
pub const FLAGS: &[Flag] = &[
    flag!("--raw", None, |a, _| section(a, Sections::RAW)),
    flag!("--name-only", None, |a, _| name_section(
        a,
        Sections::NAME_ONLY
    )),
    flag!("--name-status", None, |a, _| name_section(
        a,
        Sections::NAME_STATUS
    )),
    flag!("--summary", None, |a, _| section(a, Sections::SUMMARY)),
    flag!("--numstat", None, |a, _| section(a, Sections::NUMSTAT)),
    flag!("--shortstat", None, |a, _| section(a, Sections::SHORTSTAT)),
    flag!("--check", None, |a, _| name_section(a, Sections::CHECK)),
    flag!("-p", None, |a, _| section(a, Sections::PATCH)),
    flag!("-u", None, |a, _| section(a, Sections::PATCH)),
    flag!("--patch", None, |a, _| section(a, Sections::PATCH)),
    flag!("--patch-with-raw", None, |a, _| section(
        a,
        Sections::PATCH | Sections::RAW
    )),
    flag!("--patch-with-stat", None, |a, _| section(
        a,
        Sections::PATCH | Sections::STAT
    )),
    flag!("-s", None, |a, _| {
        a.sections = Sections::NONE;
        a.no_output = true;
        Ok(())
    }),
    flag!("--no-patch", None, |a, _| {
        a.sections = Sections::NONE;
        a.no_output = true;
        Ok(())
    }),
    flag!("-z", None, |a, _| {
        a.nul = true;
        Ok(())
    }),
    flag!("-R", None, |a, _| {
        a.options.reverse = true;
        Ok(())
    }),
    flag!("--abbrev", Optional, |a, v| {
        a.options.abbrev = match v {
            None => a.config_abbrev,
            Some(v) => {
                let n = v
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .fold(0usize, |n, d| {
                        n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
                    });
                api::abbrev_len(n, a.hex_len)
            }
        };
        Ok(())
    }),
    flag!("--no-abbrev", None, |a, _| {
        a.options.abbrev = Abbrev::Full;
        Ok(())
    }),
    flag!("--full-index", None, |a, _| {
        a.options.full_index = true;
        Ok(())
    }),
    flag!("--no-renames", None, |a, _| {
        a.options.detect = Detect::Off;
        Ok(())
    }),
    flag!("--find-copies-harder", None, |a, _| {
        a.options.copies_harder = true;
        Ok(())
    }),
    flag!("--find-renames", Optional, find_renames),
    flag!("-M", Attached, find_renames),
    flag!("--find-copies", Optional, find_copies),
    flag!("-C", Attached, find_copies),
    flag!("--break-rewrites", Optional, break_rewrites),
    flag!("-B", Attached, break_rewrites),
    flag!("-l", AttachedOrNext, |a, v| {
        a.options.rename_limit = v
            .unwrap_or("")
            .parse()
            .map_err(|_| Fatal::usage("switch `l' expects a numerical value"))?;
        Ok(())
    }),
    flag!("--diff-filter", Required, |a, v| {
        let f = DiffFilter::parse(v.unwrap_or("")).map_err(|e| Fatal::usage(e.to_string()))?;
        a.options.filter.include.extend(f.include);
        a.options.filter.exclude.extend(f.exclude);
        Ok(())
    }),
    flag!("-W", None, |a, _| {
        a.options.line.function_context = true;
        Ok(())
    }),
    flag!("--function-context", None, |a, _| {
        a.options.line.function_context = true;
        Ok(())
    }),
    flag!("--no-function-context", None, |a, _| {
        a.options.line.function_context = false;
        Ok(())
    }),
    flag!("--minimal", None, |a, _| {
        a.options.line.algorithm = Algorithm::Minimal;
        Ok(())
    }),
    flag!("--histogram", None, |a, _| {
        a.options.line.algorithm = Algorithm::Histogram;
        Ok(())
    }),
    flag!("--patience", None, |a, _| {
        a.options.line.algorithm = Algorithm::Patience;
        Ok(())
    }),
    flag!("--diff-algorithm", Required, |a, v| {
        a.options.line.algorithm =
            api::parse_algorithm(v.unwrap_or("")).ok_or_else(|| invalid("--diff-algorithm"))?;
        Ok(())
    }),
    flag!("--indent-heuristic", None, |a, _| {
        a.options.line.indent_heuristic = true;
        Ok(())
    }),
    flag!("--no-indent-heuristic", None, |a, _| {
        a.options.line.indent_heuristic = false;
        Ok(())
    }),
    flag!("-w", None, |a, _| a.whitespace(Whitespace::IgnoreAllSpace)),
    flag!("--ignore-all-space", None, |a, _| a
        .whitespace(Whitespace::IgnoreAllSpace)),
    flag!("-b", None, |a, _| a
        .whitespace(Whitespace::IgnoreSpaceChange)),
    flag!("--ignore-space-change", None, |a, _| a
        .whitespace(Whitespace::IgnoreSpaceChange)),
    flag!("--ignore-space-at-eol", None, |a, _| a
        .whitespace(Whitespace::IgnoreSpaceAtEol)),
    flag!("--ignore-cr-at-eol", None, |a, _| a
        .whitespace(Whitespace::IgnoreCrAtEol)),
    flag!("--ignore-blank-lines", None, |a, _| {
        a.options.line.ignore_blank_lines = true;
        Ok(())
    }),
    flag!("--unified", Required, unified),
    flag!("-U", AttachedOrNext, unified),
    flag!("--inter-hunk-context", Required, |a, v| {
        a.options.line.inter_hunk_context = context_number("--inter-hunk-context", v)?;
        Ok(())
    }),
    flag!("--no-prefix", None, |a, _| {
        a.options.src_prefix.clear();
        a.options.dst_prefix.clear();
        Ok(())
    }),
    flag!("--default-prefix", None, |a, _| {
        a.options.src_prefix = b"a/".to_vec();
        a.options.dst_prefix = b"b/".to_vec();
        Ok(())
    }),
    flag!("--src-prefix", Required, |a, v| {
        a.options.src_prefix = super::arg_bytes(v.unwrap_or("")).into_owned();
        Ok(())
    }),
    flag!("--dst-prefix", Required, |a, v| {
        a.options.dst_prefix = super::arg_bytes(v.unwrap_or("")).into_owned();
        Ok(())
    }),
    flag!("--stat", Optional, |a, v| {
        section(a, Sections::STAT)?;
        let Some(v) = v else { return Ok(()) };
        let mut parts = v.split(',');
        let num = |v: Option<&str>| -> Result<Option<usize>, Fatal> {
            match v {
                None | Some("") => Ok(None),
                Some(v) => v.parse().map(Some).map_err(|_| invalid("--stat")),
            }
        };
        if let Some(w) = num(parts.next())? {
            a.options.stat.width = w;
            a.stat_width_given = true;
        }
        if let Some(n) = num(parts.next())? {
            a.options.stat.name_width = Some(n);
        }
        if let Some(c) = num(parts.next())? {
            a.options.stat.count = Some(c);
        }
        Ok(())
    }),
    flag!("--stat-width", Required, |a, v| {
        section(a, Sections::STAT)?;
        a.options.stat.width = stat_number("--stat-width", v)?;
        a.stat_width_given = true;
        Ok(())
    }),
    flag!("--stat-name-width", Required, |a, v| {
        section(a, Sections::STAT)?;
        a.options.stat.name_width = Some(stat_number("--stat-name-width", v)?);
        Ok(())
    }),
    flag!("--stat-graph-width", Required, |a, v| {
        section(a, Sections::STAT)?;
        a.options.stat.graph_width = Some(stat_number("--stat-graph-width", v)?);
        Ok(())
    }),
    flag!("--stat-count", Required, |a, v| {
        section(a, Sections::STAT)?;
        a.options.stat.count = Some(stat_number("--stat-count", v)?);
        Ok(())
    }),
    flag!("--compact-summary", None, |a, _| {
        a.options.compact_summary = true;
        section(a, Sections::STAT)?;
        Ok(())
    }),
    flag!("--no-compact-summary", None, |a, _| {
        a.options.compact_summary = false;
        Ok(())
    }),
    flag!("--dirstat", Optional, |a, v| dirstat(a, v.unwrap_or(""))),
    flag!("-X", Attached, |a, v| dirstat(a, v.unwrap_or(""))),
    flag!("--cumulative", None, |a, _| dirstat(a, "cumulative")),
    flag!("--dirstat-by-file", Optional, |a, v| {
        dirstat(a, "files")?;
        dirstat(a, v.unwrap_or(""))
    }),
    flag!("--word-diff", Optional, |a, v| {
        use crate::diff::words::WordDiffMode;
        match v {
            None => {
                a.options.word_diff.get_or_insert(WordDiffMode::Plain);
            }
            Some(v) => {
                a.options.word_diff = WordDiffMode::parse(v)
                    .map_err(|bad| Fatal::usage(format!("bad --word-diff argument: {bad}")))?;
                if a.options.word_diff == Some(WordDiffMode::Color) {
                    a.color = ColorWhen::Always;
                }
            }
        }
        Ok(())
    }),
    flag!("--word-diff-regex", Required, |a, v| {
        a.options
            .word_diff
            .get_or_insert(crate::diff::words::WordDiffMode::Plain);
        a.options.word_regex = v.map(|v| super::arg_bytes(v).into_owned());
        Ok(())
    }),
    flag!("--color-words", Optional, |a, v| {
        a.options.word_diff = Some(crate::diff::words::WordDiffMode::Color);
        a.color = ColorWhen::Always;
        a.options.word_regex = match v {
            Some(v) => Some(super::arg_bytes(v).into_owned()),
            None => a.config_word_regex.clone(),
        };
        Ok(())
    }),
    flag!("-r", None, |_, _| Ok(())),
    flag!("--no-color", None, |a, _| {
        a.color = ColorWhen::Never;
        Ok(())
    }),
    flag!("--color", Optional, |a, v| {
        a.color = match v {
            None => ColorWhen::Always,
            Some(v) => ColorWhen::parse(v).ok_or_else(|| {
                Fatal::usage("option `color' expects \"always\", \"auto\", or \"never\"")
            })?,
        };
        Ok(())
    }),
    flag!("-S", AttachedOrNext, |a, v| {
        a.pickaxe.string = Some(v.ok_or_else(|| requires("S"))?.to_string());
        Ok(())
    }),
    flag!("-G", AttachedOrNext, |a, v| {
        a.pickaxe.grep = Some(v.ok_or_else(|| requires("G"))?.to_string());
        Ok(())
    }),
    flag!("--find-object", Required, |a, v| {
        a.pickaxe.objects.push(v.unwrap_or("").to_string());
        Ok(())
    }),
    flag!("--pickaxe-regex", None, |a, _| {
        a.pickaxe.regex = true;
        Ok(())
    }),
    flag!("--pickaxe-all", None, |a, _| {
        a.pickaxe.all = true;
        Ok(())
    }),
    flag!("-i", None, |a, _| {
        a.pickaxe.ignore_case = true;
        Ok(())
    }),
    flag!("--regexp-ignore-case", None, |a, _| {
        a.pickaxe.ignore_case = true;
        Ok(())
    }),
    flag!("--no-ext-diff", None, |_, _| Ok(())),
    flag!("--no-textconv", None, |_, _| Ok(())),
];

/// `--dirstat=<params>` and its synonyms: git dies on a wrong parameter.
fn dirstat(a: &mut DiffArgs, params: &str) -> Result<(), Fatal> {
    a.options.dirstat.apply(params).map_err(|errors| {
        Fatal::new(format!(
            "Failed to parse --dirstat/-X option parameter:\n{errors}"
        ))
    })?;
    section(a, Sections::DIRSTAT)?;
    Ok(())
}

/// git's error for a short option without its value.
fn requires(short: &str) -> Fatal {
    Fatal::usage(format!("switch `{short}' requires a value"))
}

fn unified(a: &mut DiffArgs, v: Option<&str>) -> Result<(), Fatal> {
    let shown = format!("-U{}", v.unwrap_or(""));
    a.options.line.context = context_number(&shown, v)?;
    section(a, Sections::PATCH)?;
    Ok(())
}

fn find_renames(a: &mut DiffArgs, v: Option<&str>) -> Result<(), Fatal> {
    let (score, rest) = crate::diff::rename::parse_rename_score(v.unwrap_or(""));
    if !rest.is_empty() {
        return Err(invalid("find-renames"));
    }
    a.options.rename_score = score;
    a.options.detect = Detect::Renames;
    Ok(())
}

fn find_copies(a: &mut DiffArgs, v: Option<&str>) -> Result<(), Fatal> {
    let (score, rest) = crate::diff::rename::parse_rename_score(v.unwrap_or(""));
    if !rest.is_empty() {
        return Err(invalid("find-copies"));
    }
    a.options.rename_score = score;
    if a.options.detect == Detect::Copies {
        a.options.copies_harder = true;
    } else {
        a.options.detect = Detect::Copies;
    }
    Ok(())
}

fn break_rewrites(a: &mut DiffArgs, v: Option<&str>) -> Result<(), Fatal> {
    a.options.breaks = Some(
        crate::diff::rename::parse_break_scores(v.unwrap_or(""))
            .ok_or_else(|| invalid("break-rewrites"))?,
    );
    Ok(())
}

/// Flags git has that oxgit refuses (rather than print something else).
const REFUSED: &[&str] = &["--color-moved"];

/// Parses `args[*i]` if it is a diff flag (advancing `*i` past a separate value);
/// returns whether it was one.
pub fn parse_flag(a: &mut DiffArgs, args: &[String], i: &mut usize) -> Result<bool, Fatal> {
    let arg = args[*i].as_str();
    if let Some(r) = REFUSED
        .iter()
        .find(|r| arg == **r || arg.starts_with(&format!("{r}=")))
    {
        return Err(Fatal::new(format!("{r}: not yet supported")));
    }
    for f in FLAGS {
        let value: Option<Option<&str>> = match f.value {
            Value::None => (arg == f.name).then_some(None),
            Value::Optional => {
                if arg == f.name {
                    Some(None)
                } else {
                    arg.strip_prefix(f.name)
                        .and_then(|r| r.strip_prefix('='))
                        .map(Some)
                }
            }
            Value::Required => {
                if arg == f.name {
                    *i += 1;
                    let v = args.get(*i).map(String::as_str).ok_or_else(|| {
                        Fatal::usage(format!(
                            "option `{}' requires a value",
                            f.name.trim_start_matches('-')
                        ))
                    })?;
                    Some(Some(v))
                } else {
                    arg.strip_prefix(f.name)
                        .and_then(|r| r.strip_prefix('='))
                        .map(Some)
                }
            }
            Value::Attached => arg
                .strip_prefix(f.name)
                .map(|r| (!r.is_empty()).then_some(r)),
            Value::AttachedOrNext => match arg.strip_prefix(f.name) {
                Some("") => {
                    *i += 1;
                    Some(args.get(*i).map(String::as_str))
                }
                Some(r) => Some(Some(r)),
                None => None,
            },
        };
        if let Some(v) = value {
            (f.apply)(a, v)?;
            return Ok(true);
        }
    }
    Ok(false)
}
