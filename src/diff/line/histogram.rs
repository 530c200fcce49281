//! git's histogram diff (xdiff `xhistogram.c`), with its fallback to Myers for ranges
//! where every common line is too frequent.

use super::intern::Class;
use super::myers;

const MAX_CHAIN_LENGTH: u32 = 64;

/// Reusable buffers for the histogram diff.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    /// Per class: index + 1 into `recs` of its record in the current range, or 0.
    rec_of_class: Vec<u32>,
    /// Records: first occurrence (1-based line) and occurrence count.
    recs: Vec<(u32, u32)>,
    /// Per line of the range: its record.
    line_map: Vec<u32>,
    /// Per line of the range: the next occurrence of the same line (1-based), or 0.
    next_ptrs: Vec<u32>,
    stack: Vec<(usize, usize, usize, usize)>,
}

/// A matched region, 1-based inclusive; all zero if none.
#[derive(Clone, Copy, Default, Debug)]
struct Region {
    begin1: usize,
    end1: usize,
    begin2: usize,
    end2: usize,
}

enum Lcs {
    Fallback,
    Region(Region),
}

impl Scratch {
    /// Marks the changed lines of `a` and `b` (class slices) as git's histogram diff does.
    pub(super) fn run(
        &mut self,
        a: &[Class],
        b: &[Class],
        nclasses: usize,
        ch1: &mut [bool],
        ch2: &mut [bool],
        myers: &mut myers::Scratch,
    ) {
        if self.rec_of_class.len() < nclasses {
            self.rec_of_class.resize(nclasses, 0);
        }
        self.stack.clear();
        self.stack.push((1, a.len(), 1, b.len()));
        while let Some((mut line1, mut count1, mut line2, mut count2)) = self.stack.pop() {
            loop {
                if count1 == 0 && count2 == 0 {
                    break;
                }
                if count1 == 0 {
                    ch2[line2 - 1..line2 - 1 + count2].fill(true);
                    break;
                }
                if count2 == 0 {
                    ch1[line1 - 1..line1 - 1 + count1].fill(true);
                    break;
                }
                match self.find_lcs(a, b, line1, count1, line2, count2) {
                    Lcs::Fallback => {
                        let r1 = line1 - 1..line1 - 1 + count1;
                        let r2 = line2 - 1..line2 - 1 + count2;
                        myers.run(
                            &a[r1.clone()],
                            &b[r2.clone()],
                            nclasses,
                            &mut ch1[r1],
                            &mut ch2[r2],
                            false,
                        );
                        break;
                    }
                    Lcs::Region(lcs) => {
                        if lcs.begin1 == 0 && lcs.begin2 == 0 {
                            ch1[line1 - 1..line1 - 1 + count1].fill(true);
                            ch2[line2 - 1..line2 - 1 + count2].fill(true);
                            break;
                        }
                        self.stack
                            .push((line1, lcs.begin1 - line1, line2, lcs.begin2 - line2));
                        let end1 = line1 + count1 - 1;
                        let end2 = line2 + count2 - 1;
                        count1 = end1 - lcs.end1;
                        line1 = lcs.end1 + 1;
                        count2 = end2 - lcs.end2;
                        line2 = lcs.end2 + 1;
                    }
                }
            }
        }
    }

    fn find_lcs(
        &mut self,
        a: &[Class],
        b: &[Class],
        line1: usize,
        count1: usize,
        line2: usize,
        count2: usize,
    ) -> Lcs {
        let end1 = line1 + count1 - 1;
        let end2 = line2 + count2 - 1;
        // scanA: index the lines of the old range, back to front.
        self.recs.clear();
        self.line_map.clear();
        self.line_map.resize(count1, 0);
        self.next_ptrs.clear();
        self.next_ptrs.resize(count1, 0);
        for ptr in (line1..=end1).rev() {
            let c = a[ptr - 1].0 as usize;
            let r = self.rec_of_class[c];
            if r != 0 {
                let rec = &mut self.recs[r as usize - 1];
                self.next_ptrs[ptr - line1] = rec.0;
                rec.0 = ptr as u32;
                rec.1 = rec.1.saturating_add(1);
                self.line_map[ptr - line1] = r - 1;
            } else {
                self.recs.push((ptr as u32, 1));
                let r = self.recs.len() as u32;
                self.rec_of_class[c] = r;
                self.line_map[ptr - line1] = r - 1;
            }
        }
        let mut st = LcsState {
            cnt: MAX_CHAIN_LENGTH + 1,
            has_common: false,
            lcs: Region::default(),
        };
        let mut b_ptr = line2;
        while b_ptr <= end2 {
            b_ptr = self.try_lcs(a, b, &mut st, b_ptr, line1, end1, line2, end2);
        }
        for ptr in line1..=end1 {
            self.rec_of_class[a[ptr - 1].0 as usize] = 0;
        }
        if st.has_common && MAX_CHAIN_LENGTH < st.cnt {
            Lcs::Fallback
        } else {
            Lcs::Region(st.lcs)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn try_lcs(
        &self,
        a: &[Class],
        b: &[Class],
        st: &mut LcsState,
        b_ptr: usize,
        line1: usize,
        end1: usize,
        line2: usize,
        end2: usize,
    ) -> usize {
        let mut b_next = b_ptr + 1;
        let r = self.rec_of_class[b[b_ptr - 1].0 as usize];
        if r == 0 {
            return b_next;
        }
        let (first, rec_cnt) = self.recs[r as usize - 1];
        st.has_common = true;
        if rec_cnt > st.cnt {
            return b_next;
        }
        let cnt_at = |p: usize| self.recs[self.line_map[p - line1] as usize].1;
        let mut as_ = first as usize;
        loop {
            let mut np = self.next_ptrs[as_ - line1] as usize;
            let mut bs = b_ptr;
            let mut ae = as_;
            let mut be = bs;
            let mut rc = rec_cnt;
            while line1 < as_ && line2 < bs && a[as_ - 2] == b[bs - 2] {
                as_ -= 1;
                bs -= 1;
                if 1 < rc {
                    rc = rc.min(cnt_at(as_));
                }
            }
            while ae < end1 && be < end2 && a[ae] == b[be] {
                ae += 1;
                be += 1;
                if 1 < rc {
                    rc = rc.min(cnt_at(ae));
                }
            }
            if b_next <= be {
                b_next = be + 1;
            }
            if st.lcs.end1 - st.lcs.begin1 < ae - as_ || rc < st.cnt {
                st.lcs = Region {
                    begin1: as_,
                    end1: ae,
                    begin2: bs,
                    end2: be,
                };
                st.cnt = rc;
            }
            if np == 0 {
                break;
            }
            while np <= ae {
                np = self.next_ptrs[np - line1] as usize;
                if np == 0 {
                    break;
                }
            }
            if np == 0 {
                break;
            }
            as_ = np;
        }
        b_next
    }
}

struct LcsState {
    cnt: u32,
    has_common: bool,
    lcs: Region,
}
