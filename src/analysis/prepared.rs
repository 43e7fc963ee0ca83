//! Files parsed ahead of their own analysis.
//!
//! A scan summarizes a project module on demand, when another module first calls into it (see
//! `taint::ExternalSummaries::project`), which means decoding and parsing it. When that
//! module's own analysis comes later in the same scan, it can start from that parse instead of
//! parsing the file a second time: on the CPython standard library (one thread), 158 of the
//! 264 modules summarized are summarized before their own turn (4.4 MB of their 7.8 MB of
//! text).
//!
//! Holding a parse costs memory (a syntax tree takes roughly ten times its text), so what is
//! held is bounded by a budget of text bytes; a parse offered beyond it is dropped and its
//! file parsed again later, as before. A parse is never kept for a file whose analysis has
//! started, so nothing is held to the end of the scan. Either way the analysis sees the same
//! tree: parsing is deterministic, and both come from the same file's bytes.

use std::sync::{Mutex, PoisonError};

use rustc_hash::{FxHashMap, FxHashSet};

use super::syntax::ParsedModule;

/// A file's decoded text and its parse.
pub struct Prepared {
    pub(crate) text: String,
    pub(crate) parsed: ParsedModule,
}

/// Parses kept for the analysis of files (by their position in the scan's file list).
pub struct PreparedFiles {
    /// Most text bytes held at once.
    budget: usize,
    state: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    files: FxHashMap<usize, Prepared>,
    bytes: usize,
    /// Files whose analysis has started: nothing is kept for them any more.
    started: FxHashSet<usize>,
}

impl PreparedFiles {
    /// Holding at most `budget` bytes of text (with their trees) at once.
    pub fn new(budget: usize) -> Self {
        PreparedFiles {
            budget,
            state: Mutex::new(Held::default()),
        }
    }

    /// Keep the parse of file `index` for its analysis, unless that has started or the budget
    /// is spent (then the parse is dropped).
    pub fn offer(&self, index: usize, prepared: Prepared) {
        let mut held = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let bytes = prepared.text.len();
        if held.started.contains(&index)
            || held.files.contains_key(&index)
            || held.bytes + bytes > self.budget
        {
            return;
        }
        held.bytes += bytes;
        held.files.insert(index, prepared);
    }

    /// The analysis of file `index` starts: the parse kept for it, if any.
    pub fn take(&self, index: usize) -> Option<Prepared> {
        let mut held = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        held.started.insert(index);
        let prepared = held.files.remove(&index)?;
        held.bytes -= prepared.text.len();
        Some(prepared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::parse_module;

    fn prepared(text: &str) -> Prepared {
        Prepared {
            text: text.to_string(),
            parsed: parse_module(text),
        }
    }

    #[test]
    fn a_parse_is_handed_out_once_and_only_before_the_analysis_starts() {
        let files = PreparedFiles::new(1024);
        files.offer(0, prepared("x = 1\n"));
        let taken = files.take(0).expect("kept");
        assert_eq!(taken.text, "x = 1\n");
        assert_eq!(taken.parsed.body().len(), 1);
        assert!(files.take(0).is_none(), "handed out once");
        // Offered after its analysis started (another thread summarized it late): dropped.
        files.offer(0, prepared("x = 1\n"));
        assert!(files.take(0).is_none());
        assert!(files.take(1).is_none(), "never offered");
    }

    #[test]
    fn the_budget_bounds_the_text_held_and_frees_what_is_taken() {
        let files = PreparedFiles::new(10);
        files.offer(0, prepared("a = 1\n")); // 6 bytes
        files.offer(1, prepared("b = 2\n")); // would make 12: dropped
        assert!(files.take(1).is_none());
        assert!(files.take(0).is_some());
        files.offer(2, prepared("c = 3\n")); // fits again
        assert!(files.take(2).is_some());
    }
}
