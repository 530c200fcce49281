//! git's Myers variant (xdiff `xdl_do_diff` without the compaction): prefix/suffix
//! trimming, discarding of unmatched and too-common lines, and the divide-and-conquer
//! middle-snake search with git's cost cut-offs.

use super::bogosqrt;
use super::intern::Class;

const SNAKE_CNT: isize = 20;
const HEUR_MIN_COST: isize = 256;
const K_HEUR: isize = 4;
const MAX_COST_MIN: usize = 256;
const MAX_EQLIMIT: usize = 1024;
const SIMSCAN_WINDOW: usize = 100;

/// Work bound (diagonal steps) for `--minimal` on one file pair: beyond it the cost
/// cut-offs of the default algorithm apply, so pathological inputs cannot hang. git has
/// no such bound; it is only reached where git would take minutes.
const MINIMAL_WORK_LIMIT: u64 = 1 << 30;

/// "Positive infinity" for the backward vector (large but safe from overflow).
const INF: isize = isize::MAX / 4;

/// Reusable buffers for the Myers algorithm.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    cnt1: Vec<u32>,
    cnt2: Vec<u32>,
    dis1: Vec<u8>,
    dis2: Vec<u8>,
    x: Vec<Class>,
    y: Vec<Class>,
    ix: Vec<usize>,
    iy: Vec<usize>,
    kvdf: Vec<isize>,
    kvdb: Vec<isize>,
    stack: Vec<(isize, isize, isize, isize, bool)>,
}

/// Result of a split: the split point and whether each half must be minimal.
struct Split {
    x: isize,
    y: isize,
    min_lo: bool,
    min_hi: bool,
}

/// Decides whether a too-common line at `i` (within `[s, e]`) is discarded: it is when it
/// sits in a run made mostly of unmatched lines.
/// `dis[k - base]` is the classification of line `k`.
fn discard_mmatch(dis: &[u8], base: usize, i: usize, s: usize, e: usize) -> bool {
    let s = if i - s > SIMSCAN_WINDOW {
        i - SIMSCAN_WINDOW
    } else {
        s
    };
    let e = if e - i > SIMSCAN_WINDOW {
        i + SIMSCAN_WINDOW
    } else {
        e
    };
    let (mut zeros_up, mut twos_up) = (0usize, 1usize);
    let mut r = 1;
    while i >= s + r {
        match dis[i - r - base] {
            0 => zeros_up += 1,
            2 => twos_up += 1,
            _ => break,
        }
        r += 1;
    }
    if zeros_up == 0 {
        return false;
    }
    let (mut zeros_dn, mut twos_dn) = (0usize, 1usize);
    r = 1;
    while i + r <= e {
        match dis[i + r - base] {
            0 => zeros_dn += 1,
            2 => twos_dn += 1,
            _ => break,
        }
        r += 1;
    }
    if zeros_dn == 0 {
        return false;
    }
    let twos = twos_up + twos_dn;
    let zeros = zeros_up + zeros_dn;
    twos * 4 < twos + zeros
}

impl Scratch {
    /// Marks changed lines of `a` and `b` (class slices) in `ch1` / `ch2` as xdiff's Myers
    /// does; `minimal` disables the cost cut-offs.
    pub(super) fn run(
        &mut self,
        a: &[Class],
        b: &[Class],
        nclasses: usize,
        ch1: &mut [bool],
        ch2: &mut [bool],
        minimal: bool,
    ) {
        let (n1, n2) = (a.len(), b.len());
        // Trim the common prefix and suffix.
        let lim = n1.min(n2);
        let mut ds = 0;
        while ds < lim && a[ds] == b[ds] {
            ds += 1;
        }
        let mut j = 0;
        while j < lim - ds && a[n1 - 1 - j] == b[n2 - 1 - j] {
            j += 1;
        }
        let (end1, end2) = (n1 - j, n2 - j); // exclusive ends of the middles
                                             // Occurrence counts of each class in each whole file.
        if self.cnt1.len() < nclasses {
            self.cnt1.resize(nclasses, 0);
            self.cnt2.resize(nclasses, 0);
        }
        for &c in a {
            self.cnt1[c.0 as usize] += 1;
        }
        for &c in b {
            self.cnt2[c.0 as usize] += 1;
        }
        let lim1 = bogosqrt(n1).min(MAX_EQLIMIT) as u32;
        let lim2 = bogosqrt(n2).min(MAX_EQLIMIT) as u32;
        let classify =
            |cs: &[Class], other: &[u32], lim: u32, out: &mut Vec<u8>, s: usize, e: usize| {
                out.clear();
                for &c in &cs[s..e] {
                    let nm = other[c.0 as usize];
                    out.push(if nm == 0 {
                        0
                    } else if nm >= lim {
                        2
                    } else {
                        1
                    });
                }
            };
        classify(a, &self.cnt2, lim1, &mut self.dis1, ds, end1);
        classify(b, &self.cnt1, lim2, &mut self.dis2, ds, end2);
        for &c in a {
            self.cnt1[c.0 as usize] = 0;
        }
        for &c in b {
            self.cnt2[c.0 as usize] = 0;
        }
        // Keep the records the core algorithm works on.
        let keep = |cs: &[Class],
                    dis: &[u8],
                    ch: &mut [bool],
                    x: &mut Vec<Class>,
                    ix: &mut Vec<usize>,
                    s: usize,
                    e: usize| {
            x.clear();
            ix.clear();
            for k in s..e {
                let d = dis[k - s];
                if d == 1 || (d == 2 && !discard_mmatch(dis, s, k, s, e - 1)) {
                    x.push(cs[k]);
                    ix.push(k);
                } else {
                    ch[k] = true;
                }
            }
        };
        keep(a, &self.dis1, ch1, &mut self.x, &mut self.ix, ds, end1);
        keep(b, &self.dis2, ch2, &mut self.y, &mut self.iy, ds, end2);
        self.compare_all(ch1, ch2, minimal);
    }

    fn compare_all(&mut self, ch1: &mut [bool], ch2: &mut [bool], minimal: bool) {
        let n = self.x.len() as isize;
        let m = self.y.len() as isize;
        let max_cost = bogosqrt((n + m + 3) as usize).max(MAX_COST_MIN) as isize;
        let size = (n + m + 3) as usize;
        self.kvdf.clear();
        self.kvdf.resize(size, 0);
        self.kvdb.clear();
        self.kvdb.resize(size, 0);
        let off = m + 1;
        self.stack.clear();
        self.stack.push((0, n, 0, m, minimal));
        let mut work: u64 = 0;
        while let Some((mut x0, mut x1, mut y0, mut y1, need_min)) = self.stack.pop() {
            let (xs, ys) = (&self.x, &self.y);
            while x0 < x1 && y0 < y1 && xs[x0 as usize] == ys[y0 as usize] {
                x0 += 1;
                y0 += 1;
            }
            while x0 < x1 && y0 < y1 && xs[x1 as usize - 1] == ys[y1 as usize - 1] {
                x1 -= 1;
                y1 -= 1;
            }
            if x0 == x1 {
                for k in y0..y1 {
                    ch2[self.iy[k as usize]] = true;
                }
            } else if y0 == y1 {
                for k in x0..x1 {
                    ch1[self.ix[k as usize]] = true;
                }
            } else {
                let sp = split(
                    xs,
                    ys,
                    &mut self.kvdf,
                    &mut self.kvdb,
                    off,
                    (x0, x1, y0, y1),
                    need_min,
                    max_cost,
                    &mut work,
                );
                self.stack.push((sp.x, x1, sp.y, y1, sp.min_hi));
                self.stack.push((x0, sp.x, y0, sp.y, sp.min_lo));
            }
        }
    }
}

/// Length of the run of equal records from `(x, y)` forward, within `x1`, `y1`.
fn snake_forward(xs: &[Class], ys: &[Class], x: isize, x1: isize, y: isize, y1: isize) -> isize {
    let a = &xs[x as usize..x1 as usize];
    let b = &ys[y as usize..y1 as usize];
    a.iter().zip(b).take_while(|(p, q)| p == q).count() as isize
}

/// Length of the run of equal records backward from `(x, y)` (exclusive), down to `x0`,
/// `y0`.
fn snake_backward(xs: &[Class], ys: &[Class], x0: isize, x: isize, y0: isize, y: isize) -> isize {
    let a = &xs[x0 as usize..x as usize];
    let b = &ys[y0 as usize..y as usize];
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(p, q)| p == q)
        .count() as isize
}

/// xdiff's `xdl_split`: finds the middle snake of the box, or a good-enough split point
/// when the cost cut-offs apply.
#[allow(clippy::too_many_arguments)]
fn split(
    xs: &[Class],
    ys: &[Class],
    vf: &mut [isize],
    vb: &mut [isize],
    off: isize,
    (x0, x1, y0, y1): (isize, isize, isize, isize),
    need_min: bool,
    max_cost: isize,
    work: &mut u64,
) -> Split {
    let at = |k: isize| (k + off) as usize;
    let eq = |x: isize, y: isize| xs[x as usize] == ys[y as usize];
    let kmin = x0 - y1;
    let kmax = x1 - y0;
    let fmid = x0 - y0;
    let bmid = x1 - y1;
    let odd = ((fmid - bmid) & 1) != 0;
    let (mut fmin, mut fmax) = (fmid, fmid);
    let (mut bmin, mut bmax) = (bmid, bmid);
    vf[at(fmid)] = x0;
    vb[at(bmid)] = x1;
    let mut cost: isize = 0;
    loop {
        cost += 1;
        let mut big_snake = false;
        if fmin > kmin {
            fmin -= 1;
            vf[at(fmin - 1)] = -1;
        } else {
            fmin += 1;
        }
        if fmax < kmax {
            fmax += 1;
            vf[at(fmax + 1)] = -1;
        } else {
            fmax -= 1;
        }
        let mut k = fmax;
        while k >= fmin {
            let mut x = if vf[at(k - 1)] >= vf[at(k + 1)] {
                vf[at(k - 1)] + 1
            } else {
                vf[at(k + 1)]
            };
            let mut y = x - k;
            let start = x;
            if x < x1 && y < y1 {
                let n = snake_forward(xs, ys, x, x1, y, y1);
                x += n;
                y += n;
            }
            if x - start > SNAKE_CNT {
                big_snake = true;
            }
            vf[at(k)] = x;
            if odd && bmin <= k && k <= bmax && vb[at(k)] <= x {
                return Split {
                    x,
                    y,
                    min_lo: true,
                    min_hi: true,
                };
            }
            k -= 2;
        }
        if bmin > kmin {
            bmin -= 1;
            vb[at(bmin - 1)] = INF;
        } else {
            bmin += 1;
        }
        if bmax < kmax {
            bmax += 1;
            vb[at(bmax + 1)] = INF;
        } else {
            bmax -= 1;
        }
        let mut k = bmax;
        while k >= bmin {
            let mut x = if vb[at(k - 1)] < vb[at(k + 1)] {
                vb[at(k - 1)]
            } else {
                vb[at(k + 1)] - 1
            };
            let mut y = x - k;
            let start = x;
            if x > x0 && y > y0 {
                let n = snake_backward(xs, ys, x0, x, y0, y);
                x -= n;
                y -= n;
            }
            if start - x > SNAKE_CNT {
                big_snake = true;
            }
            vb[at(k)] = x;
            if !odd && fmin <= k && k <= fmax && x <= vf[at(k)] {
                return Split {
                    x,
                    y,
                    min_lo: true,
                    min_hi: true,
                };
            }
            k -= 2;
        }
        *work += ((fmax - fmin) + (bmax - bmin)) as u64 / 2 + 2;
        if need_min && *work < MINIMAL_WORK_LIMIT {
            continue;
        }
        if big_snake && cost > HEUR_MIN_COST {
            let mut best = 0;
            let mut cand = (0, 0);
            let mut k = fmax;
            while k >= fmin {
                let x = vf[at(k)];
                let y = x - k;
                let v = (x - x0) + (y - y0) - (k - fmid).abs();
                if v > K_HEUR * cost
                    && v > best
                    && x0 + SNAKE_CNT <= x
                    && x < x1
                    && y0 + SNAKE_CNT <= y
                    && y < y1
                    && (1..=SNAKE_CNT).all(|j| eq(x - j, y - j))
                {
                    best = v;
                    cand = (x, y);
                }
                k -= 2;
            }
            if best > 0 {
                return Split {
                    x: cand.0,
                    y: cand.1,
                    min_lo: true,
                    min_hi: false,
                };
            }
            best = 0;
            let mut k = bmax;
            while k >= bmin {
                let x = vb[at(k)];
                let y = x - k;
                let v = (x1 - x) + (y1 - y) - (k - bmid).abs();
                if v > K_HEUR * cost
                    && v > best
                    && x0 < x
                    && x <= x1 - SNAKE_CNT
                    && y0 < y
                    && y <= y1 - SNAKE_CNT
                    && (0..SNAKE_CNT).all(|j| eq(x + j, y + j))
                {
                    best = v;
                    cand = (x, y);
                }
                k -= 2;
            }
            if best > 0 {
                return Split {
                    x: cand.0,
                    y: cand.1,
                    min_lo: false,
                    min_hi: true,
                };
            }
        }
        if cost >= max_cost {
            let mut fbest = -1;
            let mut fx = x0;
            let mut k = fmax;
            while k >= fmin {
                let mut x = vf[at(k)].min(x1);
                let mut y = x - k;
                if y > y1 {
                    x = y1 + k;
                    y = y1;
                }
                if x + y > fbest {
                    fbest = x + y;
                    fx = x;
                }
                k -= 2;
            }
            let mut bbest = INF;
            let mut bx = x1;
            let mut k = bmax;
            while k >= bmin {
                let mut x = vb[at(k)].max(x0);
                let mut y = x - k;
                if y < y0 {
                    x = y0 + k;
                    y = y0;
                }
                if x + y < bbest {
                    bbest = x + y;
                    bx = x;
                }
                k -= 2;
            }
            if (x1 + y1) - bbest < fbest - (x0 + y0) {
                return Split {
                    x: fx,
                    y: fbest - fx,
                    min_lo: true,
                    min_hi: false,
                };
            }
            return Split {
                x: bx,
                y: bbest - bx,
                min_lo: false,
                min_hi: true,
            };
        }
    }
}
