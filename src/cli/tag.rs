//! `oxgit tag`: the listing side of git 2.47's `git tag` (`-l` and patterns, `-n<num>`,
//! the ref filters, `--sort`/`tag.sort`, `--format`, `-i`, `--omit-empty`), through the
//! ref-filter pipeline `for-each-ref` uses, with the format git builds for it. Creating,
//! deleting and verifying tags are refused: oxgit never writes a repository.

use super::for_each_ref::{
    columns_wanted, computed, parse_format, print, refuse_write, select, sort_keys,
    with_lastarg_default, Filter,
};
use super::options::{self, fixed, flag, optional, value, Spec};
use super::{Context, Fatal};
use crate::refs::format::Quote;
use crate::refs::Refs;

pub(super) const USAGE: &str =
    "usage: oxgit tag [-a | -s | -u <key-id>] [-f] [-m <msg> | -F <file>] [-e]
               [(--trailer <token>[(=|:)<value>])...]
               <tagname> [<commit> | <object>]
   or: oxgit tag -d <tagname>...
   or: oxgit tag [-n[<num>]] -l [--contains <commit>] [--no-contains <commit>]
               [--points-at <object>] [--column[=<options>] | --no-column]
               [--create-reflog] [--sort=<key>] [--format=<format>]
               [--merged <commit>] [--no-merged <commit>] [<pattern>...]
   or: oxgit tag -v [--format=<format>] <tagname>...

    -l, --list            list tag names
    -n[<n>]               print <n> lines of each tag message
    -d, --delete          delete tags
    -v, --verify          verify tags

Tag creation options
    -a, --[no-]annotate   annotated tag, needs a message
    -m, --message <message>
                          tag message
    -F, --[no-]file <file>
                          read message from file
    --trailer <trailer>   add custom trailer(s)
    -e, --[no-]edit       force edit of tag message
    -s, --[no-]sign       annotated and GPG-signed tag
    --[no-]cleanup <mode> how to strip spaces and #comments from message
    -u, --[no-]local-user <key-id>
                          use another key to sign the tag
    -f, --[no-]force      replace the tag if exists
    --[no-]create-reflog  create a reflog

Tag listing options
    --[no-]column[=<style>]
                          show tag list in columns
    --contains <commit>   print only tags that contain the commit
    --no-contains <commit>
                          print only tags that don't contain the commit
    --merged <commit>     print only tags that are merged
    --no-merged <commit>  print only tags that are not merged
    --[no-]omit-empty     do not output a newline after empty formatted refs
    --[no-]sort <key>     field name to sort on
    --[no-]points-at <object>
                          print only tags of the object
    --[no-]format <format>
                          format to use for the output
    --[no-]color[=<when>] respect format colors
    -i, --[no-]ignore-case
                          sorting and filtering are case insensitive

";

const SPECS: &[Spec] = &[
    flag(Some('l'), "list"),
    optional(Some('n'), ""),
    flag(Some('d'), "delete"),
    flag(Some('v'), "verify"),
    flag(Some('a'), "annotate"),
    value(Some('m'), "message"),
    value(Some('F'), "file"),
    value(None, "trailer"),
    flag(Some('e'), "edit"),
    flag(Some('s'), "sign"),
    value(None, "cleanup"),
    value(Some('u'), "local-user"),
    flag(Some('f'), "force"),
    flag(None, "create-reflog"),
    optional(None, "column"),
    fixed(value(None, "contains")),
    fixed(value(None, "no-contains")),
    fixed(value(None, "merged")),
    fixed(value(None, "no-merged")),
    flag(None, "omit-empty"),
    value(None, "sort"),
    value(None, "points-at"),
    value(None, "format"),
    optional(None, "color"),
    flag(Some('i'), "ignore-case"),
];

/// Runs `tag`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let args = with_lastarg_default(&ctx.args);
    let parsed = match options::parse(&args, SPECS, false) {
        Ok(p) => p,
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let mut filter = Filter {
        short_patterns: true,
        prefixes: vec!["refs/tags/"],
        ..Filter::default()
    };
    let mut names: Vec<String> = Vec::new();
    let mut list = false;
    let mut lines: Option<i64> = None;
    let mut omit_empty = false;
    let mut format: Option<String> = None;
    let mut sort_given: Vec<String> = Vec::new();
    let mut column: Option<bool> = None;
    for p in parsed {
        let Some((name, value, negated)) = p.opt_or_arg(&mut names) else {
            continue;
        };
        let on = !negated;
        match name {
            "list" => list = on,
            // git's OPTION_INTEGER with an optional value: -n alone is one line.
            "n" => {
                lines = match value.as_deref() {
                    None => Some(1),
                    // git keeps -1 as "not given".
                    Some(v) => match options::parse_c_long(v) {
                        Some(-1) => None,
                        Some(n) => Some(n),
                        None => {
                            return Ok(options::usage_error(
                                "switch `n' expects a numerical value",
                                "",
                            ))
                        }
                    },
                }
            }
            "column" => column = Some(on && value.as_deref() != Some("never")),
            "omit-empty" => omit_empty = on,
            "sort" => match value {
                Some(v) => sort_given.push(v),
                None => sort_given.clear(),
            },
            "format" => format = value,
            "ignore-case" => filter.ignore_case = on,
            "color" => {
                if let Some(code) =
                    super::for_each_ref::format_color("tag", negated, value.as_deref())?
                {
                    return Ok(code);
                }
            }
            "points-at" | "merged" | "no-merged" | "contains" | "no-contains" => {
                if let Err(code) = filter.take_option(&repo, name, value)? {
                    return Ok(code);
                }
            }
            other => {
                let what = match other {
                    "delete" => "deleting tags",
                    "verify" => "verifying tags",
                    _ => "creating tags",
                };
                if on {
                    return Err(refuse_write("tag", what));
                }
            }
        }
    }
    // git: no arguments list; a filter or -n lists.
    if names.is_empty() || filter.filters_objects() || lines.is_some() {
        list = true;
    }
    if !list {
        return Err(refuse_write("tag", "creating tags"));
    }
    let config = repo.config();
    // With -n git turns configured columns off (and dies on --column).
    let columns = match lines {
        Some(_) => column == Some(true),
        None => columns_wanted(config, "tag", column),
    };
    if columns {
        return Err(Fatal::new(
            "tag: column output (--column, column.ui, column.tag) is not supported by oxgit yet",
        ));
    }
    filter.patterns = names;
    let format_text = match (format, lines) {
        (Some(f), _) => f,
        (None, Some(n)) if n != 0 => {
            format!("%(align:15)%(refname:lstrip=2)%(end) %(contents:lines={n})")
        }
        (None, _) => "%(refname:lstrip=2)".to_string(),
    };
    let mut format = match parse_format(&repo, &format_text, Quote::None, USAGE)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let keys = sort_keys(
        &repo,
        &mut format,
        &sort_given,
        Some("tag.sort"),
        filter.ignore_case,
    )?;
    let refs = Refs::new(&repo);
    let listed = select(&repo, &refs, &filter)?;
    let items = computed(&repo, &refs, &format, listed)?;
    print(ctx.out, items, &keys, &format, usize::MAX, omit_empty)?;
    Ok(0)
}
