//! Assigning equivalence classes to lines: equal bytes, equal class.

use super::{Side, Whitespace};

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Appends the canonical form of `line` under `ws` to `out`: two lines are equal for git
/// (same hash and `xdl_recmatch`) exactly when their canonical forms are equal. The
/// newline is never part of it.
fn canonical(line: &[u8], ws: Whitespace, out: &mut Vec<u8>) {
    out.clear();
    let body = match line.iter().position(|&c| c == b'\n') {
        Some(p) => &line[..p],
        None => line,
    };
    if ws == Whitespace::IgnoreCrAtEol {
        // A CR is dropped only right before the newline.
        let complete = body.len() < line.len();
        match body.split_last() {
            Some((b'\r', rest)) if complete => out.extend_from_slice(rest),
            _ => out.extend_from_slice(body),
        }
        return;
    }
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if !is_space(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < body.len() && is_space(body[i]) {
            i += 1;
        }
        let at_eol = i >= body.len();
        match ws {
            Whitespace::IgnoreAllSpace => {}
            Whitespace::IgnoreSpaceChange if !at_eol => out.push(b' '),
            Whitespace::IgnoreSpaceAtEol if !at_eol => out.extend_from_slice(&body[start..i]),
            _ => {}
        }
    }
}

/// An open-addressing table from line contents to class numbers, reused across diffs.
#[derive(Debug, Default)]
pub(super) struct Interner {
    /// `0` for an empty slot, else class + 1.
    slots: Vec<u32>,
    /// Per class: its hash, the side (0 old, 1 new) and the byte range of its first
    /// occurrence.
    reps: Vec<(u64, u8, usize, usize)>,
    /// Canonical forms (whitespace options): of the line being interned, of a candidate.
    buf: Vec<u8>,
    buf2: Vec<u8>,
}

fn hash(line: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = line.len() as u64;
    let mut chunks = line.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

impl Interner {
    /// Fills `class` of both sides; returns the number of classes.
    pub(super) fn classify(
        &mut self,
        a: &[u8],
        sa: &mut Side,
        b: &[u8],
        sb: &mut Side,
        ws: Whitespace,
    ) -> usize {
        let total = sa.len() + sb.len();
        let cap = (total * 2).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(cap, 0);
        self.reps.clear();
        let data = [a, b];
        for (side_no, side) in [(0u8, sa), (1u8, sb)] {
            side.class.clear();
            let starts = &side.starts;
            for w in starts.windows(2) {
                let (s, e) = (w[0], w[1]);
                let c = self.intern(&data, side_no, s, e, ws);
                side.class.push(c);
            }
        }
        self.reps.len()
    }

    fn intern(
        &mut self,
        data: &[&[u8]; 2],
        side_no: u8,
        s: usize,
        e: usize,
        ws: Whitespace,
    ) -> u32 {
        let mask = self.slots.len() - 1;
        let mut line = &data[side_no as usize][s..e];
        if ws != Whitespace::Exact {
            canonical(line, ws, &mut self.buf);
            line = &self.buf;
        }
        let h = hash(line);
        let mut pos = (h as usize) & mask;
        loop {
            let slot = self.slots[pos];
            if slot == 0 {
                let c = self.reps.len() as u32;
                self.reps.push((h, side_no, s, e));
                self.slots[pos] = c + 1;
                return c;
            }
            let c = slot - 1;
            let (rh, rside, rs, re) = self.reps[c as usize];
            if rh == h {
                let mut rep = &data[rside as usize][rs..re];
                if ws != Whitespace::Exact {
                    canonical(rep, ws, &mut self.buf2);
                    rep = &self.buf2;
                }
                if rep == line {
                    return c;
                }
            }
            pos = (pos + 1) & mask;
        }
    }
}
