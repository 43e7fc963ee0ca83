//! Pattern rules and taint rules on the same sink: one finding, at the right confidence.
//!
//! A pattern rule (`subprocess` with `shell=True`, `eval`, SQL built with `%`, `send_file` on a
//! variable...) flags a dangerous sink whatever flows into it. Once the taint pass has run,
//! its facts decide what the pattern finding is worth:
//! - the sink's argument is provably constant, or sanitized for the rule's CWE on every live
//!   path: no finding;
//! - a taint rule of the same CWE reports a flow into the same statement: that one finding
//!   (with its path, and the pattern rule's mechanical fix if it had one) stands, the pattern
//!   finding is dropped;
//! - otherwise the origin is unknown: the pattern finding stays, at most medium confidence.
//!
//! Only [`DATA_SINK_RULES`] are reconciled: rules whose finding is about the data reaching a
//! sink through its first argument. Hygiene rules that share a CWE (cookie flags, template
//! engines, XML parser choice) are about configuration, not data, and are left alone.

use rustc_hash::FxHashSet;

use crate::analysis::checker::RawFinding;
use crate::analysis::syntax::{Expr, Ranged, Stmt, TextRange, Visitor, ast, visitor};
use crate::analysis::taint::TaintFacts;
use crate::finding::Confidence;
use crate::rules::{Family, Rule};

/// Pattern rules whose first sink argument is the dangerous data, and that a taint rule of
/// the same CWE covers.
pub const DATA_SINK_RULES: &[Rule] = &[
    Rule::ExecUsed,
    Rule::Eval,
    Rule::PickleLoads,
    Rule::Marshal,
    Rule::YamlLoad,
    Rule::ParamikoCalls,
    Rule::SubprocessShellTrue,
    Rule::AnyOtherFunctionWithShellEqualsTrue,
    Rule::StartProcessWithAShell,
    Rule::HardcodedSqlExpressions,
    Rule::DjangoExtraUsed,
    Rule::DjangoRawsqlUsed,
    Rule::DjangoRawSql,
    Rule::FlaskRenderTemplateString,
    Rule::FlaskSendFilePath,
];

/// Whether reconciling a pattern finding of `rule` may consult the taint pass's facts (a
/// data-sink rule whose argument being constant or sanitized drops it).
pub fn consults_facts(rule: Rule) -> bool {
    DATA_SINK_RULES.contains(&rule) && !reads_data_elsewhere(rule)
}

/// A deserializer's argument is often a file or a file name: a constant one says nothing
/// about the bytes read, so only the dedup against taint findings applies to them.
fn reads_data_elsewhere(rule: Rule) -> bool {
    matches!(rule, Rule::PickleLoads | Rule::Marshal | Rule::YamlLoad)
}

/// Reconcile pattern findings with the taint pass's findings and facts.
pub fn reconcile(
    pattern: Vec<RawFinding>,
    taint: &mut [RawFinding],
    facts: &TaintFacts,
    body: &[Stmt],
) -> Vec<RawFinding> {
    let taint_cwes: FxHashSet<u16> = Rule::ALL
        .iter()
        .filter(|rule| rule.meta().family == Family::Taint)
        .map(|rule| rule.meta().cwe)
        .collect();
    let mut kept = Vec::with_capacity(pattern.len());
    for mut finding in pattern {
        let cwe = finding.rule.meta().cwe;
        if !DATA_SINK_RULES.contains(&finding.rule) || !taint_cwes.contains(&cwe) {
            kept.push(finding);
            continue;
        }
        let covering = taint.iter_mut().find(|flow| {
            flow.rule.meta().cwe == cwe
                && (flow.statement == finding.statement
                    || flow.range.contains_range(finding.range)
                    || finding.range.contains_range(flow.range))
        });
        if let Some(flow) = covering {
            // The taint finding stands for both; it keeps the pattern rule's mechanical fix
            // (e.g. `yaml.load` -> `yaml.safe_load`).
            if flow.fix.is_none() {
                flow.fix = finding.fix.take();
            }
            continue;
        }
        if !reads_data_elsewhere(finding.rule)
            && let Some(argument) = sink_argument(body, finding.range)
            && let Some(fact) = facts.get(argument)
            && (fact.constant || (fact.tainted && fact.sanitized.contains(cwe)))
        {
            continue;
        }
        let confidence = finding.confidence.unwrap_or(finding.rule.meta().confidence);
        finding.confidence = Some(confidence.min(Confidence::Medium));
        kept.push(finding);
    }
    kept
}

/// The first argument of the innermost call that contains `range` (the sink's data argument
/// for every pattern sink we reconcile: the command, the code, the query, the path).
fn sink_argument(body: &[Stmt], range: TextRange) -> Option<TextRange> {
    let mut finder = CallFinder {
        target: range,
        found: None,
    };
    for stmt in body {
        if stmt.range().contains_range(range) {
            finder.visit_stmt(stmt);
        }
    }
    finder.found
}

struct CallFinder {
    target: TextRange,
    found: Option<TextRange>,
}

impl<'a> Visitor<'a> for CallFinder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if stmt.range().contains_range(self.target) {
            visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !expr.range().contains_range(self.target) {
            return;
        }
        if let Expr::Call(ast::ExprCall { arguments, .. }) = expr
            && let Some(first) = arguments
                .args
                .first()
                .or_else(|| arguments.keywords.first().map(|k| &k.value))
        {
            // Innermost wins: later (deeper) matches overwrite.
            if !first.range().contains_range(self.target) {
                self.found = Some(first.range());
            }
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyse_text;
    use crate::finding::Confidence;
    use crate::rules::{Family, Rule};

    const SOURCE: &str = r#"import subprocess
from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args["host"]
    subprocess.call("ping -c 1 " + host, shell=True)
    command = "uptime"
    subprocess.call(command, shell=True)
    return "ok"


def helper(command):
    subprocess.call(command, shell=True)
"#;

    #[test]
    fn one_finding_per_sink_constant_dropped_unknown_is_medium() {
        let findings = analyse_text("app/views.py", SOURCE, Rule::ALL).findings;
        let at = |line: u32| -> Vec<Rule> {
            findings
                .iter()
                .filter(|f| f.span.start.line == line)
                .map(|f| f.rule)
                .collect()
        };
        let taint_rule = Rule::from_code("SG002").expect("command injection taint rule");
        assert_eq!(
            at(10),
            vec![taint_rule],
            "known source: the taint rule alone"
        );
        assert!(at(12).is_empty(), "provably constant command: no finding");
        let unknown: Vec<_> = findings
            .iter()
            .filter(|f| f.span.start.line == 17)
            .collect();
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].rule, Rule::SubprocessShellTrue);
        assert_eq!(unknown[0].confidence, Confidence::Medium);
        let flow = findings
            .iter()
            .find(|f| f.rule == taint_rule)
            .map(|f| f.flow.len());
        assert!(
            flow.is_some_and(|steps| steps >= 2),
            "the taint finding carries its path"
        );
    }

    #[test]
    fn the_taint_finding_inherits_the_mechanical_fix() {
        let source = "import yaml\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route('/c', methods=['POST'])\ndef upload():\n    return yaml.load(request.data)\n";
        let findings = analyse_text("app/views.py", source, Rule::ALL).findings;
        let on_load: Vec<_> = findings.iter().filter(|f| f.span.start.line == 9).collect();
        assert_eq!(on_load.len(), 1, "{on_load:#?}");
        assert_eq!(
            on_load[0].rule,
            Rule::from_code("SG012").expect("deserialization taint rule")
        );
        let fix = on_load[0]
            .fix
            .as_ref()
            .expect("the yaml.safe_load fix is kept");
        assert_eq!(fix.replacement, "    return yaml.safe_load(request.data)");
    }

    /// Module-level code is reported on in its own pass, which is skipped only when it cannot
    /// matter: these lines each need it (a fact for a constant, a source through a function
    /// of the module).
    #[test]
    fn module_level_code_keeps_its_facts_and_flows() {
        let source = "import subprocess\nfrom flask import request\n\n\ndef read():\n    return request.args['c']\n\n\nsubprocess.call('uptime', shell=True)\nsubprocess.call(read(), shell=True)\n";
        let findings = analyse_text("app/tasks.py", source, Rule::ALL).findings;
        let taint_rule = Rule::from_code("SG002").expect("command injection taint rule");
        let lines: Vec<(u32, Rule)> = findings
            .iter()
            .filter(|f| [taint_rule, Rule::SubprocessShellTrue].contains(&f.rule))
            .map(|f| (f.span.start.line, f.rule))
            .collect();
        // Line 9's constant command is dropped by its fact; line 10 is the flow.
        assert_eq!(lines, vec![(10, taint_rule)], "{findings:#?}");
        // Without a pattern finding there: a flow through a function of the module, and one
        // straight from a source.
        let source = "import sqlite3\nimport sys\nfrom flask import request\n\n\ndef read():\n    return request.args['c']\n\n\ncursor = sqlite3.connect('db').cursor()\ncursor.execute(read())\ncursor.execute(sys.argv[1])\n";
        let findings = analyse_text("app/tasks.py", source, Rule::ALL).findings;
        let lines: Vec<(u32, &str)> = findings
            .iter()
            .filter(|f| f.rule.meta().family == Family::Taint)
            .map(|f| (f.span.start.line, f.rule.meta().code))
            .collect();
        assert_eq!(lines, vec![(11, "SG001"), (12, "SG001")], "{findings:#?}");
    }

    #[test]
    fn without_taint_rules_pattern_rules_are_unchanged() {
        let findings = analyse_text("app/views.py", SOURCE, &[Rule::SubprocessShellTrue]).findings;
        let lines: Vec<u32> = findings.iter().map(|f| f.span.start.line).collect();
        assert_eq!(lines, vec![10, 12, 17]);
    }
}
