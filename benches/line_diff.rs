//! Line diff benchmarks on generated data: a typical source edit, a large file with
//! scattered edits, and two unrelated files (worst case for the cost cut-offs).

use oxgit::diff::line::{Algorithm, Options, State};
use oxgit::diff::patch::write_hunks;

fn main() {
    divan::main();
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// A source-like file of `n` lines and a copy with about `edits` small edits.
fn pair(n: usize, edits: usize, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let mut rng = Rng(seed);
    let line = |rng: &mut Rng| match rng.below(6) {
        0 => "\n".to_string(),
        1 => "}\n".to_string(),
        2 => format!("fn f{}() {{\n", rng.below(1000)),
        _ => format!(
            "    let x{} = y{} + {};\n",
            rng.below(500),
            rng.below(500),
            rng.below(9)
        ),
    };
    let old: Vec<String> = (0..n).map(|_| line(&mut rng)).collect();
    let mut new = old.clone();
    for _ in 0..edits {
        let at = rng.below(new.len() as u64) as usize;
        match rng.below(3) {
            0 => {
                new.remove(at);
            }
            1 => new.insert(at, line(&mut rng)),
            _ => new[at] = line(&mut rng),
        }
    }
    (old.concat().into_bytes(), new.concat().into_bytes())
}

fn run(bencher: divan::Bencher, (old, new): (Vec<u8>, Vec<u8>), algorithm: Algorithm) {
    let mut state = State::new();
    let opts = Options {
        algorithm,
        ..Options::default()
    };
    let mut out = Vec::new();
    bencher
        .counter(divan::counter::BytesCount::new(old.len() + new.len()))
        .bench_local(|| {
            out.clear();
            let diff = state.diff(&old, &new, &opts).unwrap();
            write_hunks(&mut out, &diff);
            divan::black_box(out.len())
        });
}

const ALGOS: [Algorithm; 3] = [Algorithm::Myers, Algorithm::Minimal, Algorithm::Histogram];

/// 2,000 lines with 20 edits.
#[divan::bench(args = ALGOS)]
fn small_edit(bencher: divan::Bencher, algorithm: Algorithm) {
    run(bencher, pair(2_000, 20, 1), algorithm);
}

/// 100,000 lines with 1,000 edits.
#[divan::bench(args = ALGOS)]
fn large_file(bencher: divan::Bencher, algorithm: Algorithm) {
    run(bencher, pair(100_000, 1_000, 2), algorithm);
}

/// Two unrelated 20,000-line files.
#[divan::bench(args = [Algorithm::Myers, Algorithm::Histogram])]
fn unrelated(bencher: divan::Bencher, algorithm: Algorithm) {
    let (a, _) = pair(20_000, 0, 3);
    let (b, _) = pair(20_000, 0, 4);
    run(bencher, (a, b), algorithm);
}
