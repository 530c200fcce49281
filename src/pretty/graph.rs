//! `--graph`: the history drawing git 2.47 prints left of each output line.
//!
//! A [`Graph`] is fed the shown commits one at a time ([`Graph::update`], with the
//! parents that will be shown) and then asked for lines: the lines up to and including
//! the commit's own `*` line, one line for each further line of output, padding lines,
//! and the rest of the commit's drawing (merge edges `|\`, octopus dashes `-.`, edges
//! moving left `/` and `_`). The drawing is git's state machine: pre-commit rows that
//! widen the space for an octopus, the commit row, the post-merge row, collapsing rows
//! that move edges left one column at a time, then padding.

use std::io::Write;

/// git's default column colours (`log.graphColors` unset): red, green, yellow, blue,
/// magenta, cyan, then the same in bold.
const DEFAULT_COLORS: [&str; 12] = [
    "\x1b[31m",
    "\x1b[32m",
    "\x1b[33m",
    "\x1b[34m",
    "\x1b[35m",
    "\x1b[36m",
    "\x1b[1;31m",
    "\x1b[1;32m",
    "\x1b[1;33m",
    "\x1b[1;34m",
    "\x1b[1;35m",
    "\x1b[1;36m",
];

/// One edge going down the graph: the commit it leads to and its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Column<K> {
    commit: K,
    color: usize,
}

/// What the next line of the drawing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Every edge straight down (the commit is finished).
    Padding,
    /// `...`: the previous commit's drawing was cut short.
    Skip,
    /// Rows widening the space around an octopus merge.
    PreCommit,
    /// The commit's own row.
    Commit,
    /// The row under a merge, with an edge to each parent.
    PostMerge,
    /// Rows moving edges left until every edge is in its column.
    Collapsing,
}

/// The drawing state, fed one commit at a time. `K` identifies commits (an object id).
#[derive(Clone, Debug)]
pub struct Graph<K> {
    commit: Option<K>,
    /// The shown parents of the current commit, in order.
    parents: Vec<K>,
    /// The current commit's mark: `*`, or `o` for a boundary commit.
    mark: u8,
    width: usize,
    expansion_row: usize,
    state: State,
    prev_state: State,
    commit_index: usize,
    prev_commit_index: usize,
    merge_layout: isize,
    edges_added: isize,
    prev_edges_added: isize,
    columns: Vec<Column<K>>,
    new_columns: Vec<Column<K>>,
    /// For each character position, the column that edge is heading for (-1: none).
    mapping: Vec<isize>,
    /// The mapping before the last collapsing row.
    old_mapping: Vec<isize>,
    mapping_size: usize,
    /// The escape sequences of the column colours, then the reset (empty: no colour).
    colors: Vec<Vec<u8>>,
    default_color: usize,
}

impl<K: Copy + Eq> Graph<K> {
    /// An empty drawing; `colors`: the column colours when colouring (`None`: git's
    /// default list; see [`Graph::colors_from_config`]), or no colour at all.
    pub fn new(color: bool, colors: Option<Vec<Vec<u8>>>) -> Graph<K> {
        let mut list: Vec<Vec<u8>> = Vec::new();
        if color {
            list = colors.unwrap_or_else(|| {
                DEFAULT_COLORS
                    .iter()
                    .map(|c| c.as_bytes().to_vec())
                    .collect()
            });
            list.push(super::color::RESET.as_bytes().to_vec());
        }
        let max = list.len().saturating_sub(1);
        Graph {
            commit: None,
            parents: Vec::new(),
            mark: b'*',
            width: 0,
            expansion_row: 0,
            state: State::Padding,
            prev_state: State::Padding,
            commit_index: 0,
            prev_commit_index: 0,
            merge_layout: 0,
            edges_added: 0,
            prev_edges_added: 0,
            columns: Vec::new(),
            new_columns: Vec::new(),
            mapping: vec![-1; 60],
            old_mapping: vec![-1; 60],
            mapping_size: 0,
            // Incremented before the first commit, so that it starts with the first.
            default_color: max.saturating_sub(1),
            colors: list,
        }
    }

    /// The column colours of `log.graphColors` (a comma-separated list; invalid ones
    /// are warned about and skipped, as git does), or `None` for the default list.
    pub fn colors_from_config(config: &crate::config::Config) -> Option<Vec<Vec<u8>>> {
        let value = config.get("log.graphColors")?;
        let mut out = Vec::new();
        // git reads entries up to the end: none after a last comma, none in "".
        let mut entries: Vec<&str> = value.split(',').collect();
        if value.is_empty() || value.ends_with(',') {
            entries.pop();
        }
        for c in entries {
            match super::color::parse(c) {
                Some(s) => out.push(s.into_bytes()),
                None => {
                    eprintln!("error: invalid color value: {c}");
                    eprintln!("warning: ignored invalid color '{c}' in log.graphColors");
                }
            }
        }
        Some(out)
    }

    /// The number of colours (the index of the reset); 0 without colour.
    fn max_color(&self) -> usize {
        self.colors.len().saturating_sub(1)
    }

    /// Starts drawing `commit`, whose shown parents are `parents` (in order; with
    /// `--first-parent` only the first, if shown).
    pub fn update(&mut self, commit: K, parents: Vec<K>) {
        self.commit = Some(commit);
        self.parents = parents;
        self.mark = b'*';
        self.prev_commit_index = self.commit_index;
        self.update_columns(commit);
        self.expansion_row = 0;
        // The previous commit's drawing was not finished: `...` first.
        self.state = if self.state != State::Padding {
            State::Skip
        } else if self.needs_pre_commit_line() {
            State::PreCommit
        } else {
            State::Commit
        };
    }

    fn ensure_mapping(&mut self, size: usize) {
        let mut cap = self.mapping.len();
        while cap < size {
            cap *= 2;
        }
        self.mapping.resize(cap, -1);
        self.old_mapping.resize(cap, -1);
    }

    fn map_at(&self, i: isize) -> isize {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mapping.get(i).copied())
            .unwrap_or(-1)
    }

    fn set_map(&mut self, i: isize, v: isize) {
        if let Some(slot) = usize::try_from(i)
            .ok()
            .and_then(|i| self.mapping.get_mut(i))
        {
            *slot = v;
        }
    }

    fn current_color(&self) -> usize {
        if self.colors.is_empty() {
            0
        } else {
            self.default_color
        }
    }

    fn increment_color(&mut self) {
        let max = self.max_color();
        if max > 0 {
            self.default_color = (self.default_color + 1) % max;
        }
    }

    fn find_commit_color(&self, commit: K) -> usize {
        self.columns
            .iter()
            .find(|c| c.commit == commit)
            .map_or_else(|| self.current_color(), |c| c.color)
    }

    fn find_new_column(&self, commit: K) -> Option<usize> {
        self.new_columns.iter().position(|c| c.commit == commit)
    }

    /// Adds `commit` to the columns after this commit (once), and maps the edge at the
    /// next position to it; `idx`: the commit's column when `commit` is its parent.
    fn insert_into_new_columns(&mut self, commit: K, idx: Option<usize>) {
        let i = match self.find_new_column(commit) {
            Some(i) => i,
            None => {
                let color = self.find_commit_color(commit);
                self.new_columns.push(Column { commit, color });
                self.new_columns.len() - 1
            }
        };
        let ii = i as isize;
        let width = self.width as isize;
        let mapping_idx;
        if let (true, Some(idx), -1) = (self.parents.len() > 1, idx, self.merge_layout) {
            // The first parent of a merge: the layout depends on whether that parent's
            // column is left of the merge.
            let dist = idx as isize - ii;
            let shift = if dist > 1 { 2 * dist - 3 } else { 1 };
            self.merge_layout = if dist > 0 { 0 } else { 1 };
            self.edges_added = self.parents.len() as isize + self.merge_layout - 2;
            mapping_idx = width + (self.merge_layout - 1) * shift;
            self.width = (width + 2 * self.merge_layout).max(0) as usize;
        } else if self.edges_added > 0 && ii == self.map_at(width - 2) {
            // Found in the last column already there: the two edges join at once.
            mapping_idx = width - 2;
            self.edges_added = -1;
        } else {
            mapping_idx = width;
            self.width += 2;
        }
        self.set_map(mapping_idx, ii);
    }

    fn update_columns(&mut self, commit: K) {
        std::mem::swap(&mut self.columns, &mut self.new_columns);
        self.new_columns.clear();
        let max_new = self.columns.len() + self.parents.len();
        self.ensure_mapping(2 * max_new);
        self.mapping_size = 2 * max_new;
        for m in &mut self.mapping[..self.mapping_size] {
            *m = -1;
        }
        self.width = 0;
        self.prev_edges_added = self.edges_added;
        self.edges_added = 0;
        let mut seen_this = false;
        let mut in_columns = true;
        let n = self.columns.len();
        for i in 0..=n {
            let col_commit = if i == n {
                if seen_this {
                    break;
                }
                in_columns = false;
                commit
            } else {
                self.columns[i].commit
            };
            if col_commit == commit {
                seen_this = true;
                self.commit_index = i;
                self.merge_layout = -1;
                let parents = self.parents.clone();
                for p in parents {
                    // A merge, or a new column without children: the next colour.
                    if self.parents.len() > 1 || !in_columns {
                        self.increment_color();
                    }
                    self.insert_into_new_columns(p, Some(i));
                }
                // The commit takes up two characters, parents or not.
                if self.parents.is_empty() {
                    self.width += 2;
                }
            } else {
                self.insert_into_new_columns(col_commit, None);
            }
        }
        while self.mapping_size > 1 && self.mapping[self.mapping_size - 1] < 0 {
            self.mapping_size -= 1;
        }
    }

    fn num_dashed_parents(&self) -> isize {
        self.parents.len() as isize + self.merge_layout - 3
    }

    fn num_expansion_rows(&self) -> isize {
        self.num_dashed_parents() * 2
    }

    fn needs_pre_commit_line(&self) -> bool {
        self.parents.len() >= 3
            && self.commit_index + 1 < self.columns.len()
            && (self.expansion_row as isize) < self.num_expansion_rows()
    }

    fn set_state(&mut self, s: State) {
        self.prev_state = self.state;
        self.state = s;
    }

    fn is_mapping_correct(&self) -> bool {
        self.mapping[..self.mapping_size]
            .iter()
            .enumerate()
            .all(|(i, &t)| t < 0 || t as usize == i / 2)
    }

    /// Writes `ch` in column colour `color`.
    fn write_column(&self, line: &mut Line<'_>, color: usize, ch: u8) {
        let colored = color < self.max_color();
        if colored {
            line.buf.extend_from_slice(&self.colors[color]);
        }
        line.push(ch);
        if colored {
            line.buf.extend_from_slice(&self.colors[self.max_color()]);
        }
    }

    fn pad(&self, line: &mut Line<'_>) {
        while line.width < self.width {
            line.push(b' ');
        }
    }

    fn padding_row(&self, line: &mut Line<'_>) {
        for c in &self.new_columns {
            self.write_column(line, c.color, b'|');
            line.push(b' ');
        }
    }

    fn skip_row(&mut self, line: &mut Line<'_>) {
        line.buf.extend_from_slice(b"...");
        line.width += 3;
        if self.needs_pre_commit_line() {
            self.set_state(State::PreCommit);
        } else {
            self.set_state(State::Commit);
        }
    }

    fn pre_commit_row(&mut self, line: &mut Line<'_>) {
        let mut seen_this = false;
        for (i, col) in self.columns.iter().enumerate() {
            if Some(col.commit) == self.commit {
                seen_this = true;
                self.write_column(line, col.color, b'|');
                for _ in 0..self.expansion_row {
                    line.push(b' ');
                }
            } else if seen_this && self.expansion_row == 0 {
                // Edges right of a merge drawn as `\` on the row before stay `\`.
                let ch = if self.prev_state == State::PostMerge && self.prev_commit_index < i {
                    b'\\'
                } else {
                    b'|'
                };
                self.write_column(line, col.color, ch);
            } else if seen_this {
                self.write_column(line, col.color, b'\\');
            } else {
                self.write_column(line, col.color, b'|');
            }
            line.push(b' ');
        }
        self.expansion_row += 1;
        if !self.needs_pre_commit_line() {
            self.set_state(State::Commit);
        }
    }

    /// The dashes of an octopus merge, each in the colour of the edge it leads to.
    fn octopus_dashes(&self, line: &mut Line<'_>) {
        let dashed = self.num_dashed_parents();
        for i in 0..dashed.max(0) {
            let at = (self.commit_index as isize + i + 2) * 2;
            let color = usize::try_from(self.map_at(at))
                .ok()
                .and_then(|j| self.new_columns.get(j))
                .map_or(self.max_color(), |c| c.color);
            self.write_column(line, color, b'-');
            let last = if i == dashed - 1 { b'.' } else { b'-' };
            self.write_column(line, color, last);
        }
    }

    fn commit_row(&mut self, line: &mut Line<'_>) {
        let mut seen_this = false;
        let n = self.columns.len();
        for i in 0..=n {
            let (col_commit, color) = if i == n {
                if seen_this {
                    break;
                }
                (self.commit, self.max_color())
            } else {
                (Some(self.columns[i].commit), self.columns[i].color)
            };
            if col_commit == self.commit {
                seen_this = true;
                line.push(self.mark);
                if self.parents.len() > 2 {
                    self.octopus_dashes(line);
                }
            } else if seen_this && self.edges_added > 1 {
                self.write_column(line, color, b'\\');
            } else if seen_this && self.edges_added == 1 {
                // The row before a merge's own edges may have drawn this edge as `\`.
                let ch = if self.prev_state == State::PostMerge
                    && self.prev_edges_added > 0
                    && self.prev_commit_index < i
                {
                    b'\\'
                } else {
                    b'|'
                };
                self.write_column(line, color, ch);
            } else if self.prev_state == State::Collapsing
                && self.old_mapping.get(2 * i + 1).copied() == Some(i as isize)
                && self.mapping.get(2 * i).is_some_and(|&m| m < i as isize)
            {
                self.write_column(line, color, b'/');
            } else {
                self.write_column(line, color, b'|');
            }
            line.push(b' ');
        }
        if self.parents.len() > 1 {
            self.set_state(State::PostMerge);
        } else if self.is_mapping_correct() {
            self.set_state(State::Padding);
        } else {
            self.set_state(State::Collapsing);
        }
    }

    fn post_merge_row(&mut self, line: &mut Line<'_>) {
        const MERGE_CHARS: [u8; 3] = [b'/', b'|', b'\\'];
        let mut seen_this = false;
        let first_parent = self.parents.first().copied();
        let mut parent_color: Option<usize> = None;
        let n = self.columns.len();
        for i in 0..=n {
            let (col_commit, color) = if i == n {
                if seen_this {
                    break;
                }
                (self.commit, self.max_color())
            } else {
                (Some(self.columns[i].commit), self.columns[i].color)
            };
            if col_commit == self.commit {
                seen_this = true;
                let mut idx = self.merge_layout.clamp(0, 2) as usize;
                let count = self.parents.len();
                for (j, p) in self.parents.iter().enumerate() {
                    let pc = self
                        .find_new_column(*p)
                        .map_or(self.max_color(), |k| self.new_columns[k].color);
                    self.write_column(line, pc, MERGE_CHARS[idx]);
                    if idx == 2 {
                        if self.edges_added > 0 || j + 1 < count {
                            line.push(b' ');
                        }
                    } else {
                        idx += 1;
                    }
                }
                if self.edges_added == 0 {
                    line.push(b' ');
                }
            } else if seen_this {
                let ch = if self.edges_added > 0 { b'\\' } else { b'|' };
                self.write_column(line, color, ch);
                line.push(b' ');
            } else {
                self.write_column(line, color, b'|');
                if self.merge_layout != 0 || i + 1 != self.commit_index {
                    match parent_color {
                        Some(pc) => self.write_column(line, pc, b'_'),
                        None => line.push(b' '),
                    }
                }
            }
            if col_commit.is_some() && col_commit == first_parent {
                parent_color = Some(color);
            }
        }
        if self.is_mapping_correct() {
            self.set_state(State::Padding);
        } else {
            self.set_state(State::Collapsing);
        }
    }

    fn collapsing_row(&mut self, line: &mut Line<'_>) {
        let mut used_horizontal = false;
        let mut horizontal_edge: isize = -1;
        let mut horizontal_edge_target: isize = -1;
        std::mem::swap(&mut self.mapping, &mut self.old_mapping);
        let size = self.mapping_size;
        for m in &mut self.mapping[..size] {
            *m = -1;
        }
        for i in 0..size as isize {
            let target = self.old_mapping[i as usize];
            if target < 0 {
                continue;
            }
            // Edges only ever move left.
            if target * 2 == i {
                self.set_map(i, target);
            } else if self.map_at(i - 1) < 0 {
                // Nothing to the left: move left by one.
                self.set_map(i - 1, target);
                if horizontal_edge == -1 {
                    horizontal_edge = i;
                    horizontal_edge_target = target;
                    let mut j = target * 2 + 3;
                    while j < i - 2 {
                        self.set_map(j, target);
                        j += 2;
                    }
                }
            } else if self.map_at(i - 1) == target {
                // The edge to the left goes to the same commit: they join.
            } else {
                // Cross over the edge to the left.
                self.set_map(i - 2, target);
                if horizontal_edge == -1 {
                    horizontal_edge_target = target;
                    horizontal_edge = i - 1;
                    let mut j = target * 2 + 3;
                    while j < i - 2 {
                        self.set_map(j, target);
                        j += 2;
                    }
                }
            }
        }
        self.old_mapping[..size].copy_from_slice(&self.mapping[..size]);
        if size > 0 && self.mapping[size - 1] < 0 {
            self.mapping_size -= 1;
        }
        for i in 0..self.mapping_size as isize {
            let target = self.mapping[i as usize];
            let color = |g: &Self| {
                usize::try_from(target)
                    .ok()
                    .and_then(|t| g.new_columns.get(t))
                    .map_or(g.max_color(), |c| c.color)
            };
            if target < 0 {
                line.push(b' ');
            } else if target * 2 == i {
                self.write_column(line, color(self), b'|');
            } else if target == horizontal_edge_target && i != horizontal_edge - 1 {
                // Only the first segment continues into the next row.
                if i != target * 2 + 3 {
                    self.set_map(i, -1);
                }
                used_horizontal = true;
                self.write_column(line, color(self), b'_');
            } else {
                if used_horizontal && i < horizontal_edge {
                    self.set_map(i, -1);
                }
                self.write_column(line, color(self), b'/');
            }
        }
        if self.is_mapping_correct() {
            self.set_state(State::Padding);
        }
    }

    /// The next line of the drawing, padded to the commit's width; whether it was the
    /// commit's own row.
    fn next_line(&mut self, buf: &mut Vec<u8>) -> bool {
        if self.commit.is_none() {
            return false;
        }
        let mut line = Line { buf, width: 0 };
        let mut commit_row = false;
        match self.state {
            State::Padding => self.padding_row(&mut line),
            State::Skip => self.skip_row(&mut line),
            State::PreCommit => self.pre_commit_row(&mut line),
            State::Commit => {
                self.commit_row(&mut line);
                commit_row = true;
            }
            State::PostMerge => self.post_merge_row(&mut line),
            State::Collapsing => self.collapsing_row(&mut line),
        }
        self.pad(&mut line);
        commit_row
    }

    /// A line that never is the commit's row: every edge straight down when the commit
    /// row comes next, else the next line.
    pub fn padding_line(&mut self, buf: &mut Vec<u8>) {
        if self.state != State::Commit {
            self.next_line(buf);
            return;
        }
        let mut line = Line { buf, width: 0 };
        for col in &self.columns {
            self.write_column(&mut line, col.color, b'|');
            if Some(col.commit) == self.commit && self.parents.len() > 2 {
                for _ in 0..(self.parents.len() - 2) * 2 {
                    line.push(b' ');
                }
            } else {
                line.push(b' ');
            }
        }
        self.pad(&mut line);
        self.prev_state = State::Padding;
    }

    /// The width of the current commit's drawing (every line of it is padded to it).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The length in bytes (colour codes included) of the padding line under the current
    /// commit once its drawing is complete: the prefix of its diff output, which git
    /// takes off the terminal width of `--stat`.
    pub fn finished_padding_len(&self) -> usize {
        let mut buf = Vec::new();
        let mut line = Line {
            buf: &mut buf,
            width: 0,
        };
        self.padding_row(&mut line);
        self.pad(&mut line);
        buf.len()
    }

    /// Marks the current commit as a boundary commit (`o`, `--boundary`).
    pub fn mark_boundary(&mut self) {
        self.mark = b'o';
    }

    /// Draws the current commit with `mark` instead of `*` (git's revision marks:
    /// `<`/`>` with `--left-right`, `=` with `--cherry-mark`).
    pub fn set_mark(&mut self, mark: u8) {
        self.mark = mark;
    }

    /// Whether the current commit's drawing is complete.
    pub fn is_finished(&self) -> bool {
        self.state == State::Padding
    }

    /// The drawing up to the commit's row (each earlier line ended), not ended; a
    /// padding line if the commit was drawn already (`-m` shows a merge once per
    /// parent).
    pub fn show_commit(&mut self, out: &mut Vec<u8>) {
        if self.is_finished() {
            self.padding_line(out);
            return;
        }
        while !self.is_finished() {
            if self.next_line(out) {
                break;
            }
            out.push(b'\n');
        }
    }

    /// The next line of the drawing (not ended).
    pub fn show_oneline(&mut self, out: &mut Vec<u8>) {
        self.next_line(out);
    }

    /// A padding line (not ended).
    pub fn show_padding(&mut self, out: &mut Vec<u8>) {
        self.padding_line(out);
    }

    /// The rest of the commit's drawing, lines separated (the last not ended); whether
    /// anything was written.
    pub fn show_remainder(&mut self, out: &mut Vec<u8>) -> bool {
        if self.is_finished() {
            return false;
        }
        loop {
            self.next_line(out);
            if self.is_finished() {
                return true;
            }
            out.push(b'\n');
        }
    }

    /// `text` with the next line of the drawing before each line but the first.
    pub fn show_text(&mut self, text: &[u8], out: &mut Vec<u8>) {
        let mut rest = text;
        while !rest.is_empty() {
            let n = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            out.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            if !rest.is_empty() && out.last() == Some(&b'\n') {
                self.show_oneline(out);
            }
        }
    }

    /// A commit message: [`Graph::show_text`], then the rest of the drawing, ending as
    /// `msg` ends.
    pub fn show_commit_msg(&mut self, msg: &[u8], out: &mut Vec<u8>) {
        self.show_text(msg, out);
        if !self.is_finished() {
            let ended = msg.last() == Some(&b'\n');
            if !ended {
                out.push(b'\n');
            }
            self.show_remainder(out);
            if ended {
                out.push(b'\n');
            }
        }
    }

    /// `text` (diff output) with a padding line before each of its lines, as git's
    /// diff output prefix under a graph; lines for which `bare` holds get none (git
    /// prints a few combined-diff lines without the prefix).
    pub fn prefix_lines(
        &mut self,
        text: &[u8],
        bare: impl Fn(&[u8]) -> bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(text.len() + text.len() / 8);
        for line in text.split_inclusive(|&b| b == b'\n') {
            if !bare(line) {
                self.padding_line(&mut buf);
            }
            buf.extend_from_slice(line);
        }
        out.write_all(&buf)
    }
}

/// A line being drawn: the bytes and the printed width (colour codes take none).
struct Line<'a> {
    buf: &'a mut Vec<u8>,
    width: usize,
}

impl Line<'_> {
    fn push(&mut self, b: u8) {
        self.buf.push(b);
        self.width += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::Graph;

    /// The whole drawing of `commits` (id, shown parents), one line per commit row
    /// plus the rest of each commit's drawing, as `log --graph --format=%s` prints it.
    fn draw(commits: &[(u32, &[u32])]) -> String {
        let mut g = Graph::new(false, None);
        let mut out = Vec::new();
        for (id, parents) in commits {
            g.update(*id, parents.to_vec());
            g.show_commit(&mut out);
            g.show_commit_msg(format!("c{id}").as_bytes(), &mut out);
            out.push(b'\n');
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn draws_a_merge_as_git() {
        // git log --graph --format=%s of the same history.
        let text = draw(&[(4, &[3, 2]), (2, &[1]), (3, &[1]), (1, &[])]);
        assert_eq!(text, "*   c4\n|\\  \n| * c2\n* | c3\n|/  \n* c1\n");
    }

    #[test]
    fn draws_an_octopus_as_git() {
        let text = draw(&[
            (5, &[1, 2, 3, 6]),
            (6, &[1]),
            (3, &[1]),
            (2, &[1]),
            (1, &[]),
        ]);
        let git = "*---.   c5\n|\\ \\ \\  \n| | | * c6\n| |_|/  \n|/| |   \n\
                   | | * c3\n| |/  \n|/|   \n| * c2\n|/  \n* c1\n";
        assert_eq!(text, git);
    }

    #[test]
    fn never_panics_on_odd_histories() {
        // Repeated parents, a commit drawn twice, parents never shown, many columns.
        let mut g = Graph::new(true, None);
        let mut out = Vec::new();
        let mut seed = 7u64;
        for id in 0..300u32 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = (seed >> 60) as u32 % 6;
            let parents: Vec<u32> = (0..n).map(|k| (seed >> (k * 7)) as u32 % 400).collect();
            g.update(id % 250, parents);
            g.show_commit(&mut out);
            g.show_commit_msg(b"x\n", &mut out);
            let _ = g.prefix_lines(b"a\nb\n", |_| false, &mut out);
        }
        assert!(!out.is_empty());
    }
}
