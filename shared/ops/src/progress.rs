//! Progress as the tools report it: the binary draws bars (indicatif), tests and Lambda stay quiet.

pub trait Progress: Send + Sync {
    /// A new task of `total` items (unknown: `None`).
    fn begin(&self, task: &str, total: Option<u64>);
    fn advance(&self, items: u64);
    fn end(&self);
}

/// Reports nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn begin(&self, _task: &str, _total: Option<u64>) {}
    fn advance(&self, _items: u64) {}
    fn end(&self) {}
}
