//! git's patience diff (xdiff `xpatience.c`, without `--anchored`): match the lines that
//! are unique in both ranges along their longest increasing sequence, recurse between
//! them, and fall back to Myers where no unique common line exists.

use super::intern::Class;
use super::myers;

/// Reusable buffers for the patience diff.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    cnt1: Vec<u32>,
    cnt2: Vec<u32>,
    line2_of: Vec<usize>,
    /// Unique common lines `(line1, line2)` (1-based) in old-file order.
    entries: Vec<(usize, usize)>,
    /// Per entry: index of its predecessor in the longest sequence, or `usize::MAX`.
    previous: Vec<usize>,
    /// Per sequence length - 1: the entry ending the best sequence of that length.
    sequence: Vec<usize>,
    /// The longest common sequence, in order.
    chain: Vec<(usize, usize)>,
    stack: Vec<(usize, usize, usize, usize)>,
}

impl Scratch {
    /// Marks the changed lines of `a` and `b` (class slices) as git's patience diff does.
    pub(super) fn run(
        &mut self,
        a: &[Class],
        b: &[Class],
        nclasses: usize,
        ch1: &mut [bool],
        ch2: &mut [bool],
        myers: &mut myers::Scratch,
    ) {
        if self.cnt1.len() < nclasses {
            self.cnt1.resize(nclasses, 0);
            self.cnt2.resize(nclasses, 0);
            self.line2_of.resize(nclasses, 0);
        }
        self.stack.clear();
        self.stack.push((1, a.len(), 1, b.len()));
        while let Some((line1, count1, line2, count2)) = self.stack.pop() {
            if count1 == 0 {
                ch2[line2 - 1..line2 - 1 + count2].fill(true);
                continue;
            }
            if count2 == 0 {
                ch1[line1 - 1..line1 - 1 + count1].fill(true);
                continue;
            }
            let r1 = line1 - 1..line1 - 1 + count1;
            let r2 = line2 - 1..line2 - 1 + count2;
            // Fill the "hash map": occurrence counts in each range.
            for &c in &a[r1.clone()] {
                self.cnt1[c.0 as usize] += 1;
            }
            let mut has_matches = false;
            for (k, &c) in b[r2.clone()].iter().enumerate() {
                if self.cnt1[c.0 as usize] > 0 {
                    has_matches = true;
                }
                self.cnt2[c.0 as usize] += 1;
                self.line2_of[c.0 as usize] = line2 + k;
            }
            self.entries.clear();
            for (k, &c) in a[r1.clone()].iter().enumerate() {
                if self.cnt1[c.0 as usize] == 1 && self.cnt2[c.0 as usize] == 1 {
                    self.entries.push((line1 + k, self.line2_of[c.0 as usize]));
                }
            }
            for &c in &a[r1.clone()] {
                self.cnt1[c.0 as usize] = 0;
                self.cnt2[c.0 as usize] = 0;
            }
            for &c in &b[r2.clone()] {
                self.cnt1[c.0 as usize] = 0;
                self.cnt2[c.0 as usize] = 0;
            }
            if !has_matches {
                ch1[r1].fill(true);
                ch2[r2].fill(true);
                continue;
            }
            self.longest_common_sequence();
            if self.chain.is_empty() {
                myers.run(
                    &a[r1.clone()],
                    &b[r2.clone()],
                    nclasses,
                    &mut ch1[r1],
                    &mut ch2[r2],
                    false,
                );
                continue;
            }
            self.walk(a, b, line1, count1, line2, count2);
        }
    }

    /// Patience sorting over `entries` by `line2`; leaves the sequence in `chain`.
    fn longest_common_sequence(&mut self) {
        self.sequence.clear();
        self.previous.clear();
        self.chain.clear();
        for (e, &(_, l2)) in self.entries.iter().enumerate() {
            // Find the longest sequence whose last element has a smaller line2.
            let (mut left, mut right): (isize, isize) = (-1, self.sequence.len() as isize);
            while left + 1 < right {
                let middle = left + (right - left) / 2;
                if self.entries[self.sequence[middle as usize]].1 > l2 {
                    right = middle;
                } else {
                    left = middle;
                }
            }
            self.previous.push(if left < 0 {
                usize::MAX
            } else {
                self.sequence[left as usize]
            });
            let i = (left + 1) as usize;
            if i == self.sequence.len() {
                self.sequence.push(e);
            } else {
                self.sequence[i] = e;
            }
        }
        let Some(&last) = self.sequence.last() else {
            return;
        };
        let mut e = last;
        loop {
            self.chain.push(self.entries[e]);
            e = self.previous[e];
            if e == usize::MAX {
                break;
            }
        }
        self.chain.reverse();
    }

    /// git's `walk_common_sequence`: queues the ranges between the matched lines.
    fn walk(
        &mut self,
        a: &[Class],
        b: &[Class],
        mut line1: usize,
        count1: usize,
        mut line2: usize,
        count2: usize,
    ) {
        let (end1, end2) = (line1 + count1, line2 + count2);
        let mut idx = 0;
        loop {
            let (mut next1, mut next2);
            if idx < self.chain.len() {
                (next1, next2) = self.chain[idx];
                while next1 > line1 && next2 > line2 && a[next1 - 2] == b[next2 - 2] {
                    next1 -= 1;
                    next2 -= 1;
                }
            } else {
                next1 = end1;
                next2 = end2;
            }
            while line1 < next1 && line2 < next2 && a[line1 - 1] == b[line2 - 1] {
                line1 += 1;
                line2 += 1;
            }
            if next1 > line1 || next2 > line2 {
                self.stack
                    .push((line1, next1 - line1, line2, next2 - line2));
            }
            if idx >= self.chain.len() {
                return;
            }
            while idx + 1 < self.chain.len()
                && self.chain[idx + 1].0 == self.chain[idx].0 + 1
                && self.chain[idx + 1].1 == self.chain[idx].1 + 1
            {
                idx += 1;
            }
            line1 = self.chain[idx].0 + 1;
            line2 = self.chain[idx].1 + 1;
            idx += 1;
        }
    }
}
