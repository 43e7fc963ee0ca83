//! The identifier-like words of Python source that lie in code, not in comments or plain
//! string literals, found by a scan far cheaper than tokenizing.
//!
//! Textual pre-tests ("could this module return source data?") read a file's words before
//! deciding to parse it. Docstrings and comments are full of words like `input` or `request`
//! that make such a test say "maybe" for nothing; skipping them makes it sharper. The scan
//! must never skip code, so it errs towards reading: words inside f-strings and t-strings are
//! all read (their replacement fields are code), and a text it cannot follow to the end (an
//! unterminated string, which no parsable module has) is read whole instead.

use std::ops::ControlFlow;

/// Calls `word` with every identifier-like word (ASCII letters, digits, `_`, and any
/// non-ASCII byte) of `text` outside comments and the literal parts of strings, until `word`
/// breaks (a test that has its answer need not read on); the words of f-strings and t-strings
/// are all given. When the scan loses its way it goes on with every word of the text, so a
/// word may then be given twice. `Break` when `word` broke.
pub fn try_for_each_code_word<'t>(
    text: &'t str,
    mut word: impl FnMut(&'t [u8]) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        at: 0,
        fields: 0,
        stopped: false,
        word: &mut word,
    };
    let finished = scanner.top_level().is_some();
    if scanner.stopped {
        return ControlFlow::Break(());
    }
    if !finished {
        for found in all_words(text) {
            word(found)?;
        }
    }
    ControlFlow::Continue(())
}

/// Every identifier-like word of `text`, comments and strings included.
pub fn all_words(text: &str) -> impl Iterator<Item = &[u8]> {
    text.as_bytes()
        .split(|byte| !is_word_byte(*byte))
        .filter(|word| !word.is_empty())
}

fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

/// [`is_word_byte`] as a table: the scan asks it of nearly every byte.
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        byte += 1;
    }
    table
};

/// The end of the word starting at `start` (the first byte that is not a word byte).
fn word_end(bytes: &[u8], start: usize) -> usize {
    bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|&byte| !is_word_byte(byte)))
        .map_or(bytes.len(), |length| start + length)
}

/// How the code of a replacement field ended.
enum FieldEnd {
    /// Its closing `}`.
    Brace,
    /// A replacement field's `:` before its format spec.
    FormatSpec,
}

/// Deepest nesting of f-string replacement fields the scan follows (each level recurses);
/// deeper text is read whole. CPython's own parser gives up far earlier.
const MAX_FIELD_NESTING: usize = 64;

struct Scanner<'t, 'w> {
    bytes: &'t [u8],
    at: usize,
    /// Replacement fields open around the scan's position.
    fields: usize,
    /// `word` broke: the scan ends as if at the end of the text.
    stopped: bool,
    word: &'w mut dyn FnMut(&'t [u8]) -> ControlFlow<()>,
}

impl<'t> Scanner<'t, '_> {
    /// Gives `self.bytes[start..self.at]` to `word`; if it breaks, jumps to the end.
    fn give(&mut self, start: usize) {
        if (self.word)(&self.bytes[start..self.at]).is_break() {
            self.stopped = true;
            self.at = self.bytes.len();
        }
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    /// Scans the whole text as top-level code, where only words, quotes and comments matter
    /// (unlike in a replacement field, brackets and colons end nothing); `None` if the text ends
    /// inside something unfinished.
    fn top_level(&mut self) -> Option<()> {
        let bytes = self.bytes;
        while let Some(&byte) = bytes.get(self.at) {
            match byte {
                b'#' => {
                    self.at = memchr::memchr(b'\n', &bytes[self.at..])
                        .map_or(bytes.len(), |offset| self.at + offset);
                }
                b'\'' | b'"' => self.string(Prefix::default())?,
                byte if is_word_byte(byte) => {
                    let start = self.at;
                    self.at = word_end(bytes, start + 1);
                    let word = &bytes[start..self.at];
                    match (bytes.get(self.at), Prefix::of(word)) {
                        (Some(b'\'' | b'"'), Some(prefix)) => self.string(prefix)?,
                        _ => self.give(start),
                    }
                }
                _ => self.at += 1,
            }
        }
        Some(())
    }

    /// Scans the code of a replacement field, after its `{`, up to the `}` closing it or the
    /// `:` starting its format spec; `None` if the text ends first. A `#` is read like any byte
    /// (only multi-line fields, 3.12+, may hold comments): the words after it are given.
    fn field_code(&mut self) -> Option<FieldEnd> {
        let mut depth = 0usize;
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\'' | b'"' => self.string(Prefix::default())?,
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.at += 1;
                }
                b')' | b']' => {
                    depth = depth.saturating_sub(1);
                    self.at += 1;
                }
                b'}' => {
                    if depth == 0 {
                        self.at += 1;
                        return Some(FieldEnd::Brace);
                    }
                    depth = depth.saturating_sub(1);
                    self.at += 1;
                }
                b':' if depth == 0 => {
                    // `!=`/`==` never start with `:`; a walrus or lambda needs parentheses.
                    self.at += 1;
                    return Some(FieldEnd::FormatSpec);
                }
                b'\\' => self.at += 1,
                byte if is_word_byte(byte) => {
                    let start = self.at;
                    self.at = word_end(self.bytes, start);
                    let word = &self.bytes[start..self.at];
                    match (self.peek(0), Prefix::of(word)) {
                        (Some(b'\'' | b'"'), Some(prefix)) => self.string(prefix)?,
                        _ => self.give(start),
                    }
                }
                _ => self.at += 1,
            }
        }
        None
    }

    /// Scans a string literal starting at its opening quote.
    fn string(&mut self, prefix: Prefix) -> Option<()> {
        let quote = self.peek(0)?;
        let triple = self.peek(1) == Some(quote) && self.peek(2) == Some(quote);
        self.at += if triple { 3 } else { 1 };
        loop {
            if !prefix.formatted {
                // Nothing but the quote, an escape or a line end matters in a plain string.
                let rest = self.bytes.get(self.at..)?;
                self.at += memchr::memchr3(quote, b'\\', b'\n', rest)?;
            }
            let byte = self.peek(0)?;
            if byte == quote
                && (!triple || (self.peek(1) == Some(quote) && self.peek(2) == Some(quote)))
            {
                self.at += if triple { 3 } else { 1 };
                return Some(());
            }
            match byte {
                b'\\' => {
                    // An escaped quote, backslash or newline does not end the string (raw
                    // strings included); other escapes are read like any text.
                    self.at += 1;
                    if matches!(self.peek(0), Some(b'\'' | b'"' | b'\\' | b'\n' | b'\r')) {
                        self.at += 1;
                    }
                }
                b'\n' if !triple => return None,
                b'{' if prefix.formatted => {
                    if self.peek(1) == Some(b'{') {
                        self.at += 2;
                    } else {
                        self.at += 1;
                        self.replacement_field()?;
                    }
                }
                byte if prefix.formatted && is_word_byte(byte) => {
                    let start = self.at;
                    self.at = word_end(self.bytes, start);
                    self.give(start);
                }
                _ => self.at += 1,
            }
        }
    }

    /// Scans an f-string replacement field after its `{`, through its closing `}`.
    fn replacement_field(&mut self) -> Option<()> {
        if self.fields == MAX_FIELD_NESTING {
            return None;
        }
        self.fields += 1;
        let end = self.field_rest();
        self.fields -= 1;
        end
    }

    fn field_rest(&mut self) -> Option<()> {
        match self.field_code()? {
            FieldEnd::Brace => Some(()),
            FieldEnd::FormatSpec => {
                // A format spec is literal text with nested replacement fields.
                loop {
                    match self.peek(0)? {
                        b'}' => {
                            self.at += 1;
                            return Some(());
                        }
                        b'{' => {
                            self.at += 1;
                            self.replacement_field()?;
                        }
                        b'\'' | b'"' | b'\n' => return None,
                        _ => self.at += 1,
                    }
                }
            }
        }
    }
}

/// A string literal's prefix, as far as the scan cares.
#[derive(Default, Clone, Copy)]
struct Prefix {
    /// An f-string or t-string: replacement fields hold code.
    formatted: bool,
}

impl Prefix {
    /// The prefix spelled by `word` right before a quote, if `word` is one.
    fn of(word: &[u8]) -> Option<Prefix> {
        if word.is_empty() || word.len() > 2 {
            return None;
        }
        let mut formatted = false;
        let mut seen = [false; 4];
        for byte in word {
            let kind = match byte.to_ascii_lowercase() {
                b'r' => 0,
                b'b' => 1,
                b'u' => 2,
                b'f' | b't' => {
                    formatted = true;
                    3
                }
                _ => return None,
            };
            if seen[kind] {
                return None;
            }
            seen[kind] = true;
        }
        // `u` combines with nothing; bytes cannot be formatted.
        if (seen[2] && word.len() > 1) || (seen[1] && seen[3]) {
            return None;
        }
        Some(Prefix { formatted })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ruff_python_ast::token::TokenKind;
    use ruff_python_parser::{Mode, ParseOptions};
    use ruff_text_size::Ranged;
    use rustc_hash::FxHashSet;

    use super::*;

    /// Every code word of `text`, in order.
    fn for_each_code_word<'t>(text: &'t str, mut word: impl FnMut(&'t [u8])) {
        let _ = try_for_each_code_word(text, |found| {
            word(found);
            ControlFlow::Continue(())
        });
    }

    /// Every name token of `text` is among its code words, when `text` parses.
    fn names_are_code_words(text: &str) -> Result<(), String> {
        let parsed = ruff_python_parser::parse_unchecked(text, ParseOptions::from(Mode::Module));
        if !parsed.errors().is_empty() {
            return Ok(());
        }
        let mut words = FxHashSet::default();
        for_each_code_word(text, |word| {
            words.insert(word);
        });
        for token in parsed.tokens().iter() {
            let range = token.range();
            let name = &text.as_bytes()[range.start().to_usize()..range.end().to_usize()];
            if token.kind() == TokenKind::Name && !words.contains(name) {
                let name = String::from_utf8_lossy(name);
                return Err(format!("{name:?} missed in {text:?}"));
            }
        }
        Ok(())
    }

    fn fragments() -> impl Strategy<Value = String> {
        let vocab = prop::sample::select(vec![
            "x", "input", " ", "\n", "\\\n", "'", "\"", "'''", "\"\"\"", "f", "rb", "t", "u", "Rf",
            "{", "}", "{{", "}}", ":", "!r", "#", "(", ")", "[", "]", "\\", "=", ".", "é", "0",
            "\t", ",",
        ]);
        prop::collection::vec(vocab, 0..48).prop_map(|parts| parts.concat())
    }

    /// A string literal of random prefix, quotes and body, followed by code.
    fn literal_then_code() -> impl Strategy<Value = String> {
        let prefix = prop::sample::select(vec!["", "r", "b", "Rb", "f", "rf", "FR", "t", "u"]);
        let quote = prop::sample::select(vec!["'", "\"", "'''", "\"\"\""]);
        let body = prop::sample::select(vec![
            "a",
            " ",
            "\\'",
            "\\\"",
            "\\\\",
            "\\n",
            "\\N{DASH}",
            "{x}",
            "{{",
            "}}",
            "{d['k']}",
            "{y:>{w}}",
            "{z!r}",
            "#",
            "\n",
            "'",
            "\"",
            "{f'{q}'}",
            "{a[\"b\"]}",
        ]);
        (prefix, quote, prop::collection::vec(body, 0..12)).prop_map(|(prefix, quote, body)| {
            format!("x = {prefix}{quote}{}{quote}; input\n", body.concat())
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn code_after_a_literal_is_read(text in literal_then_code()) {
            prop_assert_eq!(names_are_code_words(&text), Ok(()));
        }

        /// Never panics, never invents a word, and never misses a name of a parsable text.
        #[test]
        fn code_words_are_sound(text in fragments()) {
            let all: Vec<&[u8]> = all_words(&text).collect();
            let mut code = Vec::new();
            for_each_code_word(&text, |word| code.push(word));
            prop_assert!(code.iter().all(|word| all.contains(word)));
            prop_assert_eq!(names_are_code_words(&text), Ok(()));
        }
    }

    #[test]
    fn every_name_of_the_fixtures_is_a_code_word() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["tests/fixtures", "examples"] {
            for entry in ignore::Walk::new(root.join(dir)).flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|ext| ext == "py")
                    && let Ok(text) = std::fs::read_to_string(path)
                {
                    assert_eq!(names_are_code_words(&text), Ok(()), "{}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} files checked");
    }

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_code_word(text, |word| {
            out.push(String::from_utf8_lossy(word).into_owned())
        });
        out
    }

    #[test]
    fn comments_and_plain_strings_are_skipped() {
        assert_eq!(
            words("x = 'input' # request\ny = \"\"\"os\nenviron\"\"\"\nz = rb'sys' + b\"argv\"\n"),
            ["x", "y", "z"]
        );
        assert_eq!(
            words("def f():\n    '''Read input.'''\n    return 1\n"),
            ["def", "f", "return", "1"]
        );
    }

    #[test]
    fn formatted_strings_are_read_whole() {
        assert_eq!(words("f'a {os.environ} b'"), ["a", "os", "environ", "b"]);
        assert_eq!(words("f'{x:>{width}} {{y}}' + z"), ["x", "width", "y", "z"]);
        // PEP 701: the same quote inside a replacement field.
        assert_eq!(words("f\"{d[\"k\"]}\" ; w"), ["d", "w"]);
        assert_eq!(
            words("t'{a!r}' if b else c"),
            ["a", "r", "if", "b", "else", "c"]
        );
        assert_eq!(words("rf'''{x}\n{y}''' q"), ["x", "y", "q"]);
    }

    #[test]
    fn escapes_do_not_end_strings() {
        assert_eq!(words(r#"a = "x\"input" ; b = r'\'' ; c"#), ["a", "b", "c"]);
        assert_eq!(words("a = 'x\\\ny' ; b"), ["a", "b"]);
    }

    #[test]
    fn names_ending_like_prefixes_are_words() {
        assert_eq!(
            words("for_ = 1; fr = 2; rb = 3; bu'x'"),
            ["for_", "1", "fr", "2", "rb", "3", "bu"]
        );
    }

    #[test]
    fn deeply_nested_fields_are_read_whole_without_recursing_deeper() {
        let depth = 200_000;
        let text = format!("{}x{} + y", "f'{".repeat(depth), "}'".repeat(depth));
        let mut count = 0;
        for_each_code_word(&text, |_| count += 1);
        // The partial scan's words, then every word of the text.
        assert!(count >= depth + 2, "{count}");
    }

    /// The words up to and including the first equal to `stop`, and whether the scan broke.
    fn words_until(text: &str, stop: &str) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let flow = try_for_each_code_word(text, |word| {
            out.push(String::from_utf8_lossy(word).into_owned());
            if word == stop.as_bytes() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        (out, flow.is_break())
    }

    #[test]
    fn a_scan_stops_where_it_is_told() {
        let stopped = |words: &[&str]| (words.iter().map(|w| w.to_string()).collect(), true);
        assert_eq!(words_until("a = b + c", "b"), stopped(&["a", "b"]));
        // Inside an f-string's replacement field, and in the words of an unfinished text.
        assert_eq!(words_until("f'{x} {y}' + z", "x"), stopped(&["x"]));
        assert_eq!(
            words_until("x = 'input\ny = 1", "input"),
            stopped(&["x", "x", "input"])
        );
        assert_eq!(
            words_until("a = 1", "none"),
            (vec!["a".to_string(), "1".to_string()], false)
        );
    }

    #[test]
    fn an_unfinished_text_is_read_whole() {
        // The words read before the scan lost its way come first.
        assert_eq!(words("x = 'input\ny = 1"), ["x", "x", "input", "y", "1"]);
        assert_eq!(words("x = f'{a'"), ["x", "a", "x", "f", "a"]);
        assert_eq!(words("s = '''never closed"), ["s", "s", "never", "closed"]);
    }
}
