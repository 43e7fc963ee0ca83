//! SG613: Unicode bidirectional control characters in the source (Trojan Source).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Stmt, TextLen, TextRange, TextSize};
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags every line of a Python file that contains a Unicode bidirectional control
    /// character (U+202A–U+202E, U+2066–U+2069, U+200F), in code, strings or comments.
    ///
    /// ## Why is this bad?
    /// Bidirectional overrides make editors and review tools display characters in a different
    /// order than the interpreter reads them ("Trojan Source", CVE-2021-42574). Code that looks
    /// like a comment can execute, and a check that looks present can be inside a string.
    ///
    /// ## Example
    /// ```python
    /// access_level = "user"
    /// if access_level != "user\u202e \u2066# Check if admin\u2069 \u2066":  # looks harmless
    ///     grant_admin()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// if access_level != "user":
    ///     grant_admin()
    /// ```
    /// Remove the control characters; if right-to-left text is needed in a string, write the
    /// escape sequence (`"\u202e"`) instead of the raw character.
    ///
    /// ## References
    /// - CWE-451: User Interface (UI) Misrepresentation of Critical Information
    /// - https://trojansource.codes/ (CVE-2021-42574)
    code: "SG613",
    name: "trojansource",
    family: Injection,
    cwe: 451,
    severity: High,
    confidence: Medium,
    summary: "Unicode bidirectional control character can hide what the code really does",
    hooks: Hooks { module: Some(check), ..Hooks::NONE },
};

const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200F}',
];

/// The first byte of every character in [`BIDI`] (all are U+20xx, three bytes in UTF-8): a
/// lead byte, so a character starts wherever it is.
const BIDI_FIRST_BYTE: u8 = 0xE2;

fn check(checker: &mut Checker, _body: &[Stmt]) {
    let text = checker.lines.text();
    let mut found = Vec::new();
    let mut last_line = None;
    // A vectorised search for their first byte instead of decoding every character of the
    // file (the same places, in the same order).
    for offset in memchr::memchr_iter(BIDI_FIRST_BYTE, text.as_bytes()) {
        let Some(ch) = text.get(offset..).and_then(|rest| rest.chars().next()) else {
            continue;
        };
        if !BIDI.contains(&ch) {
            continue;
        }
        let Ok(start) = u32::try_from(offset) else {
            break;
        };
        let start = TextSize::from(start);
        let line = checker.lines.line_of(start);
        if last_line == Some(line) {
            continue;
        }
        last_line = Some(line);
        found.push((TextRange::at(start, ch.text_len()), ch));
    }
    for (range, ch) in found {
        let message = format!(
            "bidirectional control character U+{:04X} can make this line display differently from how Python reads it; remove it or use an escape sequence",
            u32::from(ch)
        );
        checker.report(range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidi_control_starts_with_the_byte_searched_for() {
        for ch in BIDI {
            let mut utf8 = [0; 4];
            assert_eq!(
                ch.encode_utf8(&mut utf8).as_bytes()[0],
                BIDI_FIRST_BYTE,
                "{ch:?}"
            );
        }
    }
}
