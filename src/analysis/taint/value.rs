//! The abstract domain: constants, taint labels, values and per-function states.

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
/// [`KEY`] as a string, for joining paths.
pub const KEY_STR: &str = "\u{2}";

/// Access path -> value, sorted by path. States are small (a function's variables) and are
/// copied at every branch and merged at every join: a sorted vector merges in one pass where
/// a tree rebuilds its nodes, and it is shared until written (most branches write little, and
/// two joined states that were never written are the same vector).
#[derive(Clone, Debug, Default)]
pub struct Vars {
    entries: Rc<Vec<(Rc<str>, Value)>>,
    /// One bit per root variable (a path up to its first separator) that an entry was stored
    /// under, hashed ([`root_bit`]); bits stay set when entries go. A path whose root's bit is
    /// clear has no entry, no prefix and nothing below it here, which settles most reads of
    /// names a function never assigns (builtins, imports, globals) without a search.
    roots: u64,
}

/// The bit of [`Vars::roots`] for the root variable of `path`, from its first two bytes (the
/// second only when it is no separator, so `x` and `x.a` share their root's bit).
fn root_bit(path: &str) -> u64 {
    let bytes = path.as_bytes();
    let first = u32::from(bytes.first().copied().unwrap_or(0));
    let second = bytes
        .get(1)
        .copied()
        .filter(|&byte| byte != ATTR as u8 && byte != KEY as u8)
        .map_or(0, u32::from);
    let hash = (first | second << 8).wrapping_mul(0x9E37_79B9);
    1 << (hash >> 26)
}

impl Vars {
    /// Whether both are the same shared vector (so hold the same entries).
    fn shares(&self, other: &Vars) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }

    /// Whether an entry at, above or below `path` may be here (`false` is certain).
    fn may_hold(&self, path: &str) -> bool {
        self.roots & root_bit(path) != 0
    }

    fn entries_mut(&mut self) -> &mut Vec<(Rc<str>, Value)> {
        if Rc::get_mut(&mut self.entries).is_none() {
            // A shared vector is copied before it is written, with room for the entries a
            // branch usually adds (a copy made exactly full is copied again by the first
            // insertion).
            let mut copy = Vec::with_capacity(self.entries.len() + 4);
            copy.extend(self.entries.iter().cloned());
            self.entries = Rc::new(copy);
        }
        Rc::make_mut(&mut self.entries)
    }

    fn position(&self, path: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(key, _)| (**key).cmp(path))
    }

    /// The value stored at exactly `path` (callers test [`Vars::may_hold`] first).
    fn get(&self, path: &str) -> Option<&Value> {
        self.position(path).ok().map(|index| &self.entries[index].1)
    }

    pub fn insert(&mut self, path: Rc<str>, value: Value) {
        self.roots |= root_bit(&path);
        match self.position(&path) {
            Ok(index) => self.entries_mut()[index].1 = value,
            Err(index) => self.entries_mut().insert(index, (path, value)),
        }
    }

    pub fn remove(&mut self, path: &str) {
        if !self.may_hold(path) {
            return;
        }
        if let Ok(index) = self.position(path) {
            self.entries_mut().remove(index);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Rc<str>, &Value)> {
        self.entries.iter().map(|(key, value)| (key, value))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries sorting after `path` (those below it come first).
    fn after(&self, path: &str) -> &[(Rc<str>, Value)] {
        let start = self.entries.partition_point(|(key, _)| **key <= *path);
        &self.entries[start..]
    }
}

/// Whether `key` is strictly below `path` (`path` then a separator).
fn is_below(key: &str, path: &str) -> bool {
    key.strip_prefix(path)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c == ATTR || c == KEY)
}

/// The abstract state at a program point: access path -> value.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub vars: Vars,
    /// No execution reaches this point.
    pub dead: bool,
}

impl State {
    pub fn dead() -> State {
        State {
            vars: Vars::default(),
            dead: true,
        }
    }

    /// Whether the path or anything below it is known.
    pub fn knows(&self, path: &str) -> bool {
        if !self.vars.may_hold(path) {
            return false;
        }
        // The first entry not sorting before `path` is `path`, or below it if anything is.
        let entries = &self.vars.entries;
        let start = match self.vars.position(path) {
            Ok(_) => return true,
            Err(start) => start,
        };
        entries
            .get(start)
            .is_some_and(|(key, _)| is_below(key, path))
    }

    fn below<'s, 'p>(
        &'s self,
        path: &'p str,
    ) -> impl Iterator<Item = (&'s Rc<str>, &'s Value)> + use<'s, 'p> {
        // Keys below `path` sort right after it (the separators are the lowest characters).
        self.vars
            .after(path)
            .iter()
            .map(|(key, value)| (key, value))
            .take_while(move |(key, _)| is_below(key, path))
    }

    /// The value of exactly `path`, falling back to the nearest known prefix.
    pub fn lookup(&self, path: &str) -> Option<Value> {
        if !self.vars.may_hold(path) {
            return None;
        }
        match self.vars.get(path) {
            Some(value) => Some(value.clone()),
            None => self.through_prefix(path),
        }
    }

    /// The value of a `path` not stored itself: its nearest known prefix's, without the
    /// constant (and without the kind past an attribute).
    fn through_prefix(&self, path: &str) -> Option<Value> {
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
        if !self.vars.may_hold(path) {
            return None;
        }
        // One search finds both the path and where the entries below it start.
        let entries = &self.vars.entries;
        let (mut value, below) = match self.vars.position(path) {
            Ok(index) => (Some(entries[index].1.clone()), &entries[index + 1..]),
            Err(start) => (self.through_prefix(path), &entries[start..]),
        };
        let below = below.iter().take_while(|(key, _)| is_below(key, path));
        for (_, field) in below {
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
        self.remove_below(path);
        self.vars.insert(Rc::from(path), value);
    }

    pub fn remove(&mut self, path: &str) {
        self.remove_below(path);
        self.vars.remove(path);
    }

    /// Removes everything below `path` (not `path` itself).
    fn remove_below(&mut self, path: &str) {
        if self.vars.may_hold(path) && self.below(path).next().is_some() {
            self.vars
                .entries_mut()
                .retain(|(key, _)| !is_below(key, path));
        }
    }

    pub fn join(&self, other: &State) -> State {
        if self.dead {
            return other.clone();
        }
        if other.dead || self.vars.shares(&other.vars) {
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
            // Merged in key order from two sorted, duplicate-free maps.
            vars: Vars {
                entries: Rc::new(merged),
                roots: self.vars.roots | other.vars.roots,
            },
            dead: false,
        }
    }

    pub fn same(&self, other: &State) -> bool {
        if self.dead == other.dead && self.vars.shares(&other.vars) {
            return true;
        }
        self.dead == other.dead
            && self.vars.len() == other.vars.len()
            && self
                .vars
                .iter()
                .zip(other.vars.iter())
                .all(|((ka, va), (kb, vb))| ka == kb && va.same(vb))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn key_separator_is_the_same_as_text() {
        // Paths joined with `KEY_STR` must be found by the searches that split on `KEY`.
        assert_eq!(KEY_STR, KEY.to_string());
    }

    /// Paths over two variables, one attribute and one key, up to two levels deep.
    fn path() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["a", "b"]),
            prop::collection::vec(prop::sample::select(vec![ATTR, KEY]), 0..3),
        )
            .prop_map(|(root, steps)| {
                let mut path = root.to_string();
                for step in steps {
                    path.push(step);
                    path.push(if step == ATTR { 'x' } else { 'k' });
                }
                path
            })
    }

    #[derive(Debug, Clone)]
    enum Op {
        Set(String, i64),
        Remove(String),
        /// Keep a copy of the state here; later writes must not reach it.
        Snapshot,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (path(), any::<i64>()).prop_map(|(path, n)| Op::Set(path, n)),
            path().prop_map(Op::Remove),
            Just(Op::Snapshot),
        ]
    }

    fn is_below_or_at(key: &str, path: &str) -> bool {
        key == path || is_below(key, path)
    }

    fn entries(state: &State) -> Vec<(String, i64)> {
        state
            .vars
            .iter()
            .map(|(key, value)| {
                let n = value.constant.as_ref().and_then(Const::as_int);
                (key.to_string(), n.unwrap_or(i64::MIN))
            })
            .collect()
    }

    proptest! {
        /// The sorted, shared vector behaves as an ordered map with strong updates: `set`
        /// kills what lies below the path, `remove` the path and what lies below, and a
        /// copy taken earlier never sees later writes.
        #[test]
        fn state_is_an_ordered_map_with_strong_updates(ops in prop::collection::vec(op(), 0..40)) {
            let mut state = State::default();
            let mut model: BTreeMap<String, i64> = BTreeMap::new();
            let mut snapshots: Vec<(State, Vec<(String, i64)>)> = Vec::new();
            for op in ops {
                match op {
                    Op::Set(path, n) => {
                        state.set(&path, Value::constant(Const::Int(n)));
                        model.retain(|key, _| !is_below(key, &path));
                        model.insert(path, n);
                    }
                    Op::Remove(path) => {
                        state.remove(&path);
                        model.retain(|key, _| !is_below_or_at(key, &path));
                    }
                    Op::Snapshot => {
                        let expected = model.clone().into_iter().collect();
                        snapshots.push((state.clone(), expected));
                    }
                }
                let expected: Vec<(String, i64)> = model.clone().into_iter().collect();
                prop_assert_eq!(entries(&state), expected);
            }
            for (snapshot, expected) in &snapshots {
                prop_assert_eq!(&entries(snapshot), expected);
            }
            for path in ["a", "b", "c", "a\u{1}x", "a\u{2}k", "a\u{1}x\u{2}k", "b\u{2}k"] {
                prop_assert_eq!(
                    state.knows(path),
                    model.keys().any(|key| is_below_or_at(key, path))
                );
                // Read whole: the path, what lies below it, or else its nearest prefix.
                let whole = state.read_whole(path);
                prop_assert_eq!(
                    whole.is_some(),
                    model
                        .keys()
                        .any(|key| is_below_or_at(key, path) || is_below_or_at(path, key))
                );
                let alone = !model.keys().any(|key| is_below(key, path));
                if let (Some(n), true) = (model.get(path), alone) {
                    prop_assert_eq!(whole.and_then(|v| v.constant), Some(Const::Int(*n)));
                }
            }
            let joined = state.join(&state.clone());
            prop_assert!(joined.same(&state));
            // A merged state knows what either side knew.
            for (snapshot, _) in &snapshots {
                let merged = snapshot.join(&state);
                for path in ["a", "b", "c", "a\u{1}x", "a\u{2}k", "b\u{2}k"] {
                    prop_assert_eq!(merged.knows(path), snapshot.knows(path) || state.knows(path));
                }
            }
        }
    }
}
