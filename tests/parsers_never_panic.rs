//! Object and config parsers on arbitrary bytes: an error or a value, never a panic.

use oxgit::config::Config;
use oxgit::object::{Commit, Tag, TreeIter};
use oxgit::HashKind;
use proptest::prelude::*;

/// Bytes that are mostly plausible object text, so parsers get past their first check.
fn objectish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"[..],
        b"parent ce013625030ba8dba906f756967f9e9ca394464a\n",
        b"author A <a@b> 1 +0000\n",
        b"committer <> x\n",
        b"object ce013625030ba8dba906f756967f9e9ca394464a\n",
        b"type commit\n",
        b"tag v1\n",
        b"tagger T <t> 0 -0130\n",
        b"gpgsig x\n y\n",
        b"\n",
        b" ",
        b"<",
        b">",
        b"100644 a\0",
        b"40000 d\0",
        b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        b"[core]\n",
        b"\tbare = \"x\\\n",
        b"key=\"\\t\"\n",
        b"[s \"sub\"]",
    ]);
    (
        prop::collection::vec(pieces, 0..12),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(p, noise)| {
            let mut v: Vec<u8> = p.concat();
            v.extend(noise);
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn commit_parse_never_panics(data in objectish()) {
        if let Ok(c) = Commit::parse(&data) {
            let _ = c.subject();
            let _ = c.author_signature();
            let _ = c.committer_signature();
        }
    }

    #[test]
    fn tag_parse_never_panics(data in objectish()) {
        let _ = Tag::parse(&data);
    }

    #[test]
    fn tree_iter_never_panics(data in objectish()) {
        for kind in [HashKind::Sha1, HashKind::Sha256] {
            for entry in TreeIter::new(&data, kind) {
                if entry.is_err() {
                    break;
                }
            }
        }
    }

    #[test]
    fn config_parse_never_panics(data in objectish()) {
        if let Ok(c) = Config::parse(&data) {
            let _ = c.get_bool("core.bare");
            let _ = c.get_int("core.abbrev");
        }
    }
}
