//! Turning a file's bytes into text the parser accepts.
//!
//! Python source is UTF-8 unless a PEP 263 coding cookie on line 1 or 2 says otherwise. We
//! honour the cookie for the encodings `encoding_rs` knows (latin-1, cp1252, shift_jis, ...),
//! strip a UTF-8 BOM, and otherwise decode lossily so that a stray invalid byte never stops
//! the file from being analysed. The caller learns whether decoding was lossy.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// The decoded text of a source file: the bytes themselves when they are valid UTF-8 (the
/// common case, so a file's text is not copied), else a decoded copy.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding that was used, as its WHATWG label.
    pub encoding: &'static str,
    /// Some bytes were invalid in that encoding and were replaced by U+FFFD.
    pub lossy: bool,
}

/// Decode Python source bytes following PEP 263.
pub fn decode_source(bytes: &[u8]) -> Decoded<'_> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let encoding = coding_cookie(bytes)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, used, lossy) = encoding.decode(bytes);
    Decoded {
        text,
        encoding: used.name(),
        lossy,
    }
}

/// The decoded text as an owned string, for callers that keep it beyond the bytes' life.
pub fn source_text(bytes: &[u8]) -> String {
    decode_source(bytes).text.into_owned()
}

/// [`source_text`] of bytes the caller gives up: valid UTF-8 without a BOM or a coding cookie
/// (the common case) becomes the text as it is, without a copy.
pub fn into_source_text(bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") || coding_cookie(&bytes).is_some() {
        return source_text(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => source_text(error.as_bytes()),
    }
}

/// The encoding named by a PEP 263 cookie (`# -*- coding: latin-1 -*-`) on the first or
/// second line, if any.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            // PEP 263: the cookie must be in a comment-only line; a code line ends the search
            // unless it is blank.
            if trimmed.is_empty() {
                continue;
            }
            return None;
        }
        if let Some(name) = cookie_in_comment(trimmed) {
            return Some(name);
        }
    }
    None
}

/// Matches `coding[:=]\s*([-\w.]+)` inside a comment line.
fn cookie_in_comment(comment: &str) -> Option<String> {
    let at = comment.find("coding")?;
    let rest = &comment[at + "coding".len()..];
    let rest = rest.strip_prefix([':', '='])?;
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if name.is_empty() {
        return None;
    }
    // Python's aliases that WHATWG labels lack.
    let name = match name.to_ascii_lowercase().as_str() {
        "latin-1" | "latin_1" | "iso-8859-1" | "iso8859-1" | "l1" => "iso-8859-1".to_string(),
        "utf8" | "utf_8" | "utf-8-sig" => "utf-8".to_string(),
        other => other.replace('_', "-"),
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_bytes_give_the_same_text() {
        for bytes in [
            &b"x = 'h\xC3\xA9'\n"[..],
            b"\xEF\xBB\xBFx = 1\n",
            b"# -*- coding: latin-1 -*-\nx = '\xE9'\n",
            // Valid UTF-8 too, but the cookie says latin-1: `hÃ©`, not `hé`.
            b"# -*- coding: latin-1 -*-\nx = 'h\xC3\xA9'\n",
            b"# coding: utf-8\nx = 1\n",
            b"x = '\xFF\xFE'\n",
            b"\xFF\xFEx\x00",
            b"",
        ] {
            assert_eq!(
                into_source_text(bytes.to_vec()),
                source_text(bytes),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn utf8_is_default_and_bom_is_stripped() {
        let decoded = decode_source(b"\xEF\xBB\xBFx = 'h\xC3\xA9'\n");
        assert_eq!(decoded.text, "x = 'hé'\n");
        assert!(!decoded.lossy);
    }

    #[test]
    fn latin1_cookie_is_honoured() {
        let decoded = decode_source(b"# -*- coding: latin-1 -*-\nx = '\xE9'\n");
        assert_eq!(decoded.text, "# -*- coding: latin-1 -*-\nx = '\u{e9}'\n");
        assert!(!decoded.lossy);
    }

    #[test]
    fn cookie_on_second_line_after_shebang() {
        let decoded =
            decode_source(b"#!/usr/bin/python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n");
        assert!(decoded.text.contains('\u{20ac}'));
    }

    #[test]
    fn invalid_utf8_without_cookie_is_lossy_not_an_error() {
        let decoded = decode_source(b"x = '\xFF'\n");
        assert!(decoded.lossy);
        assert!(decoded.text.contains('\u{fffd}'));
    }

    #[test]
    fn cookie_after_code_is_ignored() {
        let decoded = decode_source(b"x = 1\n# coding: latin-1\n");
        assert_eq!(decoded.encoding, "UTF-8");
    }
}
