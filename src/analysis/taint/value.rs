//! The abstract domain: constants, taint labels, values and per-function states.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::models::CweSet;

/// Longest string constant tracked exactly; longer ones become [`Const::Opaque`].
const MAX_CONST_STR: usize = 4096;

/// A known Python constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// A tuple, list or set of constants.
    Seq(Rc<[Const]>),
    /// A dict whose keys are constants (only its keys are known).
    Keys(Rc<[Const]>),
    /// A constant whose value is not tracked (bytes, complex, long strings).
    Opaque,
}

impl Const {
    pub fn str(text: &str) -> Const {
        if text.len() > MAX_CONST_STR {
            Const::Opaque
        } else {
            Const::Str(Rc::from(text))
        }
    }

    /// Python truthiness, when known.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Const::None => Some(false),
            Const::Bool(value) => Some(*value),
            Const::Int(value) => Some(*value != 0),
            Const::Float(value) => Some(*value != 0.0),
            Const::Str(text) => Some(!text.is_empty()),
            Const::Seq(items) | Const::Keys(items) => Some(!items.is_empty()),
            Const::Opaque => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Const::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Const::Int(value) => Some(*value as f64),
            Const::Float(value) => Some(*value),
            Const::Bool(value) => Some(f64::from(u8::from(*value))),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Const::Int(value) => Some(*value),
            Const::Bool(value) => Some(i64::from(*value)),
            _ => None,
        }
    }
}

/// One taint label: the origin (source or parameter) and the trace node of its provenance.
pub type Label = (u32, u32);

/// The abstract value of an expression or access path.
#[derive(Clone, Debug, Default)]
pub struct Value {
    /// Taint labels sorted by origin; empty when clean.
    pub taint: Vec<Label>,
    /// CWEs for which the tainted value has been sanitized.
    pub sanitized: CweSet,
    /// The taint went through a call nobody modelled (lower confidence).
    pub weak: bool,
    pub constant: Option<Const>,
    /// What the value is an instance of: a qualified constructor (`requests.Session`),
    /// `request` for framework request objects, or a module attribute name.
    pub kind: Option<Rc<str>>,
}

impl Value {
    pub fn constant(constant: Const) -> Value {
        Value {
            constant: Some(constant),
            ..Value::default()
        }
    }

    pub fn is_tainted(&self) -> bool {
        !self.taint.is_empty()
    }

    /// Tainted for a sink of `cwe` (not sanitized for it).
    pub fn tainted_for(&self, cwe: u16) -> bool {
        self.is_tainted() && !self.sanitized.contains(cwe)
    }

    /// Add the taint of `other` (for expressions that combine operands). Constants and kinds
    /// are the caller's business.
    pub fn absorb(&mut self, other: &Value) {
        if other.taint.is_empty() {
            return;
        }
        if self.taint.is_empty() {
            self.taint = other.taint.clone();
            self.sanitized = other.sanitized;
            self.weak = other.weak;
            return;
        }
        union_labels(&mut self.taint, &other.taint);
        self.sanitized = CweSet(self.sanitized.0 & other.sanitized.0);
        self.weak |= other.weak;
    }

    /// Join at a merge point: taint union, sanitized intersection, equal-or-unknown constants.
    pub fn join(&self, other: &Value) -> Value {
        let mut out = self.clone();
        out.absorb(other);
        if out.constant != other.constant {
            out.constant = None;
        }
        if out.kind != other.kind {
            out.kind = out.kind.or_else(|| other.kind.clone());
        }
        out
    }

    /// Only the taint of a value (no constant, no kind).
    pub fn taint_only(&self) -> Value {
        Value {
            taint: self.taint.clone(),
            sanitized: self.sanitized,
            weak: self.weak,
            constant: None,
            kind: None,
        }
    }

    /// Same abstract value (for fixpoints): traces are ignored.
    pub fn same(&self, other: &Value) -> bool {
        self.taint.len() == other.taint.len()
            && self.taint.iter().zip(&other.taint).all(|(a, b)| a.0 == b.0)
            && (self.taint.is_empty()
                || (self.sanitized == other.sanitized && self.weak == other.weak))
            && self.constant == other.constant
            && self.kind == other.kind
    }
}

fn union_labels(into: &mut Vec<Label>, other: &[Label]) {
    for label in other {
        match into.binary_search_by_key(&label.0, |existing| existing.0) {
            Ok(_) => {}
            Err(position) => {
                if into.len() < 16 {
                    into.insert(position, *label);
                }
            }
        }
    }
}

/// Separator between a variable and an attribute in a path key.
pub const ATTR: char = '\u{1}';
/// Separator between a variable and a constant key in a path key.
pub const KEY: char = '\u{2}';

/// The abstract state at a program point: access path -> value.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub vars: BTreeMap<Rc<str>, Value>,
    /// No execution reaches this point.
    pub dead: bool,
}

impl State {
    pub fn dead() -> State {
        State {
            vars: BTreeMap::new(),
            dead: true,
        }
    }

    /// Whether the path or anything below it is known.
    pub fn knows(&self, path: &str) -> bool {
        if self.vars.contains_key(path) {
            return true;
        }
        self.below(path).next().is_some()
    }

    fn below<'s, 'p>(
        &'s self,
        path: &'p str,
    ) -> impl Iterator<Item = (&'s Rc<str>, &'s Value)> + use<'s, 'p> {
        use std::ops::Bound;
        // Keys below `path` sort right after it (the separators are the lowest characters).
        self.vars
            .range::<str, _>((Bound::Excluded(path), Bound::Unbounded))
            .take_while(move |(key, _)| {
                key.strip_prefix(path)
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(|c| c == ATTR || c == KEY)
            })
    }

    /// The value of exactly `path`, falling back to the nearest known prefix.
    pub fn lookup(&self, path: &str) -> Option<Value> {
        if let Some(value) = self.vars.get(path) {
            return Some(value.clone());
        }
        let cut = path.rfind([ATTR, KEY])?;
        let mut parent = self.lookup(&path[..cut])?;
        parent.constant = None;
        if path[cut..].starts_with(ATTR) {
            parent.kind = None;
        }
        Some(parent)
    }

    /// The value of `path` including everything stored below it (`d` with `d["k"]`).
    pub fn read_whole(&self, path: &str) -> Option<Value> {
        let mut value = self.lookup(path);
        for (_, field) in self.below(path) {
            match &mut value {
                Some(value) => {
                    value.absorb(field);
                    value.constant = None;
                }
                None => value = Some(field.taint_only()),
            }
        }
        value
    }

    /// Strong update of `path`: kills everything below it.
    pub fn set(&mut self, path: &str, value: Value) {
        let doomed: Vec<Rc<str>> = self.below(path).map(|(key, _)| key.clone()).collect();
        for key in doomed {
            self.vars.remove(&key);
        }
        self.vars.insert(Rc::from(path), value);
    }

    pub fn remove(&mut self, path: &str) {
        let doomed: Vec<Rc<str>> = self.below(path).map(|(key, _)| key.clone()).collect();
        for key in doomed {
            self.vars.remove(&key);
        }
        self.vars.remove(path);
    }

    pub fn join(&self, other: &State) -> State {
        if self.dead {
            return other.clone();
        }
        if other.dead {
            return self.clone();
        }
        // Both maps are sorted by key: merge them in one pass (a key known on one side only
        // is joined with what the other side knows about it, its nearest known prefix).
        let mut merged: Vec<(Rc<str>, Value)> =
            Vec::with_capacity(self.vars.len().max(other.vars.len()));
        let mut left = self.vars.iter().peekable();
        let mut right = other.vars.iter().peekable();
        loop {
            let order = match (left.peek(), right.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some((a, _)), Some((b, _))) => a.cmp(b),
            };
            let (key, value) = match order {
                std::cmp::Ordering::Equal => {
                    let (Some((key, a)), Some((_, b))) = (left.next(), right.next()) else {
                        break;
                    };
                    (key, a.join(b))
                }
                std::cmp::Ordering::Less => {
                    let Some((key, a)) = left.next() else { break };
                    (key, a.join(&other.lookup(key).unwrap_or_default()))
                }
                std::cmp::Ordering::Greater => {
                    let Some((key, b)) = right.next() else { break };
                    (key, self.lookup(key).unwrap_or_default().join(b))
                }
            };
            merged.push((key.clone(), value));
        }
        State {
            vars: merged.into_iter().collect(),
            dead: false,
        }
    }

    pub fn same(&self, other: &State) -> bool {
        self.dead == other.dead
            && self.vars.len() == other.vars.len()
            && self
                .vars
                .iter()
                .zip(&other.vars)
                .all(|((ka, va), (kb, vb))| ka == kb && va.same(vb))
    }
}
