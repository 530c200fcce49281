//! Stats of the last N commits of a revision (or range), one line per commit:
//! `cargo run --example history_stats -- <repo> [<revision or range>] [N]`.

use oxgit::api::{DiffOptions, History, HistoryRequest};
use oxgit::Repository;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let repo = Repository::discover(std::path::Path::new(
        args.first().map_or(".", String::as_str),
    ))?;
    let range = args.get(1).map_or("HEAD", String::as_str);
    let n: usize = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let options = DiffOptions::from_config(repo.config(), repo.hash_kind().hex_len())?;
    let request = HistoryRequest::from_revisions(&repo, &[range], options)?.max_count(n);
    let mut history = History::new(&repo, &request)?;
    let mut stats = oxgit::api::from_fn(oxgit::api::Detail::Counts, |_| {
        Ok::<_, oxgit::api::Error>(oxgit::api::Control::Continue)
    });
    while let Some(commit) = history.next_commit()? {
        let subject = String::from_utf8_lossy(&commit.parsed().subject()).into_owned();
        match history.diff(&commit, &mut stats)? {
            Some(o) => println!(
                "{} {} files +{} -{}  {subject}",
                &commit.id.to_hex()[..10],
                o.stats.files,
                o.stats.additions,
                o.stats.deletions
            ),
            None => println!("{} (merge)  {subject}", &commit.id.to_hex()[..10]),
        }
    }
    Ok(())
}
