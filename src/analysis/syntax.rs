//! The adapter over Ruff's Python parser: the only module that names the `ruff_*` crates.
//!
//! Ruff's parser API is declared unstable, so everything else in snakeguard reaches the AST
//! through the re-exports here (`syntax::ast`, `syntax::Visitor`, `TextRange`, ...). An upgrade
//! of the pinned crates should touch this file and the compile errors it causes, nothing else.
//!
//! Beyond parsing, this module owns two safety properties:
//! * parsing never fails: syntax errors come back as a list next to an error-recovered AST;
//! * no AST is walked deeper than [`MAX_NESTING`]: [`ParsedModule::too_deep`] tells callers to
//!   skip a pathological file, and such a tree is dropped on a stack big enough for it.

pub use ruff_python_ast as ast;
pub use ruff_python_ast::visitor::{self, Visitor};
pub use ruff_python_ast::{Expr, Stmt};
pub use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{Mode, ParseOptions};
use ruff_source_file::LineIndex;

use crate::finding::Position;

/// Deepest statement/expression/pattern nesting any walker in snakeguard will follow.
/// CPython itself refuses about 200 nested parentheses; long `a + b + c ...` chains nest one
/// level per operand, so the limit is well above what hand-written code reaches.
pub const MAX_NESTING: usize = 1500;

/// A syntax error with its location.
#[derive(Debug, Clone)]
pub struct SyntaxErrorInfo {
    pub range: TextRange,
    pub message: String,
}

/// A parsed module: the (possibly error-recovered) AST, its syntax errors and comments.
pub struct ParsedModule {
    module: Option<ast::ModModule>,
    pub errors: Vec<SyntaxErrorInfo>,
    /// Ranges of every `#` comment, in source order.
    pub comments: Vec<TextRange>,
    text_len: usize,
    /// An upper bound of the tree's nesting read from its tokens ([`nesting_bound`]); `None`
    /// for a file with syntax errors, whose recovered tree is not bounded by its tokens.
    nesting_bound: Option<usize>,
    /// Offsets of the tokens that can start a node binding names inside an expression
    /// (`lambda`, `:=`, and `for`, which every comprehension has), in source order; `None` for a
    /// file with syntax errors, whose recovered nodes need not span their tokens.
    binding_marks: Option<Vec<TextSize>>,
}

impl ParsedModule {
    pub fn body(&self) -> &[Stmt] {
        self.module.as_ref().map_or(&[], |module| &module.body)
    }

    /// Whether the tree nests deeper than [`MAX_NESTING`] (probed without deep recursion, unless
    /// the tokens already bound the nesting below it, as they do for nearly every file).
    pub fn too_deep(&self) -> bool {
        if self.nesting_bound.is_some_and(|bound| bound <= MAX_NESTING) {
            return false;
        }
        let mut probe = DepthProbe {
            depth: 0,
            exceeded: false,
        };
        for stmt in self.body() {
            probe.visit_stmt(stmt);
            if probe.exceeded {
                return true;
            }
        }
        false
    }

    /// Whether an expression spanning `range` may hold a lambda, a comprehension or an
    /// assignment expression — the only expressions that bind names. Every such node spans
    /// the token that starts it (`lambda`, a comprehension's `for`, `:=`), so a range with none
    /// of those tokens holds none of them. Always true for a file with syntax errors.
    pub fn may_bind_within(&self, range: TextRange) -> bool {
        let Some(marks) = &self.binding_marks else {
            return true;
        };
        let first = marks.partition_point(|&offset| offset < range.start());
        marks.get(first).is_some_and(|&offset| offset < range.end())
    }
}

impl Drop for ParsedModule {
    fn drop(&mut self) {
        // Dropping a boxed tree recurses once per level. It runs on the current stack when
        // enough of it is left for the deepest tree this file could hold — the token bound of a
        // valid file, else one level per source byte — and on a fresh stack of that size
        // otherwise. Sizing by the token bound matters: a fresh stack is an mmap and a munmap,
        // and a munmap interrupts every other core running the scan (112 of the stdlib's files
        // are over 64 KiB, nearly all of them bounded to a few hundred levels).
        if let Some(module) = self.module.take() {
            let levels = self.nesting_bound.unwrap_or(self.text_len);
            let stack = levels
                .saturating_mul(DROP_STACK_BYTES_PER_LEVEL)
                .clamp(256 * 1024, 4 << 30);
            stacker::maybe_grow(stack, stack.saturating_add(1 << 20), move || drop(module));
        }
    }
}

/// Stack a dropped tree needs per level of nesting, generously framed (a level is two or three
/// `drop_in_place` frames).
const DROP_STACK_BYTES_PER_LEVEL: usize = 512;

/// The parts of a comprehension a scope-aware walker visits itself: the generators (the first
/// iterable is evaluated outside the comprehension's scope), and what each element is built
/// from (a dict comprehension's key and value, the others' element).
pub struct ComprehensionParts<'a> {
    pub generators: &'a [ast::Comprehension],
    pub elements: [Option<&'a Expr>; 2],
}

/// `Some` for a list, set or dict comprehension or a generator expression.
pub fn comprehension_parts(expr: &Expr) -> Option<ComprehensionParts<'_>> {
    let (generators, elements) = match expr {
        Expr::ListComp(comp) => (&comp.generators, [Some(&*comp.elt), None]),
        Expr::SetComp(comp) => (&comp.generators, [Some(&*comp.elt), None]),
        Expr::Generator(comp) => (&comp.generators, [Some(&*comp.elt), None]),
        Expr::DictComp(comp) => (&comp.generators, [comp.key.as_deref(), Some(&*comp.value)]),
        _ => return None,
    };
    Some(ComprehensionParts {
        generators,
        elements,
    })
}

/// Parse Python source, recovering from errors. Never panics.
pub fn parse_module(text: &str) -> ParsedModule {
    let parsed = ruff_python_parser::parse_unchecked(text, ParseOptions::from(Mode::Module));
    let mut comments = Vec::new();
    let mut binding_marks = Vec::new();
    let mut shape = TokenShape::default();
    for token in parsed.tokens().iter() {
        let kind = token.kind();
        // Most tokens only count towards their logical line: one table lookup and a branch
        // that is nearly always taken, where a `match` on every token was an indirect jump
        // the processor mispredicted (this loop took 1.7% of a scan's time for 0.6% of its
        // instructions).
        if !SPECIAL_TOKENS.get(kind as usize).copied().unwrap_or(true) {
            shape.line_tokens += 1;
            continue;
        }
        match kind {
            TokenKind::Comment => comments.push(token.range()),
            TokenKind::Lambda | TokenKind::ColonEqual | TokenKind::For => {
                binding_marks.push(token.start());
            }
            _ => {}
        }
        shape.add(kind);
    }
    let valid = parsed.errors().is_empty();
    let nesting_bound = valid.then(|| shape.nesting_bound());
    let binding_marks = valid.then_some(binding_marks);
    let errors = parsed
        .errors()
        .iter()
        .map(|error| SyntaxErrorInfo {
            range: error.location,
            message: error.error.to_string(),
        })
        .collect();
    let module = parsed.try_into_module().map(|parsed| parsed.into_syntax());
    ParsedModule {
        module,
        errors,
        comments,
        text_len: text.len(),
        nesting_bound,
        binding_marks,
    }
}

/// The token kinds [`parse_module`]'s token loop does more with than count them towards their
/// logical line ([`TokenShape::add`]'s other arms, comments, binding marks), by discriminant.
const SPECIAL_TOKENS: [bool; 256] = {
    let mut special = [false; 256];
    let kinds = [
        TokenKind::Comment,
        TokenKind::Lambda,
        TokenKind::ColonEqual,
        TokenKind::For,
        TokenKind::Indent,
        TokenKind::Dedent,
        TokenKind::Newline,
        TokenKind::NonLogicalNewline,
        TokenKind::EndOfFile,
    ];
    let mut index = 0;
    while index < kinds.len() {
        special[kinds[index] as usize] = true;
        index += 1;
    }
    special
};

/// What bounds a syntactically valid tree's nesting, read from its tokens: the deepest
/// indentation and the most tokens in one logical line.
///
/// Statements nest only through indented blocks (a body on its header's line is one simple
/// statement), so a statement is inside at most `indentation + 1` others. Everything below a
/// statement (its expressions, patterns, parameters, decorators) lies in one logical line,
/// and every expression or pattern node spans more tokens than its children, bar a few kinds
/// that wrap one child in the same tokens once per bracket pair or keyword (an expression
/// statement, a `case` value, a starred subscript's tuple). Counting each token twice covers
/// those, with a margin.
#[derive(Default)]
struct TokenShape {
    indentation: usize,
    deepest_indentation: usize,
    line_tokens: usize,
    longest_line: usize,
}

impl TokenShape {
    fn add(&mut self, kind: TokenKind) {
        match kind {
            TokenKind::Indent => {
                self.indentation += 1;
                self.deepest_indentation = self.deepest_indentation.max(self.indentation);
            }
            TokenKind::Dedent => self.indentation = self.indentation.saturating_sub(1),
            TokenKind::Newline => {
                self.longest_line = self.longest_line.max(self.line_tokens);
                self.line_tokens = 0;
            }
            TokenKind::Comment | TokenKind::NonLogicalNewline | TokenKind::EndOfFile => {}
            _ => self.line_tokens += 1,
        }
    }

    fn nesting_bound(&self) -> usize {
        let longest_line = self.longest_line.max(self.line_tokens);
        self.deepest_indentation + 2 + 2 * longest_line + 8
    }
}

/// Byte offsets to 1-based line/column positions for one text.
///
/// The line index is built on the first question about lines, not with the map: most files
/// have no finding, no suppression comment and no function summarized, and are never asked
/// (indexing every file's lines was 1.4% of a stdlib scan's instructions).
pub struct LineMap<'a> {
    index: std::cell::OnceCell<LineIndex>,
    text: &'a str,
}

impl<'a> LineMap<'a> {
    pub fn new(text: &'a str) -> Self {
        LineMap {
            index: std::cell::OnceCell::new(),
            text,
        }
    }

    fn index(&self) -> &LineIndex {
        self.index
            .get_or_init(|| LineIndex::from_source_text(self.text))
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and 1-based column (in characters) of a byte offset; offsets past the end
    /// clamp to the end.
    pub fn position(&self, offset: TextSize) -> Position {
        let offset = offset.min(self.text.text_len());
        let location = self.index().line_column(offset, self.text);
        Position {
            line: u32::try_from(location.line.get()).unwrap_or(u32::MAX),
            column: u32::try_from(location.column.get()).unwrap_or(u32::MAX),
        }
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let offset = offset.min(self.text.text_len());
        u32::try_from(self.index().line_index(offset).get()).unwrap_or(u32::MAX)
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: u32) -> &'a str {
        let Some(index) = ruff_source_file::OneIndexed::new(line as usize) else {
            return "";
        };
        let lines = self.index();
        if index.get() > lines.line_count() {
            return "";
        }
        let range = lines.line_range(index, self.text);
        self.text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.index().line_count()
    }

    /// The source text of a range ("" when out of bounds).
    pub fn slice(&self, range: TextRange) -> &'a str {
        self.text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }
}

struct DepthProbe {
    depth: usize,
    exceeded: bool,
}

impl DepthProbe {
    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.exceeded = true;
        }
        !self.exceeded
    }
}

impl<'a> Visitor<'a> for DepthProbe {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.enter() {
            visitor::walk_stmt(self, stmt);
        }
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.enter() {
            visitor::walk_expr(self, expr);
        }
        self.depth -= 1;
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        if self.enter() {
            visitor::walk_pattern(self, pattern);
        }
        self.depth -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_source_has_no_errors_and_keeps_comments() {
        let parsed = parse_module("import os  # nosec\nx = f\"{os.sep!r:>{10}}\"\n");
        assert!(parsed.errors.is_empty());
        assert_eq!(parsed.body().len(), 2);
        assert_eq!(parsed.comments.len(), 1);
    }

    #[test]
    fn syntax_errors_are_reported_and_the_rest_is_still_parsed() {
        let parsed = parse_module("def f(:\n    pass\nimport os\nos.system(x)\n");
        assert!(!parsed.errors.is_empty());
        assert!(parsed.body().len() >= 2);
    }

    #[test]
    fn modern_syntax_parses() {
        let source = "type Point[T] = tuple[T, T]\nx = f\"{'nested \"quotes\"'}\"\nmatch p:\n    case [a, *_]: pass\n";
        assert!(parse_module(source).errors.is_empty());
    }

    #[test]
    fn deep_nesting_is_detected_without_overflow() {
        let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        let parsed = parse_module(&deep);
        // Parenthesized atoms do not nest in the AST; unary minus does.
        let unary = format!("x = {}1\n", "-".repeat(100_000));
        let parsed_unary = parse_module(&unary);
        assert!(parsed_unary.too_deep());
        drop(parsed_unary);
        let lists = format!("x = {}{}\n", "[".repeat(3000), "]".repeat(3000));
        assert!(parse_module(&lists).too_deep());
        drop(parsed);
    }

    #[test]
    fn a_deep_tree_is_dropped_safely_on_a_small_stack() {
        // Valid, so its stack is sized by the token bound rather than by its length; parsed on
        // a large stack, dropped on a thread whose stack is far too small to recurse through it.
        let deep = format!("x = {}1\n", "-".repeat(20_000));
        let parsed = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || parse_module(&deep))
            .expect("spawn the parsing thread")
            .join()
            .expect("parse");
        assert!(parsed.errors.is_empty());
        assert!(parsed.nesting_bound.is_some());
        std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || drop(parsed))
            .expect("spawn the dropping thread")
            .join()
            .expect("drop");
    }

    /// The deepest statement/expression/pattern nesting of a tree, counted as the probe does
    /// (for trees of test size: it recurses).
    fn deepest(parsed: &ParsedModule) -> usize {
        #[derive(Default)]
        struct Deepest {
            depth: usize,
            deepest: usize,
        }
        impl Deepest {
            fn enter(&mut self) {
                self.depth += 1;
                self.deepest = self.deepest.max(self.depth);
            }
        }
        impl<'a> Visitor<'a> for Deepest {
            fn visit_stmt(&mut self, stmt: &'a Stmt) {
                self.enter();
                visitor::walk_stmt(self, stmt);
                self.depth -= 1;
            }
            fn visit_expr(&mut self, expr: &'a Expr) {
                self.enter();
                visitor::walk_expr(self, expr);
                self.depth -= 1;
            }
            fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
                self.enter();
                visitor::walk_pattern(self, pattern);
                self.depth -= 1;
            }
        }
        let mut walker = Deepest::default();
        walker.visit_body(parsed.body());
        walker.deepest
    }

    /// Code whose nodes wrap their children in few extra tokens.
    const TIGHT_NESTING: &[&str] = &[
        "x = a[*a[*a[*a[*b]]]]\n",
        "x = f\"{f\"{f\"{x:{y!r:>{z}}}\"}\"}\"\n",
        "match p:\n    case [1, [2, [3, Foo(a=[4, {\"k\": (5 as q)}])]]] | (6 as z) if w:\n        pass\n",
        "g = lambda a=lambda b=lambda: 1: 2: 3\n",
        "@a(b(c(d)))\ndef f[T: list[int]](x: list[list[T]] = -(-1), *y: int) -> dict[str, int]: return x\n",
        "if a: b = -(-(-1))\n",
        "class A:\n    class B:\n        def f(self):\n            while x:\n                with a as (b, [c, *d]):\n                    try:\n                        pass\n                    except* E as e:\n                        global g\n",
        "y = [[[z for z in w if z] for w in v] for v in u]\n",
        "z = not not not -~+x\n",
        "async def f():\n    await (yield (yield from (await g)))\n",
        "type A[T: list[int], *Ts, **P] = dict[T, list[T]]\n",
        "f(*[*a], **{**{**b}})\n",
        "t = (a,), [b,], {c,}, {d: (e,)}\n",
        "s = a[1:2, ::3, *b][c][d:]\n",
        "v = (x := (y := (z := 1)))\n",
        "w = a if b else c if d else e if f else g\n",
        "r = a < b < c and d or e and not f\n",
        "print(*args, sep='', **kw); del a[b], c.d\n",
        "\"docstring\"\n...\nNone\n",
    ];

    #[test]
    fn the_token_bound_is_never_below_the_nesting() {
        let long_unary = format!("x = {}1\n", "-".repeat(700));
        let long_sum = format!("x = 1{}\n", " + 1".repeat(1200));
        let too_deep_sum = format!("x = 1{}\n", " + 1".repeat(1600));
        let mut sources: Vec<String> = TIGHT_NESTING.iter().map(|s| s.to_string()).collect();
        sources.extend([long_unary, long_sum, too_deep_sum.clone()]);
        for source in &sources {
            let parsed = parse_module(source);
            assert!(parsed.errors.is_empty(), "{source}: {:?}", parsed.errors);
            let bound = parsed.nesting_bound.expect("valid code has a bound");
            let deepest = deepest(&parsed);
            assert!(
                bound >= deepest,
                "{source}: bound {bound} < nesting {deepest}"
            );
            assert_eq!(parsed.too_deep(), deepest > MAX_NESTING, "{source}");
        }
        assert!(parse_module(&too_deep_sum).too_deep());
        // A recovered tree has no bound: the probe decides.
        assert_eq!(parse_module("x = (\n").nesting_bound, None);
    }

    /// The same on every Python file of the fixtures and examples, and of the directory named
    /// by `SNAKEGUARD_CORPUS` when set (deep files are walked on a large stack).
    #[test]
    fn the_token_bound_holds_on_every_bundled_file() {
        let checked = on_every_valid_bundled_file(|path, _, parsed| {
            let bound = parsed.nesting_bound.unwrap_or(0);
            let deepest = deepest(parsed);
            assert!(bound >= deepest, "{}: {bound} < {deepest}", path.display());
            1
        });
        assert!(checked > 50, "only {checked} files checked");
    }

    /// The sum of `check` (given the file's path, text and parse) over every Python file without
    /// syntax errors among the fixtures and examples, and under the directory named by
    /// `SNAKEGUARD_CORPUS` when set; run on a large stack (deep files are walked).
    fn on_every_valid_bundled_file(
        check: impl Fn(&std::path::Path, &str, &ParsedModule) -> usize + Send + 'static,
    ) -> usize {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("tests/fixtures"), root.join("examples")];
        dirs.extend(std::env::var_os("SNAKEGUARD_CORPUS").map(std::path::PathBuf::from));
        let files = crate::analysis::test_files::python_files_under(&dirs);
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                let mut sum = 0;
                for path in files {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    let parsed = parse_module(&text);
                    if parsed.errors.is_empty() {
                        sum += check(&path, &text, &parsed);
                    }
                }
                sum
            })
            .expect("thread")
            .join()
            .expect("the check holds on every file")
    }

    /// Every node that binds names inside an expression spans one of the tokens the semantic
    /// model's builder looks for before walking an expression: on every bundled file (and
    /// `SNAKEGUARD_CORPUS`), and on the forms that hide them best.
    #[test]
    fn every_binding_expression_spans_a_binding_mark() {
        struct Binders<'p> {
            parsed: &'p ParsedModule,
            seen: usize,
        }
        impl<'a> Visitor<'a> for Binders<'_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if matches!(
                    expr,
                    Expr::Lambda(_)
                        | Expr::ListComp(_)
                        | Expr::SetComp(_)
                        | Expr::DictComp(_)
                        | Expr::Generator(_)
                        | Expr::Named(_)
                ) {
                    self.seen += 1;
                    assert!(
                        self.parsed.may_bind_within(expr.range()),
                        "{expr:?} spans no binding mark"
                    );
                }
                visitor::walk_expr(self, expr);
            }
        }
        fn binders_in(parsed: &ParsedModule) -> usize {
            assert!(parsed.binding_marks.is_some());
            let mut binders = Binders { parsed, seen: 0 };
            binders.visit_body(parsed.body());
            binders.seen
        }
        let hidden = "f(f'{[x for x in y]}', key=lambda k: k)\nif (n := len(a)) > 1: pass\n\
                      d = {k: v async for k, v in g()}\nt = t'{(lambda: 1)()}'\n";
        assert_eq!(binders_in(&parse_module(hidden)), 5);
        let seen = on_every_valid_bundled_file(|_, _, parsed| binders_in(parsed));
        assert!(seen > 0, "no binding expression seen");
    }

    /// Outside an expression that binds, no mark: `for` statements' own keyword lies outside
    /// their expressions.
    #[test]
    fn expressions_without_binding_tokens_are_known_not_to_bind() {
        let text = "for item in items(a, b):\n    total = item + g(x=1)\n";
        let parsed = parse_module(text);
        let [Stmt::For(for_stmt)] = parsed.body() else {
            panic!("one for statement");
        };
        assert!(!parsed.may_bind_within(for_stmt.iter.range()));
        assert!(parsed.may_bind_within(for_stmt.range()));
        let broken = parse_module("x = (1 +\n");
        assert!(broken.may_bind_within(TextRange::new(0.into(), 1.into())));
    }

    /// The token loop's fast path gives what handling every token in full gives: the same
    /// comments, binding marks and nesting bound, on every bundled file and on sources with
    /// every special kind of token.
    #[test]
    fn the_token_loop_fast_path_changes_nothing() {
        fn in_full(text: &str) -> (Vec<TextRange>, Vec<TextSize>, usize) {
            let parsed =
                ruff_python_parser::parse_unchecked(text, ParseOptions::from(Mode::Module));
            let (mut comments, mut marks, mut shape) =
                (Vec::new(), Vec::new(), TokenShape::default());
            for token in parsed.tokens().iter() {
                match token.kind() {
                    TokenKind::Comment => comments.push(token.range()),
                    TokenKind::Lambda | TokenKind::ColonEqual | TokenKind::For => {
                        marks.push(token.start());
                    }
                    _ => {}
                }
                shape.add(token.kind());
            }
            (comments, marks, shape.nesting_bound())
        }
        fn compare(text: &str, parsed: &ParsedModule) -> usize {
            let (comments, marks, bound) = in_full(text);
            assert_eq!(parsed.comments, comments, "{text}");
            assert_eq!(parsed.binding_marks, Some(marks), "{text}");
            assert_eq!(parsed.nesting_bound, Some(bound), "{text}");
            1
        }
        let special = "# c\nif a:  # d\n    b = [x for x in (lambda: y)()]\n    if (n := 1):\n        \
                       c = (1,\n             2)\nd = 3\n";
        compare(special, &parse_module(special));
        let checked = on_every_valid_bundled_file(|_, text, parsed| compare(text, parsed));
        assert!(checked > 50, "only {checked} files compared");
    }

    #[test]
    fn line_map_positions_are_one_based_characters() {
        let map = LineMap::new("a = 1\nb = 'é' + c\n");
        // Text is read without the line index, which is built on the first question.
        assert_eq!(map.slice(TextRange::new(0.into(), 1.into())), "a");
        assert!(map.index.get().is_none());
        let offset = TextSize::from(u32::try_from("a = 1\nb = 'é' + ".len()).unwrap());
        assert_eq!(
            map.position(offset),
            Position {
                line: 2,
                column: 11
            }
        );
        assert!(map.index.get().is_some());
        assert_eq!(map.line_text(2), "b = 'é' + c");
        assert_eq!(map.line_text(99), "");
        assert_eq!(map.position(TextSize::from(10_000)).line, 3);
    }
}
