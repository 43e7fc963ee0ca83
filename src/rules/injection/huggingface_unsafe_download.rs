//! SG615: Hugging Face Hub downloads not pinned to a commit.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::finding::Confidence;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `from_pretrained(...)` of `transformers`/`diffusers` classes,
    /// `datasets.load_dataset(...)`, `huggingface_hub.hf_hub_download(...)` and
    /// `huggingface_hub.snapshot_download(...)` unless `revision=` (or `commit_id=`) is a commit
    /// hash (at least 7 hexadecimal characters). Branch and tag names such as `"main"` or
    /// `"v1.0"` are reported; a non-literal revision is reported with low confidence. Local
    /// paths (`"./model"`, `"/models/x"`) are not reported.
    ///
    /// ## Why is this bad?
    /// Branches and tags on the Hub are mutable. Whoever controls (or compromises) the
    /// repository can push new weights, tokenizer files or remote code, and every later
    /// download silently picks them up. Model files can contain pickles or custom code, so
    /// this is a supply-chain path to code execution.
    ///
    /// ## Example
    /// ```python
    /// model = AutoModel.from_pretrained("org/model")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// model = AutoModel.from_pretrained("org/model", revision="5d0f2e8a7b3c91f4e6a2d8c0b1e7f3a9c4d6e2b8")
    /// ```
    ///
    /// ## References
    /// - CWE-494: Download of Code Without Integrity Check
    /// - Hugging Face docs: "Download files from the Hub" (`revision`)
    code: "SG615",
    name: "huggingface-unsafe-download",
    family: Injection,
    cwe: 494,
    severity: Medium,
    confidence: High,
    summary: "Hugging Face Hub download not pinned to a commit hash",
    hooks: Hooks { call: Some((&[], check)), ..Hooks::NONE },
};

fn is_hub_download(callee: &str) -> bool {
    (callee.ends_with(".from_pretrained")
        && ["transformers.", "diffusers."]
            .iter()
            .any(|prefix| callee.starts_with(prefix)))
        || matches!(
            callee,
            "datasets.load_dataset"
                | "huggingface_hub.hf_hub_download"
                | "huggingface_hub.snapshot_download"
                | "huggingface_hub.file_download.hf_hub_download"
                | "huggingface_hub._snapshot_download.snapshot_download"
        )
}

fn is_commit_hash(value: &str) -> bool {
    value.len() >= 7 && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if !is_hub_download(callee) {
        return;
    }
    let repo = site
        .positional(0)
        .or_else(|| site.keyword("repo_id"))
        .or_else(|| site.keyword("pretrained_model_name_or_path"))
        .or_else(|| site.keyword("path"));
    if repo.and_then(string_literal).is_some_and(|path| {
        path.starts_with("./") || path.starts_with("../") || path.starts_with('/')
    }) {
        return;
    }
    let function = callee.rsplit('.').next().unwrap_or(callee);
    let revision = site
        .keyword("revision")
        .or_else(|| site.keyword("commit_id"));
    let (message, uncertain) = match revision {
        Some(value) => match string_literal(value) {
            Some(text) if is_commit_hash(&text) => return,
            Some(text) => (
                format!(
                    "`{function}` pinned to the mutable ref `{text}`: pin `revision=` to a commit hash"
                ),
                false,
            ),
            None => (
                format!(
                    "`{function}` with a revision computed at run time: make sure it is a commit hash"
                ),
                true,
            ),
        },
        None if site.has_kwargs_splat() => return,
        None => (
            format!(
                "`{function}` downloads from the Hugging Face Hub without `revision=`: pin it to a commit hash"
            ),
            false,
        ),
    };
    let finding = checker.report(site.call.func.range(), message);
    if uncertain {
        finding.confidence = Some(Confidence::Low);
    }
}
