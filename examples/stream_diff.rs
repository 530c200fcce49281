//! Streams a diff file by file through a custom sink that counts hunks and prints each
//! file as it arrives (and stops after `--max-files`, if given):
//! `cargo run --example stream_diff -- <repo> <from> <to> [--max-files N]`.

use oxgit::api::{Control, Detail, DiffRequest, Differ, Endpoints, Error, FileDiff, Outcome, Sink};
use oxgit::Repository;

/// Prints one line per file: status, path, +/- and hunk count.
struct Printer {
    left: usize,
    hunks: usize,
}

impl Sink for Printer {
    type Error = Error;

    fn detail(&self) -> Detail {
        Detail::Hunks
    }

    fn file(&mut self, f: &FileDiff) -> Result<Control, Error> {
        let n = f.hunks().len();
        self.hunks += n;
        if f.binary {
            println!(
                "{}\t{}\tbinary",
                f.change.status_letter() as char,
                oxgit::api::display_path(f.path())
            );
        } else {
            println!(
                "{}\t{}\t+{} -{}\t{n} hunks",
                f.change.status_letter() as char,
                oxgit::api::display_path(f.path()),
                f.additions,
                f.deletions
            );
        }
        self.left -= 1;
        Ok(if self.left == 0 {
            Control::Stop
        } else {
            Control::Continue
        })
    }

    fn finish(&mut self, o: &Outcome) -> Result<(), Error> {
        println!(
            "{} of {} files, {} hunks, +{} -{}{}",
            o.files,
            o.changes,
            self.hunks,
            o.stats.additions,
            o.stats.deletions,
            if o.stopped { " (stopped early)" } else { "" }
        );
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [repo, from, to, rest @ ..] = args.as_slice() else {
        return Err("usage: stream_diff <repo> <from> <to> [--max-files N]".into());
    };
    let max = match rest {
        [flag, n] if flag == "--max-files" => n.parse()?,
        _ => usize::MAX,
    };
    let repo = Repository::discover(std::path::Path::new(repo))?;
    let request = DiffRequest::new(&repo, Endpoints::pair(from.as_str(), to.as_str()))?;
    let mut sink = Printer {
        left: max,
        hunks: 0,
    };
    Differ::new(&repo, &request)?.run(&mut sink)?;
    Ok(())
}
