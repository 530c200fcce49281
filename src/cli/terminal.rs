//! The terminal side of the CLI: what happens to standard output when its reader goes away.

use std::io::{self, Write};

/// The status a shell shows for a process killed by SIGPIPE (128 + 13), which is what git
/// gives when its reader closes the pipe (`git log -p | head -1`).
pub const BROKEN_PIPE_STATUS: i32 = 141;

/// Standard output that ends the process quietly with [`BROKEN_PIPE_STATUS`] when the reader
/// has closed the pipe, as git does by dying of SIGPIPE: no `fatal:` line, on every output
/// path, because every command writes through this one writer.
pub struct QuietPipe<W: Write>(pub W);

fn quiet<T>(r: io::Result<T>) -> io::Result<T> {
    if let Err(e) = &r {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(BROKEN_PIPE_STATUS);
        }
    }
    r
}

impl<W: Write> Write for QuietPipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        quiet(self.0.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        quiet(self.0.flush())
    }
}
