//! `oxgit cat-file`: object contents, kind and size.

use super::{Context, Fatal};

/// Runs `cat-file`.
pub fn run(_ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    Err(Fatal::new("cat-file: in progress"))
}
