//! The command table and what is built from it: the top-level usage, `<command> -h`
//! (usage on standard output, exit 129, as git's option parser does), `help <command>` /
//! `<command> --help` (a page of what oxgit supports), and git's "did you mean" for
//! unknown commands.

/// One subcommand.
pub(super) struct Command {
    /// Its name.
    pub name: &'static str,
    /// One line of description, for the command list.
    pub summary: &'static str,
    /// The usage text `-h` prints.
    pub usage: &'static str,
    /// What oxgit supports of it, for `help <command>`.
    pub supports: &'static str,
    /// One of git's common commands (`git help`'s list): an unknown command that is a
    /// prefix of one is suggested first, as git does.
    pub common: bool,
}

/// Every subcommand, in the order the usage lists them.
pub(super) const COMMANDS: &[Command] = &[
    Command {
        name: "cat-file",
        summary: "Show the contents, type or size of objects",
        usage: super::cat_file::USAGE,
        supports: "-t, -s, -p, -e, <type> <object>, --batch[=<format>], --batch-check[=<format>], --batch-all-objects, --unordered, -Z",
        common: false,
    },
    Command {
        name: "log",
        summary: "Show commit history",
        usage: "usage: oxgit log [<options>] [<revision-range>] [[--] <path>...]\n",
        supports: "every pretty format and placeholder, --date, .mailmap, notes, --decorate, --decorate-refs/--decorate-refs-exclude/--clear-decorations and log.excludeDecoration/log.initialDecorationSet, the filters --author/--committer/--grep/--since/--until/--merges/--no-merges/--min-parents/--max-parents/--skip/--reverse/-n/--first-parent, ranges (A..B, ^A, A...B, A^@, A^!, A^-<n>, --not, --all, --branches, --tags, --remotes, --glob), paths with git's history simplification (--full-history, --dense/--sparse, --simplify-merges, --ancestry-path[=<commit>], --show-pulls; parent rewriting for --graph, --parents and %p/%P), --parents and --children (on the commit line of every built-in format, abbreviated as the id), --simplify-by-decoration (commits the decorating refs point to, with parent rewriting; with paths, --graph, --parents, orders, the decoration filters), --topo-order/--date-order, --graph (git's drawing with every format and diff, colours and log.graphColors), --boundary (not with --first-parent), --left-right (marks in every format, %m, --graph), --left-only/--right-only, --cherry-pick/--cherry-mark/--cherry (git's patch ids), --no-walk[=sorted|unsorted]/--do-walk, --source and %S, --exclude=<glob> before --all/--branches/--tags/--remotes/--glob, --full-diff, --author-date-order, every diff option of `oxgit diff`, diffs of merges (-m, -c, --cc, --dd, --diff-merges=<format>, --no-diff-merges, --combined-all-paths, log.diffMerges), --follow <path>, the pickaxe (-S, -G, --find-object, --pickaxe-regex, --pickaxe-all, -i also for -S/-G; commits whose diff keeps no pair are not shown); -L <start>,<end>:<file> and -L :<funcname>:<file> (numbers, +/-<n>, /<regex>/, git's default function-name rule, several ranges of one file; linear history, and merges through the parent that leaves the lines alone; -p, -s, -n, --skip, colours); refused: --graph with --follow, --simplify-by-decoration with --first-parent, --follow, -L, --full-diff, grafts or replace refs, --no-walk with paths or --simplify-by-decoration, -L with --parents/--children, --merges/--min-parents with rewritten parents, --graph --first-parent with paths and --full-history/--simplify-merges/--ancestry-path/-m, --boundary with --simplify-merges and commit filters, -L on several files, -L through a merge that changed the lines against every parent or with commit filters, -S/-G/--find-object with --follow, --remerge-diff, -c/--cc with -R, --follow with --skip/--reverse, --left-right/--left-only/--right-only/--cherry-*/--source with paths or --simplify-by-decoration, --author-date-order with paths, --simplify-by-decoration or --boundary, --full-diff with rewritten parents, --exclude-hidden",
        common: true,
    },
    Command {
        name: "rev-parse",
        summary: "Pick out and massage parameters (revisions, repository paths)",
        usage: "usage: oxgit rev-parse [<options>] [<arg>...]\n",
        supports: "revisions in git's syntax (refs, ~n, ^n, ^{}, ^{type}, rev:path, :path, :<n>:path, :/re, @{n}, @{-n}, @{u}), --verify, -q, --short, --abbrev-ref, --symbolic-full-name, --all/--branches/--tags, --git-dir, --show-toplevel and the other repository queries",
        common: false,
    },
    Command {
        name: "show",
        summary: "Show commits (with their diff), tags, trees and blobs",
        usage: "usage: oxgit show [<options>] <object>...\n",
        supports: "commits with their patch (or --stat, --name-status, -s and every diff option), annotated tags (tags of tags), trees, blobs, rev:path, :path, several objects, --format/--pretty/--oneline, merges as --cc (or -m, -c, --first-parent, --diff-merges=<format>, --combined-all-paths), ref listings (--all, --branches, --tags, --remotes, --glob, --exclude), commit filters and --skip on the commits given, paths (commits that leave them alone are not shown), --parents; ranges, excluded revisions, -n and --do-walk walk as log does (with show's patch and --cc defaults, --graph, orders, filters, paths); refused: --boundary, walk and simplification options (--left-right, --cherry-*, --source, --full-diff, --full-history, --simplify-merges...) without a range, --parents with paths without a range, --remerge-diff",
        common: true,
    },
    Command {
        name: "rev-list",
        summary: "List commit objects in reverse chronological order",
        usage: "usage: oxgit rev-list [<options>] <commit>... [--] [<path>...]\n",
        supports: "ranges (also A^@, A^!, A^-<n>), --not, --all/--branches/--tags/--remotes/--glob, --count, --parents (rewritten to the nearest listed ancestors with paths), --children, --simplify-by-decoration (commits any ref or HEAD points to, with parent rewriting), --reverse, -n, --skip, --since/--until, --author/--committer/--grep, --first-parent, --merges/--no-merges, --topo-order/--date-order, --graph, --boundary (not with --objects or --first-parent), --left-right (with --count too), --left-only/--right-only, --cherry-pick/--cherry-mark/--cherry, --no-walk[=sorted|unsorted]/--do-walk, --exclude=<glob>, --author-date-order, paths with git's history simplification (--full-history, --dense/--sparse, --simplify-merges, --ancestry-path[=<commit>], --show-pulls), --objects, --format/--pretty/--oneline, --abbrev-commit; refused: --simplify-by-decoration with --first-parent, grafts or replace refs, --no-walk with paths or --simplify-by-decoration, --merges/--min-parents with rewritten parents, --graph --first-parent with paths and --full-history/--simplify-merges/--ancestry-path, --left-right/--cherry-* with paths, --simplify-by-decoration or --objects, --exclude-hidden",
        common: false,
    },
    Command {
        name: "diff-tree",
        summary: "Compare two trees, or show what commits changed",
        usage: "usage: oxgit diff-tree [<options>] <tree-ish> [<tree-ish>] [<path>...]\n",
        supports: "two trees, a commit against its parents (--root, -m), merges combined (-c, --cc, --combined-all-paths), -r, -t, -p and every diff option, -s, --no-commit-id, --stdin",
        common: false,
    },
    Command {
        name: "diff",
        summary: "Show changes between commits, the index and the work tree",
        usage: "usage: oxgit diff [<options>] [<commit>] [--] [<path>...]\n   or: oxgit diff [<options>] --cached [--merge-base] [<commit>] [--] [<path>...]\n   or: oxgit diff [<options>] [--merge-base] <commit> <commit> [--] [<path>...]\n   or: oxgit diff [<options>] <commit>...<commit> [--] [<path>...]\n   or: oxgit diff [<options>] <blob> <blob>\n",
        supports: "patch, --raw, --name-only, --name-status, --numstat, --stat, --shortstat, --summary, --compact-summary, --dirstat[=changes|lines|files,cumulative,<limit>]/-X/--cumulative/--dirstat-by-file (diff.dirstat), --word-diff[=plain|color|porcelain|none], --word-diff-regex, --color-words[=<regex>] (diff.wordRegex), --check (core.whitespace), -z, -M/-C/-B/--find-copies-harder/--no-renames/-l, --diff-filter, -R, -U, --inter-hunk-context, -W, the pickaxe (-S<string>, -G<regex>, --find-object=<object>, --pickaxe-regex, --pickaxe-all, -i/--regexp-ignore-case; -G skips binary files), the line algorithms, whitespace options, --abbrev, --full-index, prefixes, --format=json|ndjson, and the diff.* / core.* config keys git honours; --color[=<when>]/--no-color with color.ui/color.diff/color.diff.<slot> and whitespace errors (core.whitespace), a pager on a terminal; refused: --no-index, --color-moved",
        common: true,
    },
    Command {
        name: "merge-base",
        summary: "Find the best common ancestors of commits",
        usage: "usage: oxgit merge-base [-a | --all] <commit> <commit>...\n   or: oxgit merge-base [-a | --all] --octopus <commit>...\n   or: oxgit merge-base --is-ancestor <commit> <commit>\n   or: oxgit merge-base --independent <commit>...\n",
        supports: "--all, --octopus, --is-ancestor, --independent; refused: --fork-point",
        common: false,
    },
    Command {
        name: "ls-tree",
        summary: "List the contents of a tree object",
        usage: super::ls_tree::USAGE,
        supports: "-r, -t, -d, -l, -z, --name-only, --name-status, --object-only, --format, --abbrev, --full-name, --full-tree, pathspecs",
        common: false,
    },
    Command {
        name: "describe",
        summary: "Give an object a human readable name based on an available ref",
        usage: super::describe::USAGE,
        supports: "commit-ishes (default HEAD), --tags, --all, --long, --abbrev, --always, --exact-match, --candidates, --match, --exclude, --first-parent, --dirty[=<mark>]; refused: --contains, --broken, --debug, blobs",
        common: false,
    },
    Command {
        name: "config",
        summary: "Get repository or global options",
        usage: super::config::USAGE,
        supports: "reading only: <name>, --get, --get-all, --get-regexp, -l/--list, and git 2.46's `config get [--all] [--regexp] [--show-names]` and `config list`; --global, --system, --local, -f/--file; --bool, --int, --bool-or-int, --path, --type=<those>; --default, -z, --name-only, --show-origin, --show-scope; refused: every write (set, unset, --add, --replace-all, --edit, sections), value patterns, --fixed-value, --worktree, --blob, --includes with a file option, --no-includes, --type=color/expiry-date/bool-or-str, --get-urlmatch, --get-color",
        common: false,
    },
    Command {
        name: "cherry",
        summary: "Find commits yet to be applied to upstream",
        usage: super::cherry::USAGE,
        supports: "[<upstream> (default: the branch's upstream) [<head> [<limit>]]], -v, --abbrev[=<n>]; git's stable patch ids, merges skipped",
        common: false,
    },
    Command {
        name: "remote",
        summary: "Manage set of tracked repositories",
        usage: super::remote::USAGE,
        supports: "listing only: remote, -v (url.<base>.insteadOf and pushInsteadOf applied, partialclonefilter), get-url [--push] [--all]; refused: add, rename, remove, set-head, prune, update, set-branches, set-url (oxgit never writes) and show (it contacts the remote), remotes in $GIT_DIR/remotes or branches",
        common: false,
    },
    Command {
        name: "shortlog",
        summary: "Summarize 'git log' output",
        usage: super::shortlog::USAGE,
        supports: "revisions, ranges, paths and the walk options of rev-list, -s, -n, -e, -c/--committer, --group=author|committer|format:<format> (several), -w[<width>[,<indent1>[,<indent2>]]], --format=<format> for the lines, .mailmap; a `git log` read from standard input when no revision is given and standard input is not a terminal; refused: --group=trailer:<key>, --graph, --boundary",
        common: false,
    },
    Command {
        name: "show-ref",
        summary: "List references in a local repository",
        usage: super::show_ref::USAGE,
        supports: "patterns, --heads/--branches, --tags, --head, -d, -s/--hash, --abbrev, --verify, -q, --exists, --exclude-existing",
        common: false,
    },
    Command {
        name: "branch",
        summary: "List branches",
        usage: super::branch::USAGE,
        supports: "listing local (default), remote-tracking (-r) or all (-a) branches, patterns (--list <pattern>...), -v/-vv (ids, subjects, upstreams with ahead/behind, worktree paths), the detached HEAD line, branches checked out in other worktrees (+), --show-current, --contains/--no-contains, --merged/--no-merged, --points-at, --sort (branch.sort), --format, -i, --abbrev/--no-abbrev, --omit-empty, colours (color.branch, color.branch.<slot>) and a pager on a terminal; refused: creating, deleting, renaming, copying branches, upstream changes, --edit-description, column output (--column, column.ui/column.branch), the detached HEAD of a rebase or bisect",
        common: true,
    },
    Command {
        name: "tag",
        summary: "List tags",
        usage: super::tag::USAGE,
        supports: "listing tags (-l, patterns), -n<num> (message lines), --contains/--no-contains, --merged/--no-merged, --points-at, --sort (tag.sort, version:refname), --format, -i, --omit-empty, the pager on a terminal; refused: creating, deleting and verifying tags, column output (--column, column.ui/column.tag), --color",
        common: true,
    },
    Command {
        name: "for-each-ref",
        summary: "Output information on each ref",
        usage: super::for_each_ref::USAGE,
        supports: "--format with git's ref-filter atoms, --shell/--perl/--python/--tcl, --sort, --count, --points-at, --merged/--no-merged, --contains/--no-contains, --exclude, --ignore-case, --stdin, --omit-empty",
        common: false,
    },
    Command {
        name: "blame",
        summary: "Show what revision and author last modified each line of a file",
        usage: super::blame::USAGE,
        supports: "default format, -p, --line-porcelain, -c, -L, -l, -s, -e, -n, -f, -t, -b, --root, -w, --abbrev, --minimal, --diff-algorithm, --first-parent, --date, .mailmap, -M, -C",
        common: false,
    },
    Command {
        name: "status",
        summary: "Show the working tree status",
        usage: "usage: oxgit status [<options>] [--] [<pathspec>...]\n",
        supports: "the long format, -s, -b, --porcelain[=v1|v2], --show-stash, -z, -u[no|normal|all], --ignored[=traditional|matching|no], --no-renames/--find-renames, pathspecs; oxgit never writes the index",
        common: true,
    },
    Command {
        name: "ls-files",
        summary: "Show files in the index and the working tree",
        usage: "usage: oxgit ls-files [<options>] [<file>...]\n",
        supports: "-c, -s, -u, -m, -d, -o, -i, --exclude-standard, --directory, --no-empty-directory, --full-name, --error-unmatch, -z, pathspecs",
        common: false,
    },
    Command {
        name: "changes",
        summary: "The changes between two revisions (or of one commit) as JSON",
        usage: "usage: oxgit changes <from> [<to>] [--] [<path>...]\n",
        supports: "JSON documents of the library (see the README); the diff options of `oxgit diff` that choose what changed",
        common: false,
    },
    Command {
        name: "stats",
        summary: "Their totals as JSON (files, additions, deletions, changes)",
        usage: "usage: oxgit stats <from> [<to>] [--] [<path>...]\n",
        supports: "JSON documents of the library (see the README)",
        common: false,
    },
    #[cfg(feature = "server")]
    Command {
        name: "serve",
        summary: "Serve the change APIs over HTTP (Azure DevOps, OpenHands, ...; see the README)",
        usage: super::serve::USAGE,
        supports: "--root, --listen, --config, --insecure",
        common: false,
    },
    #[cfg(feature = "server")]
    Command {
        name: "mr",
        summary: "Merge requests stored in the repository (create, list, show, update, close)",
        usage: super::mr::USAGE,
        supports: "create, list, show, update, close, register",
        common: false,
    },
    Command {
        name: "help",
        summary: "Show this list, or what oxgit supports of a command",
        usage: "usage: oxgit help [<command>]\n",
        supports: "oxgit help, oxgit help <command>, oxgit <command> --help",
        common: true,
    },
    Command {
        name: "version",
        summary: "Show the oxgit version",
        usage: "usage: oxgit version\n",
        supports: "oxgit version, oxgit --version",
        common: false,
    },
];

/// The synopsis of the global options (the first lines of the top-level usage).
pub(super) const GLOBAL_USAGE: &str = "\
usage: oxgit [-v | --version] [-h | --help] [-C <path>] [-c <name>=<value>]
             [-p | --paginate | -P | --no-pager] [--no-optional-locks]
             [--git-dir=<path>] [--work-tree=<path>]
             <command> [<args>]
";

/// The usage text of `c` as `-h` prints it (ending in a newline).
pub(super) fn usage(c: &Command) -> String {
    let mut s = c.usage.to_string();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// The command named `name`.
pub(super) fn command(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The top-level help: the global synopsis and the command list.
pub(super) fn overview() -> String {
    let mut s = String::from(GLOBAL_USAGE);
    s.push_str(
        "\nWith no command, shows the last commit of the repository you stand in and its\n\
         diffstat (`oxgit log -1 --stat`). Output is identical to git 2.47's; what oxgit\n\
         does not implement is refused with a message, never guessed. On a terminal it\n\
         colours and pages as git does (color.ui, color.<command>, --color; GIT_PAGER,\n\
         pager.<command>, core.pager, PAGER, less with LESS=FRX; -p/-P). Arguments,\n\
         paths, patterns and format strings are bytes as in git: they need not be UTF-8.\n\n\
         Commands:\n",
    );
    for c in COMMANDS {
        s.push_str(&format!("   {:<13}{}\n", c.name, c.summary));
    }
    s.push_str(
        "\n'oxgit help <command>' or 'oxgit <command> --help' tells what oxgit supports of it.\n",
    );
    s
}

/// The page `help <command>` prints.
pub(super) fn page(c: &Command) -> String {
    let mut s = String::from(c.usage.trim_end_matches('\n'));
    s.push_str(&format!("\n\n{}\n\nSupported: ", c.summary));
    s.push_str(c.supports);
    s.push_str(".\n");
    s
}

/// What git prints for an unknown command (with `oxgit` for `git`): the message and,
/// when a command is close enough, git's suggestions.
pub(super) fn unknown_command(cmd: &str) -> String {
    let mut s = format!("oxgit: '{cmd}' is not an oxgit command. See 'oxgit --help'.\n");
    let similar = most_similar(cmd);
    if !similar.is_empty() {
        s.push_str(if similar.len() == 1 {
            "\nThe most similar command is\n"
        } else {
            "\nThe most similar commands are\n"
        });
        for name in similar {
            s.push_str(&format!("\t{name}\n"));
        }
    }
    s
}

/// git's `help_unknown_cmd` ranking: a common command the input is a prefix of scores
/// 0, every other command its weighted edit distance + 1 (swap 0, substitution 2,
/// insertion 1, deletion 3). git suggests the prefix matches together with the best
/// non-zero group, and only when that group's score is below 7.
fn most_similar(cmd: &str) -> Vec<&'static str> {
    const SIMILARITY_FLOOR: usize = 7;
    let mut scored: Vec<(usize, &'static str)> = COMMANDS
        .iter()
        .map(|c| {
            let score = if c.common && c.name.starts_with(cmd) {
                0
            } else {
                edit_distance(cmd.as_bytes(), c.name.as_bytes()) + 1
            };
            (score, c.name)
        })
        .collect();
    scored.sort();
    let prefixes = scored.iter().take_while(|&&(s, _)| s == 0).count();
    let Some(&(best, _)) = scored.get(prefixes) else {
        // Everything is a prefix match: too ambiguous to suggest.
        return Vec::new();
    };
    if best >= SIMILARITY_FLOOR {
        return Vec::new();
    }
    let group = scored[prefixes..]
        .iter()
        .take_while(|&&(s, _)| s == best)
        .count();
    scored[..prefixes + group].iter().map(|&(_, n)| n).collect()
}

/// The weighted edit distance git's suggestions use, turning `from` into `to`: an adjacent
/// swap costs 0, a substitution 2, an insertion 1, a deletion 3.
fn edit_distance(from: &[u8], to: &[u8]) -> usize {
    const SWAP: usize = 0;
    const SUBSTITUTE: usize = 2;
    const INSERT: usize = 1;
    const DELETE: usize = 3;
    // Three rows of the table: two rows back (for swaps), the previous one, this one.
    let mut before: Vec<usize> = vec![0; to.len() + 1];
    let mut prev: Vec<usize> = (0..=to.len()).map(|j| j * INSERT).collect();
    let mut row: Vec<usize> = vec![0; to.len() + 1];
    for i in 0..from.len() {
        row[0] = (i + 1) * DELETE;
        for j in 0..to.len() {
            let mut best = prev[j] + if from[i] == to[j] { 0 } else { SUBSTITUTE };
            if i > 0 && j > 0 && from[i - 1] == to[j] && from[i] == to[j - 1] {
                best = best.min(before[j - 1] + SWAP);
            }
            best = best.min(prev[j + 1] + DELETE);
            best = best.min(row[j] + INSERT);
            row[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    prev[to.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_weights() {
        assert_eq!(edit_distance(b"log", b"log"), 0);
        assert_eq!(edit_distance(b"lgo", b"log"), 0, "an adjacent swap is free");
        assert_eq!(edit_distance(b"lo", b"log"), 1, "an insertion costs 1");
        assert_eq!(edit_distance(b"logg", b"log"), 3, "a deletion costs 3");
        assert_eq!(edit_distance(b"lag", b"log"), 2, "a substitution costs 2");
    }

    #[test]
    fn suggestions() {
        assert_eq!(most_similar("stauts"), vec!["status"]);
        // A prefix of a common command comes first, then the best group of the others
        // (git lists both)…
        assert_eq!(most_similar("sta"), vec!["status", "stats"]);
        assert_eq!(most_similar("lo")[0], "log");
        // …and only if that group is close enough: "config" scores 6 for "dif", under the
        // floor of 7, so git 2.47 lists it after "diff" too.
        assert_eq!(most_similar("dif"), vec!["diff", "config"]);
        assert!(most_similar("remot").contains(&"remote"));
        assert!(most_similar("xyzzy").is_empty());
    }

    #[test]
    fn every_command_has_usage() {
        for c in COMMANDS {
            assert!(
                c.usage.starts_with(&format!("usage: oxgit {}", c.name)),
                "{}",
                c.name
            );
        }
    }
}
