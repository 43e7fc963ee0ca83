//! Property tests standing in for a fuzzer: whatever text reaches the diff module — random
//! bytes, or diff-shaped fragments in hostile combinations — it returns `Ok` or `Err` and
//! never panics, and whatever parses yields structures that answer queries without
//! panicking. Patches come from pull-request authors, so this is the bot's attack surface.

use proptest::prelude::*;
use snakeguard::diff::{
    ChangedFile, ChangedLines, FileStatus, ForgeFileEntry, Hunk, HunkLine, LineKind, diff_texts,
    hunks_match_texts, parse_git_diff, parse_hunks, render_unified,
};

/// Lines that steer the parser into its interesting states.
const FRAGMENTS: &[&str] = &[
    "diff --git a/x.py b/x.py",
    "diff --git \"a/sp\\303\\251cial.py\" \"b/sp\\303\\251cial.py\"",
    "diff --git a/a b c b/a b c",
    "diff --git \"a/unterminated",
    "diff --cc x.py",
    "--- a/x.py",
    "+++ b/x.py",
    "--- /dev/null",
    "+++ /dev/null",
    "--- \"a/\\777\"",
    "new file mode 100644",
    "deleted file mode 100644",
    "old mode 100644",
    "new mode 100755",
    "rename from x.py",
    "rename to \"y\\tz.py\"",
    "copy from a.py",
    "copy to b.py",
    "similarity index 90%",
    "index 123..456 100644",
    "Binary files a/x and b/x differ",
    "GIT binary patch",
    "literal 5",
    "@@ -1,3 +1,3 @@",
    "@@ -1 +1 @@ def f():",
    "@@ -0,0 +1,2 @@",
    "@@ -5,2 +4,0 @@",
    "@@ -4294967295 +1 @@",
    "@@ -1,4294967295 +1,4294967295 @@",
    "@@ -2,1 +2 @@",
    "@@@ -1 -1 +1 @@@",
    "@@ -x +y @@",
    " context",
    "+added",
    "-removed",
    "-- a/x.py",
    "",
    " ",
    "\\ No newline at end of file",
    "garbage",
    "\u{feff}@@ -1 +1 @@",
    "é日本",
];

fn diffish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        8 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    (
        prop::collection::vec(line, 0..40),
        prop::sample::select(&["\n", "\r\n", "\r"][..]),
        any::<bool>(),
    )
        .prop_map(|(lines, eol, final_eol)| {
            let mut text = lines.join(eol);
            if final_eol {
                text.push_str(eol);
            }
            text
        })
}

/// Exercises everything downstream of a successful parse.
fn use_hunks(hunks: &[Hunk]) {
    let c = ChangedLines::from_hunks(hunks);
    for n in [0, 1, 2, 3, 5, 100, u32::MAX - 1, u32::MAX] {
        let _ = (
            c.is_in_hunk(n),
            c.is_added(n),
            c.hunk_range_of(n),
            c.map_old_to_new(n),
            c.map_new_to_old(n),
        );
    }
    let _ = c.added_lines().take(1000).count();
    let _ = hunks_match_texts(hunks, Some("a\nb\n"), Some("a\n"));
    // What we parsed, we can write and read back identically — unless a line's text ends
    // in CR, which the line model drops before LF by design.
    let ends_in_cr = hunks.iter().any(|h| {
        h.section.as_deref().is_some_and(|s| s.ends_with('\r'))
            || h.lines.iter().any(|l| l.content.ends_with('\r'))
    });
    if !ends_in_cr {
        let rendered = render_unified(hunks);
        assert_eq!(parse_hunks(&rendered).as_deref(), Ok(hunks));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(files) = parse_git_diff(&text) {
            files.iter().for_each(|f| use_hunks(&f.hunks));
        }
        if let Ok(hunks) = parse_hunks(&text) {
            use_hunks(&hunks);
        }
    }

    #[test]
    fn diff_shaped_text_never_panics(text in diffish()) {
        if let Ok(files) = parse_git_diff(&text) {
            for f in &files {
                prop_assert!(f.old_path.is_some() || f.new_path.is_some());
                use_hunks(&f.hunks);
            }
        }
        let hunks_text = text.replace("diff --git", "@@ -1 +1 @@");
        if let Ok(hunks) = parse_hunks(&hunks_text) {
            use_hunks(&hunks);
        }
    }

    #[test]
    fn change_files_from_arbitrary_parts_never_panic(
        patch in prop::option::of(diffish()),
        base in prop::option::of(".{0,200}"),
        head in prop::option::of(".{0,200}"),
        status in prop::sample::select(&["added", "removed", "modified", "renamed", "bogus"][..]),
    ) {
        let entry = ForgeFileEntry {
            status,
            filename: "x.py",
            previous_filename: None,
            patch: patch.as_deref(),
        };
        if let Ok(f) = ChangedFile::from_forge(&entry, base, head) {
            let _ = (f.is_python(), f.changed.is_in_hunk(1), f.changed.map_old_to_new(1));
        }
    }

    #[test]
    fn hand_made_hunks_never_panic(
        raw in prop::collection::vec(
            (any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>(),
             prop::collection::vec((0u8..3, prop::option::of(any::<u32>()),
                                    prop::option::of(any::<u32>())), 0..8)),
            0..6),
    ) {
        let hunks: Vec<Hunk> = raw
            .into_iter()
            .map(|(old_start, old_len, new_start, new_len, lines)| Hunk {
                old_start,
                old_len,
                new_start,
                new_len,
                section: None,
                lines: lines
                    .into_iter()
                    .map(|(k, old_line, new_line)| HunkLine {
                        kind: [LineKind::Context, LineKind::Added, LineKind::Removed][usize::from(k)],
                        old_line,
                        new_line,
                        content: String::new(),
                        missing_newline: false,
                    })
                    .collect(),
            })
            .collect();
        let c = ChangedLines::from_hunks(&hunks);
        for n in [0, 1, 7, u32::MAX / 2, u32::MAX] {
            let _ = (c.is_in_hunk(n), c.is_added(n), c.map_old_to_new(n), c.map_new_to_old(n));
        }
        let _ = c.added_lines().take(100).count();
        let _ = hunks_match_texts(&hunks, Some("a\n"), Some("b\n"));
        let _ = render_unified(&hunks);
    }

    #[test]
    fn computing_from_arbitrary_texts_never_panics(old in ".{0,300}", new in ".{0,300}", context in 0usize..10) {
        let hunks = diff_texts(&old, &new, context);
        prop_assert!(hunks_match_texts(&hunks, Some(&old), Some(&new)));
        let f = ChangedFile::from_parts(
            FileStatus::Modified, Some("a.py".into()), Some("a.py".into()), None, Some(old), Some(new),
        );
        let _ = f.changed.added_count();
    }
}

#[test]
fn huge_declared_counts_do_not_allocate_or_loop() {
    // A tiny patch claiming billions of lines must fail fast, not reserve memory.
    let text = "@@ -1,4294967294 +1,4294967294 @@\n a\n";
    assert!(parse_hunks(text).is_err());
    let text = "@@ -1,3 +1,3 @@\n a";
    assert!(parse_hunks(text).is_ok());
    assert!(diff_texts("", "", usize::MAX).is_empty());
    assert_eq!(diff_texts("a\n", "b\n", usize::MAX).len(), 1);
}

#[test]
fn deadline_bounds_the_quadratic_worst_case() {
    use std::time::{Duration, Instant};
    // Same lines in reverse order: Myers' worst case, and nothing to discard up front.
    let old: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
    let new: String = (0..20_000).rev().map(|i| format!("line {i}\n")).collect();
    let start = Instant::now();
    let deadline = start.checked_add(Duration::from_millis(200));
    let hunks = snakeguard::diff::diff_texts_with_deadline(&old, &new, 3, deadline);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(hunks_match_texts(&hunks, Some(&old), Some(&new)));
    // A whole-file rewrite has no common lines: linear, no deadline needed.
    let rewritten: String = (0..20_000).map(|i| format!("other {i}\n")).collect();
    let start = Instant::now();
    let hunks = diff_texts(&old, &rewritten, 3);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(hunks.len(), 1);
}
