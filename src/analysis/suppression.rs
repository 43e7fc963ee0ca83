//! Suppression comments: `# nosec`, `# nosec B602,B603`, `# noqa: S602`,
//! `# snakeguard: ignore` and `# snakeguard: ignore[SG602]`.
//!
//! Comments come from the parser's tokens (never from text matching inside strings) and are
//! lexed into typed directives. A directive on any line of the statement that holds a finding
//! suppresses it. Codes match by number across spellings (`B602` ≙ `S602` ≙ `SG602`) so users
//! migrating from bandit or ruff keep their existing comments. A bare `# noqa` is *not* honoured:
//! it usually silences a style linter, and silently dropping security findings with it would be
//! a surprise. Directives that suppress nothing can be reported.

use crate::analysis::syntax::{LineMap, TextRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Nosec,
    Noqa,
    Snakeguard,
}

impl DirectiveKind {
    fn spelling(self) -> &'static str {
        match self {
            DirectiveKind::Nosec => "# nosec",
            DirectiveKind::Noqa => "# noqa",
            DirectiveKind::Snakeguard => "# snakeguard: ignore",
        }
    }
}

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: DirectiveKind,
    pub line: u32,
    pub range: TextRange,
    /// Rule numbers (`602`); `None` suppresses every rule.
    pub numbers: Option<Vec<String>>,
    pub used: bool,
}

impl Directive {
    pub fn describe(&self) -> String {
        match &self.numbers {
            None => self.kind.spelling().to_string(),
            Some(numbers) => format!("{} ({})", self.kind.spelling(), numbers.join(", ")),
        }
    }

    fn matches(&self, number: &str) -> bool {
        self.numbers
            .as_ref()
            .is_none_or(|numbers| numbers.iter().any(|n| n == number))
    }
}

/// All directives of a file, in line order.
#[derive(Debug, Default)]
pub struct Suppressions {
    directives: Vec<Directive>,
}

impl Suppressions {
    pub fn from_comments(comments: &[TextRange], lines: &LineMap) -> Self {
        let mut directives = Vec::new();
        for &range in comments {
            let text = lines.slice(range);
            for (kind, numbers) in parse_comment(text) {
                directives.push(Directive {
                    kind,
                    line: lines.line_of(range.start()),
                    range,
                    numbers,
                    used: false,
                });
            }
        }
        Suppressions { directives }
    }

    /// Whether a finding of rule `number` spanning lines `first..=last` is suppressed; marks
    /// the matching directives as used.
    pub fn suppresses(&mut self, number: &str, first: u32, last: u32) -> bool {
        let mut suppressed = false;
        for directive in &mut self.directives {
            if directive.line >= first && directive.line <= last && directive.matches(number) {
                directive.used = true;
                suppressed = true;
            }
        }
        suppressed
    }

    pub fn unused(&self) -> impl Iterator<Item = &Directive> {
        self.directives.iter().filter(|directive| !directive.used)
    }
}

/// The directives in one comment token (a comment may hold `# type: x  # nosec`).
fn parse_comment(comment: &str) -> Vec<(DirectiveKind, Option<Vec<String>>)> {
    // Nearly every comment is one `#` and prose: no directive unless its first word starts
    // like one (settled without splitting the comment).
    if let Some(rest) = comment.strip_prefix('#')
        && !rest.as_bytes().contains(&b'#')
        && !rest.trim_start().starts_with(['n', 'N', 's', 'S'])
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in comment.split('#').skip(1) {
        let part = part.trim_start();
        if let Some(rest) = strip_prefix_ignore_ascii_case(part, "nosec") {
            if rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            {
                let codes = codes_in(&part[5..], &["B", "S", "SG"]);
                out.push((DirectiveKind::Nosec, (!codes.is_empty()).then_some(codes)));
            }
        } else if let Some(rest) = strip_prefix_ignore_ascii_case(part, "noqa") {
            if let Some(list) = rest.trim_start().strip_prefix(':') {
                let offset = part.len() - list.len();
                let codes = codes_in(&part[offset..], &["S"]);
                if !codes.is_empty() {
                    out.push((DirectiveKind::Noqa, Some(codes)));
                }
            }
        } else if let Some(rest) = strip_prefix_ignore_ascii_case(part, "snakeguard:") {
            let trimmed = rest.trim_start();
            if let Some(after) = trimmed.strip_prefix("ignore") {
                let after = after.trim_start();
                if let Some(inner) = after.strip_prefix('[') {
                    let inner = inner.split(']').next().unwrap_or("");
                    let codes = codes_in(inner, &["SG", "B", "S"]);
                    out.push((
                        DirectiveKind::Snakeguard,
                        (!codes.is_empty()).then_some(codes),
                    ));
                } else {
                    out.push((DirectiveKind::Snakeguard, None));
                }
            }
        }
    }
    out
}

/// `text` after `prefix` (an ASCII word), compared ignoring ASCII case: a comment is read
/// without a lowercased copy of it.
fn strip_prefix_ignore_ascii_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.as_bytes().get(..prefix.len())?;
    // An ASCII match ends on a character boundary.
    head.eq_ignore_ascii_case(prefix.as_bytes())
        .then(|| &text[prefix.len()..])
}

/// Rule numbers from a code list like `B602, B603` or `S602,E501`, keeping only codes with
/// one of `prefixes`.
fn codes_in(text: &str, prefixes: &[&str]) -> Vec<String> {
    let mut numbers = Vec::new();
    let text = text.trim_start().trim_start_matches(':');
    for token in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let letters: String = token
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let digits = &token[letters.len()..];
        let is_code =
            !letters.is_empty() && digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit());
        if !is_code {
            // Free text after the codes ends the list (`# nosec B602 reviewed by alice`).
            break;
        }
        if prefixes
            .iter()
            .any(|prefix| prefix.eq_ignore_ascii_case(&letters))
        {
            numbers.push(digits.to_string());
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<(DirectiveKind, Option<Vec<String>>)> {
        parse_comment(text)
    }

    fn nums(list: &[&str]) -> Option<Vec<String>> {
        Some(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn spellings() {
        assert_eq!(parse("# nosec"), vec![(DirectiveKind::Nosec, None)]);
        assert_eq!(
            parse("#nosec B602,B603"),
            vec![(DirectiveKind::Nosec, nums(&["602", "603"]))]
        );
        assert_eq!(
            parse("# nosec: B602 reviewed by alice"),
            vec![(DirectiveKind::Nosec, nums(&["602"]))]
        );
        assert_eq!(
            parse("# noqa: S602, E501"),
            vec![(DirectiveKind::Noqa, nums(&["602"]))]
        );
        assert_eq!(
            parse("# snakeguard: ignore[SG602]"),
            vec![(DirectiveKind::Snakeguard, nums(&["602"]))]
        );
        assert_eq!(
            parse("# snakeguard: ignore"),
            vec![(DirectiveKind::Snakeguard, None)]
        );
        assert_eq!(
            parse("# type: ignore  # nosec"),
            vec![(DirectiveKind::Nosec, None)]
        );
        // Directive words in any case; codes keep their spelling rules.
        assert_eq!(
            parse("# NoSec B602"),
            vec![(DirectiveKind::Nosec, nums(&["602"]))]
        );
        assert_eq!(
            parse("# NOQA:S602"),
            vec![(DirectiveKind::Noqa, nums(&["602"]))]
        );
        assert_eq!(
            parse("# SnakeGuard: ignore[SG602]"),
            vec![(DirectiveKind::Snakeguard, nums(&["602"]))]
        );
        // After any white space, and after other text in a later `#` part.
        assert_eq!(parse("#\u{2003}nosec"), vec![(DirectiveKind::Nosec, None)]);
        assert_eq!(
            parse("# a comment # noqa: S602"),
            vec![(DirectiveKind::Noqa, nums(&["602"]))]
        );
    }

    #[test]
    fn non_directives() {
        assert!(parse("# noqa").is_empty(), "bare noqa is not ours");
        assert!(parse("# noqa: E501").is_empty());
        assert!(parse("# nosecurity review needed").is_empty());
        assert!(parse("# the nosec comment is explained below").is_empty());
        assert!(parse("# é nosec").is_empty());
        assert!(parse("# nos").is_empty());
        assert!(
            parse("# snakeguard: Ignore").is_empty(),
            "`ignore` is lowercase"
        );
    }

    #[test]
    fn matching_marks_used() {
        let source = "import os\nos.system(x)  # nosec B605\nos.system(y)  # nosec B602\n";
        let lines = LineMap::new(source);
        let parsed = crate::analysis::syntax::parse_module(source);
        let mut suppressions = Suppressions::from_comments(&parsed.comments, &lines);
        assert!(suppressions.suppresses("605", 2, 2));
        assert!(!suppressions.suppresses("605", 3, 3));
        let unused: Vec<u32> = suppressions.unused().map(|d| d.line).collect();
        assert_eq!(unused, vec![3]);
    }
}
