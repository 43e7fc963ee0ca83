//! SG614: `torch.load` that may unpickle arbitrary objects.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::{is_falsy_literal, is_truthy_literal};
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `torch.load(...)` unless it passes `weights_only=True`. `torch.jit.load` (which
    /// reads TorchScript, not pickles) is not reported.
    ///
    /// ## Why is this bad?
    /// Checkpoints saved with `torch.save` are pickles. Without `weights_only=True`, loading a
    /// checkpoint downloaded from a model hub, received from a user or found on a shared disk
    /// runs whatever code its author embedded. PyTorch 2.6 changed the default to
    /// `weights_only=True`, but older versions — and explicit `weights_only=False` — remain
    /// unsafe, so state the setting explicitly.
    ///
    /// ## Example
    /// ```python
    /// state = torch.load(checkpoint_path, map_location="cpu")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// state = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
    /// # or: safetensors.torch.load_file(checkpoint_path)
    /// ```
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    /// - PyTorch docs: `torch.load` (`weights_only`)
    code: "SG614",
    name: "pytorch-load",
    family: Injection,
    cwe: 502,
    severity: Medium,
    confidence: High,
    summary: "`torch.load` without `weights_only=True` can execute code from the checkpoint",
    hooks: Hooks { call: Some((&["torch.load", "torch.serialization.load"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let message = match site.keyword("weights_only") {
        Some(value) if is_truthy_literal(value) => return,
        Some(value) if is_falsy_literal(value) => {
            "`torch.load` with `weights_only=False` unpickles arbitrary objects: load only trusted files, or use `weights_only=True` or safetensors"
        }
        Some(_) => return,
        None if site.has_kwargs_splat() => return,
        None => {
            "`torch.load` without `weights_only=True` may unpickle arbitrary objects (PyTorch < 2.6): pass `weights_only=True`"
        }
    };
    checker.report(site.call.func.range(), message);
}
