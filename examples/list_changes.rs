//! Lists what changed between two revisions (or what one commit changed), with rename
//! detection as git does it: `cargo run --example list_changes -- <repo> <from> [<to>]`.

use oxgit::api::{DiffRequest, Differ, Endpoints};
use oxgit::Repository;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (repo, endpoints) = match args.as_slice() {
        [repo, rev] => (repo, Endpoints::commit(rev.as_str())),
        [repo, from, to] => (repo, Endpoints::pair(from.as_str(), to.as_str())),
        _ => return Err("usage: list_changes <repo> <from> [<to>]".into()),
    };
    let repo = Repository::discover(std::path::Path::new(repo))?;
    let differ = Differ::new(&repo, &DiffRequest::new(&repo, endpoints)?)?;
    for c in differ.changes() {
        let score = c.percent().map(|p| format!("{p:03}")).unwrap_or_default();
        if c.old_path != c.new_path {
            println!(
                "{}{score}\t{} -> {}",
                c.status_letter() as char,
                oxgit::api::display_path(&c.old_path),
                oxgit::api::display_path(&c.new_path)
            );
        } else {
            println!(
                "{}\t{}",
                c.status_letter() as char,
                oxgit::api::display_path(c.path())
            );
        }
    }
    for w in differ.warnings() {
        eprintln!("warning: {w}");
    }
    Ok(())
}
