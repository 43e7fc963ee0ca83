//! Pretty-printed JSON for the reports, byte for byte serde_json's own pretty layout (two-space
//! indentation), but cheaper to write.
//!
//! serde_json's pretty formatter writes a line break and then the indentation one level at a
//! time: a SARIF log of the CPython standard library's findings (1.9 MB, code flows nested ten
//! levels deep) took some 350,000 two-byte copies, a quarter of the instructions spent
//! rendering it, while nothing else runs. Here a line break and its indentation are one copy
//! from a row of spaces.

use serde::Serialize;
use serde_json::ser::Formatter;

/// `value` as pretty JSON and a newline. Built in memory first: serde_json's many small
/// writes are inlined for a `Vec` but cost a dynamic call each through `dyn Write` (half the
/// rendering time of a large SARIF log).
pub(crate) fn write_json_pretty(
    out: &mut dyn std::io::Write,
    value: &impl Serialize,
) -> std::io::Result<()> {
    let mut json = Vec::with_capacity(4096);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut json,
        Pretty::default(),
    ))?;
    json.push(b'\n');
    out.write_all(&json)
}

/// Two spaces per level.
const INDENT: usize = 2;

/// A line break followed by enough spaces for 32 levels; deeper lines add more in a loop.
const BREAK_AND_SPACES: &[u8; 65] =
    b"\n                                                                ";

/// serde_json's `PrettyFormatter::new()` layout (see the module docs).
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A line break and the current level's indentation.
    fn new_line<W: ?Sized + std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        let mut spaces = self.depth * INDENT;
        let first = spaces.min(BREAK_AND_SPACES.len() - 1);
        writer.write_all(&BREAK_AND_SPACES[..1 + first])?;
        spaces -= first;
        while spaces > 0 {
            let more = spaces.min(BREAK_AND_SPACES.len() - 1);
            writer.write_all(&BREAK_AND_SPACES[1..1 + more])?;
            spaces -= more;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.new_line(writer)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn ours(value: &Value) -> String {
        let mut out = Vec::new();
        write_json_pretty(&mut out, value).expect("writes to memory");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    fn serde_jsons(value: &Value) -> String {
        serde_json::to_string_pretty(value).expect("serializes") + "\n"
    }

    /// `levels` arrays and objects nested alternately around `inner`.
    fn nested(levels: usize, inner: Value) -> Value {
        (0..levels).fold(inner, |value, level| {
            if level % 2 == 0 {
                json!([1, value, "x"])
            } else {
                json!({ "a": value, "b": [], "c": {} })
            }
        })
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_layout() {
        let cases = [
            json!(null),
            json!([]),
            json!({}),
            json!([[]]),
            json!({ "k": {} }),
            json!({ "text": "line\nbreak \"quoted\" \u{1F600}", "n": -1.5, "t": true }),
            json!([1, [2, [3, []]], { "a": [{}, { "b": null }] }]),
        ];
        for case in cases {
            assert_eq!(ours(&case), serde_jsons(&case), "{case}");
        }
    }

    #[test]
    fn lines_deeper_than_the_row_of_spaces_are_indented_in_full() {
        // 32 levels fit the row of spaces; 33, 64 and 70 need it more than once.
        for levels in [31, 32, 33, 64, 65, 70] {
            let value = nested(levels, json!({ "deep": [true] }));
            assert_eq!(ours(&value), serde_jsons(&value), "{levels} levels");
        }
    }
}
