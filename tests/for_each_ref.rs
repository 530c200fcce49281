//! `oxgit for-each-ref` against `git for-each-ref`: atoms, quoting, sorting, filters,
//! errors and exit status, on repositories with packed and loose refs, tags of tags,
//! upstreams and symbolic refs.

mod common;
use common::*;
use std::path::Path;

/// A fixed "now" (`GIT_TEST_DATE_NOW`, honoured by git and oxgit), a little after the
/// fixture's dates, so relative and human dates are deterministic.
const NOW: &str = "1700003600";

/// git and oxgit with `args`, the extra environment `env` and `NOW`: stdout, stderr and
/// exit status must be identical. Returns git's stdout.
fn same_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let mut env = env.to_vec();
    if !env.iter().any(|(k, _)| *k == "GIT_TEST_DATE_NOW") {
        env.push(("GIT_TEST_DATE_NOW", NOW));
    }
    assert_same_stderr_env(dir, args, &env)
}

/// Every `--date` mode git has, with and without `-local`.
const DATE_MODES: &[&str] = &[
    "default",
    "local",
    "relative",
    "iso",
    "iso8601",
    "iso-strict",
    "iso8601-strict",
    "rfc",
    "rfc2822",
    "short",
    "raw",
    "unix",
    "human",
    "default-local",
    "iso-local",
    "iso-strict-local",
    "rfc-local",
    "short-local",
    "raw-local",
    "unix-local",
    "human-local",
    "relative-local",
    "format:%Y-%m-%d %H:%M:%S %z %Z %a %b %e %j %s %%",
    "format-local:%c %Z %z %s",
    "format:",
    "auto:iso",
];

/// Formats covering every atom oxgit implements, with their modifiers.
const FORMATS: &[&str] = &[
    "%(refname)|%(refname:short)|%(refname:lstrip=2)|%(refname:lstrip=-1)|%(refname:rstrip=1)|%(refname:rstrip=-2)|%(refname:strip=1)|%(refname:lstrip=9)",
    "%(objectname)|%(objectname:short)|%(objectname:short=5)|%(objectname:short=1)|%(objecttype)|%(objectsize)",
    "%(*objectname)|%(*objecttype)|%(*objectsize)|%(*objectname:short)|%(*refname)|%(*subject)|%(*authorname)",
    "%(tree)|%(tree:short)|%(parent)|%(parent:short=6)|%(numparent)|%(object)|%(type)|%(tag)",
    "%(author)|%(authorname)|%(authoremail)|%(authoremail:trim)|%(authoremail:localpart)|%(authordate)",
    "%(committer)|%(committername)|%(committeremail:trim,localpart)|%(committerdate)|%(committerdate:raw)|%(committerdate:unix)",
    "%(tagger)|%(taggername)|%(taggeremail)|%(taggerdate)|%(taggerdate:raw)|%(creator)|%(creatordate)|%(creatordate:unix)|%(authordate:default)",
    "[%(subject)]",
    "[%(body)]",
    "[%(contents)]",
    "[%(contents:subject)]|[%(contents:body)]|[%(contents:signature)]|%(contents:size)",
    "[%(contents:lines=1)][%(contents:lines=2)][%(contents:lines=0)][%(contents:lines=9)]",
    "%(upstream)|%(upstream:short)|%(upstream:lstrip=2)|%(upstream:track)|%(upstream:trackshort)|%(upstream:track,nobracket)|%(upstream:remotename)|%(upstream:remoteref)",
    "%(push)|%(push:short)|%(push:track)|%(push:trackshort)|%(push:remotename)",
    "%(HEAD)%(refname)|%(symref)|%(symref:short)|%(flag)",
    "%(if)%(symref)%(then)sym %(symref)%(else)plain%(end) %(refname)",
    "%(if:equals=commit)%(objecttype)%(then)C%(else)%(if:notequals=tag)%(objecttype)%(then)other%(else)T%(end)%(end)",
    "%(if)%(upstream)%(then)%(upstream:track)%(end)|%(if) %(then)space%(end)",
    "%(align:20)%(refname:short)%(end)|%(align:30,right)%(objectname:short)%(end)|%(align:position=middle,width=17)%(objecttype)%(end)|",
    "%(align:5)%(refname)%(end)|%(align:width=12,left)%(if)%(symref)%(then)S%(else)-%(end)%(end)",
    "%% %xx %41%(refname)%0a%%(refname) 100%",
    "%(raw:size) %(*raw:size)",
    "%(color:red)%(refname)%(color:reset) %(color:bold blue ul)",
    "%(ahead-behind:main) %(ahead-behind:HEAD~2)",
    "",
];

fn for_each(dir: &std::path::Path, extra: &[&str]) {
    let mut args = vec!["for-each-ref"];
    args.extend_from_slice(extra);
    assert_same_stderr(dir, &args);
}

#[test]
fn every_atom_matches_git() {
    let dir = fixture("refs-format");
    for format in FORMATS {
        let f = format!("--format={format}");
        for_each(&dir, &[&f]);
    }
    for_each(&dir, &[]);
    for_each(
        &dir,
        &["--format=%(raw)", "refs/heads/main", "refs/tags/v1.2"],
    );
}

#[test]
fn quoting_styles_match_git() {
    let dir = fixture("refs-format");
    for style in ["--shell", "-s", "--perl", "-p", "--python", "--tcl"] {
        for format in [
            "%(refname) %(subject) %(body)",
            "x %(if)%(symref)%(then)%(symref)%(else)%(objecttype)%(end) %(align:15)%(refname:short)%(end)",
            "%(contents)",
        ] {
            for_each(&dir, &[style, "--format", format]);
        }
    }
    for_each(&dir, &["--perl", "--format=%(raw)"]);
}

#[test]
fn sorting_matches_git() {
    let dir = fixture("refs-format");
    for keys in [
        &["--sort=refname"][..],
        &["--sort=-refname"],
        &["--sort=objectname"],
        &["--sort=objecttype", "--sort=-objectsize"],
        &["--sort=version:refname"],
        &["--sort=-v:refname"],
        &["--sort=v:refname", "--sort=objecttype"],
        &["--sort=creatordate"],
        &["--sort=-committerdate"],
        &["--sort=taggerdate", "--sort=*authordate"],
        &["--sort=*subject"],
        &["--sort=upstream:track"],
        &["--sort=numparent", "--sort=-numparent"],
        &["--sort=authoremail"],
        &["--sort=refname", "--ignore-case"],
        &["--sort=-refname", "--ignore-case"],
        &["--ignore-case"],
        &["--sort=contents:size"],
        &["--sort=subject", "--no-sort"],
    ] {
        let mut args = keys.to_vec();
        args.push("--format=%(refname) %(objectname:short) %(*objectname:short)");
        for_each(&dir, &args);
    }
}

#[test]
fn filters_match_git() {
    let dir = fixture("refs-format");
    for args in [
        &["refs/heads"][..],
        &["refs/heads/"],
        &["refs/head"],
        &["refs/tags/v1*"],
        &["refs/*/main"],
        &["refs/tags/v1.2", "refs/remotes"],
        &["refs/heads/ALPHA", "--ignore-case"],
        &["REFS/TAGS", "--ignore-case"],
        &["--exclude=refs/tags", "--exclude=refs/remotes/*/HEAD"],
        &["refs/heads", "--exclude", "refs/heads/a*"],
        &["--count=3"],
        &["--count=3", "--sort=-refname"],
        &["--count=0"],
        &["--points-at=HEAD"],
        &["--points-at=main~3", "--points-at", "v2.0"],
        &["--points-at=HEAD^{tree}"],
        &["--merged"],
        &["--merged=feature"],
        &["--merged=main", "--merged=diverged"],
        &["--no-merged=main"],
        &["--contains=main~3"],
        &["--contains", "main~1", "--contains=diverged"],
        &["--no-contains=main~2"],
        &[
            "--contains=main~4",
            "--no-contains=main",
            "--merged=feature",
        ],
        &["--omit-empty", "--format=%(upstream)"],
        &["--format=%(upstream)"],
    ] {
        for_each(&dir, args);
    }
    assert_same_with_input(
        &dir,
        &["for-each-ref", "--stdin", "--format=%(refname)"],
        b"refs/tags\nrefs/heads/f*\n",
    );
}

#[test]
fn refs_repos_layouts_match_git() {
    let root = fixture("refs-repos");
    for repo in [
        "main", "corrupt", "detached", "bare.git", "wt", "sha256", "unborn",
    ] {
        let dir = root.join(repo);
        for_each(&dir, &[]);
        for_each(&dir, &["--format=%(refname:short) %(upstream:short) %(upstream:track) %(symref) %(HEAD) %(*objecttype)"]);
        for_each(
            &dir,
            &[
                "--sort=-v:refname",
                "--format=%(refname:lstrip=-1)",
                "refs/tags",
            ],
        );
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("refs-format");
    for format in [
        "%(foo",
        "%(foo)",
        "%(refname:bar)",
        "%(refname:lstrip=x)",
        "%(objectname:short=0)",
        "%(objectname:long)",
        "%(if)x",
        "%(then)",
        "%(else)",
        "%(end)",
        "%(if)%(then)%(then)%(end)",
        "%(if)%(then)%(else)%(else)%(end)",
        "%(if)%(else)%(end)",
        "%(if:bogus)%(then)%(end)",
        "%(align)",
        "%(align:x)",
        "%(align:left)",
        "%(align:position=up,5)",
        "%(align:width=x)",
        "%(color:bogus)",
        "%(color)",
        "%(rest)",
        "%(authordate:foo)",
        "%(contents:lines=x)",
        "%(contents:foo)",
        "%(*)",
        "%(body:x)",
        "%(HEAD:x)",
        "%(objecttype:x)",
        "%(objectsize:x)",
        "%(subject:x)",
        "%(upstream:foo)",
        "%(align:5)x",
        "%(ahead-behind)",
        "%(ahead-behind:nope)",
        "%(raw)",
    ] {
        let f = format!("--format={format}");
        for_each(&dir, &[&f, "--shell"]);
    }
    for args in [
        &["--count=-1"][..],
        &["--count=x"],
        &["--sort=foo"],
        &["--sort=refname:x"],
        &["-s", "-p"],
        &["--shell", "--tcl", "--no-tcl"],
        &["--merged=nope"],
        &["--merged=HEAD:a"],
        &["--no-merged=v2.0^{tree}"],
        &["--contains=nope"],
        &["--contains=lightblob"],
        &["--points-at=nope"],
        &["--bogus"],
        &["--stdin", "refs/heads"],
        &["--color=sometimes"],
        &["-h"],
    ] {
        for_each(&dir, args);
    }
}

#[test]
fn unimplemented_atoms_are_refused_not_guessed() {
    let dir = fixture("refs-format");
    for format in [
        "%(describe)",
        "%(trailers)",
        "%(contents:trailers)",
        "%(signature)",
        "%(subject:sanitize)",
    ] {
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(["for-each-ref", &format!("--format={format}")]);
                c
            },
            b"",
        );
        assert_eq!(out.status.code(), Some(128), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not supported by oxgit"), "{format}: {err}");
        // git itself accepts them.
        git(&dir, &["for-each-ref", &format!("--format={format}")]);
    }
}

#[test]
fn show_ref_on_the_format_fixture() {
    let dir = fixture("refs-format");
    for args in [
        &["show-ref"][..],
        &["show-ref", "-d", "--head"],
        &["show-ref", "--tags", "-d", "v1.2"],
        &[
            "show-ref",
            "--verify",
            "refs/heads/alias2",
            "refs/tags/outermost",
            "-d",
        ],
        &["show-ref", "--exists", "refs/heads/alias2"],
        &["show-ref", "origin/HEAD", "-s"],
    ] {
        assert_same_stderr(&dir, args);
    }
}

#[test]
fn dates_in_every_mode_match_git() {
    let dir = fixture("refs-format");
    for mode in DATE_MODES {
        let format = format!(
            "--format=%(refname)|%(authordate:{mode})|%(committerdate:{mode})|%(taggerdate:{mode})|%(creatordate:{mode})|%(*authordate:{mode})"
        );
        same_env(&dir, &["for-each-ref", &format], &[]);
    }
    // The local zone and "now" matter to -local, relative and human dates.
    for tz in ["Asia/Kolkata", "EST5EDT", "Europe/Berlin"] {
        for mode in [
            "local",
            "iso-local",
            "human",
            "format-local:%c %Z %z",
            "raw-local",
        ] {
            let format = format!("--format=%(creatordate:{mode})");
            same_env(&dir, &["for-each-ref", &format], &[("TZ", tz)]);
        }
    }
    for now in [
        "1600000000",
        "1700000200",
        "1700090000",
        "1705000000",
        "1900000000",
    ] {
        same_env(
            &dir,
            &[
                "for-each-ref",
                "--format=%(creatordate:relative)|%(creatordate:human)",
            ],
            &[("GIT_TEST_DATE_NOW", now)],
        );
    }
    // With a mode git sorts by the formatted text; without, by the time.
    for keys in [
        &["--sort=creatordate:unix"][..],
        &["--sort=-authordate:iso"],
        &["--sort=creatordate:relative", "--sort=refname"],
        &["--sort=taggerdate:raw"],
        &["--sort=creatordate"],
    ] {
        let mut args = vec!["for-each-ref"];
        args.extend_from_slice(keys);
        args.push("--format=%(refname) %(creatordate:unix)");
        same_env(&dir, &args, &[]);
    }
    // Bad modes: git dies when it formats a date, with its message.
    for format in [
        "%(authordate:)",
        "%(authordate:foo)",
        "%(authordate:format)",
        "%(taggerdate:iso-foo)",
        "%(creatordate:relative-locale)",
    ] {
        same_env(&dir, &["for-each-ref", &format!("--format={format}")], &[]);
    }
}

#[test]
fn damaged_dates_match_git() {
    let dir = scratch_dir().join("refs-damaged-dates");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    let tree = String::from_utf8(git(&dir, &["mktree"])).unwrap();
    let tree = tree.trim();
    let dates: &[&str] = &[
        "1700000000 +0000",
        "0 -0700",
        "100 -0200",
        "1000 -0001",
        "100 +99999",
        "1700000000 -99999",
        "abc +0100",
        " 5 +0100",
        "-5 +0000",
        "-1 +0000",
        "5 99999999999999999999",
        "5 -99999999999999999999",
        "18446744073709551614 +0000",
        "18446744073709551615 +0000",
        "99999999999999999999999 +0000",
        "9223372036854775807 +0000",
        "9223372036854775808 +0000",
        "9223372036854775000 +0100",
        "67767976233316604 -0100",
        "4102444800 +0100",
        "1700000000",
        "",
        "1700000000 +0000 trailing",
    ];
    let mut names = Vec::new();
    for (i, date) in dates.iter().enumerate() {
        let body = format!(
            "tree {tree}\nauthor A <a@example.com> {date}\ncommitter C <c@example.com> 1700000000 +0000\n\nm\n"
        );
        let name = format!("refs/heads/d{i:02}");
        git(
            &dir,
            &[
                "update-ref",
                &name,
                &write_literal_object(&dir, "commit", body.as_bytes()),
            ],
        );
        names.push(name);
    }
    // An author line without "> ": git's date search runs on into the committer line.
    let body = format!(
        "tree {tree}\nauthor A <a@example.com\ncommitter C <c@example.com> 1600000000 +0200\n\nm\n"
    );
    let id = write_literal_object(&dir, "commit", body.as_bytes());
    git(&dir, &["update-ref", "refs/heads/open", &id]);
    names.push("refs/heads/open".to_string());
    for name in &names {
        for mode in DATE_MODES {
            let format = format!("--format=[%(authordate:{mode})]");
            same_env(&dir, &["for-each-ref", &format, name], &[]);
        }
        same_env(
            &dir,
            &["for-each-ref", "--format=[%(authordate)]", name],
            &[],
        );
    }
    same_env(
        &dir,
        &[
            "for-each-ref",
            "--sort=authordate",
            "--format=%(refname) %(authordate:raw)",
            "refs/heads/d0*",
        ],
        &[],
    );
}

#[test]
fn mailmap_atoms_match_git() {
    let src = fixture("refs-format");
    let dir = scratch_dir().join("refs-format-mailmap");
    let _ = std::fs::remove_dir_all(&dir);
    git(
        &scratch_dir(),
        &["clone", "-q", src.to_str().unwrap(), dir.to_str().unwrap()],
    );
    let format = "--format=%(refname)|%(authorname:mailmap)|%(authoremail:mailmap)|%(authoremail:mailmap,trim)|%(authoremail:localpart,mailmap)|%(committername:mailmap)|%(committeremail:mailmap)|%(taggername:mailmap)|%(taggeremail:trim,mailmap)|%(*authorname:mailmap)|%(authorname)|%(author)";
    // Without a .mailmap nothing changes.
    same_env(&dir, &["for-each-ref", format], &[]);
    std::fs::write(
        dir.join(".mailmap"),
        "Real Other <real.other@example.org> <other@example.org>\n\
         <committer@real.example> <committer@example.com>\n\
         Named Only <author@example.com>\n\
         Same Name <author@example.com> A U Thor <author@example.com>\n",
    )
    .unwrap();
    let out = String::from_utf8(same_env(&dir, &["for-each-ref", format], &[])).unwrap();
    // Tags of the fixture point at Other Author's commit; everything was committed and
    // tagged by C O Mitter.
    assert!(out.contains("|Real Other|"), "{out}");
    assert!(out.contains("|Same Name|<author@example.com>|"), "{out}");
    assert!(
        out.contains("|C O Mitter|<committer@real.example>|"),
        "{out}"
    );
    same_env(
        &dir,
        &[
            "for-each-ref",
            "--sort=authorname:mailmap",
            "--format=%(authorname:mailmap) %(refname)",
        ],
        &[],
    );
    for bad in [
        "%(authorname:mailmap,x)",
        "%(authoremail:mailmap,bogus)",
        "%(authorname:mailmap:x)",
        "%(authoremail:bogus,trim)",
        "%(authoremail:trim,,x)",
        "%(authoremail:trim,)",
        "%(authoremail:,trim)",
        "%(authoremail:trimx)",
        "%(committeremail:localpart,trim,mailmap)",
    ] {
        same_env(&dir, &["for-each-ref", &format!("--format={bad}")], &[]);
    }
}
