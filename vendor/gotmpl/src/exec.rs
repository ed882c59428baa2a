//! Template execution engine. Walks the AST and writes output.
//!
//! The [`Executor`] evaluates a parsed template tree against a [`Value`] data
//! context, writing results to any [`core::fmt::Write`] destination.
//!
//! Used internally by [`Template::execute`](crate::Template::execute); most
//! users don't need it directly.
//!
//! # Execution model
//!
//! The executor maintains:
//! - **dot**: the current context value (changes inside `range`/`with`).
//! - **`$`**: always the root data passed to [`execute`](Executor::execute).
//! - **variable scopes**: a stack of name-to-[`Value`] frames, pushed and
//!   popped for control blocks.
//! - **recursion depth**: guards against stack overflow from recursive
//!   `{{template}}` calls.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::parse::SmolStr;

#[cfg(feature = "std")]
use std::any::Any;
#[cfg(feature = "std")]
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Result, TemplateError};
use crate::parse::{BranchNode, CommandNode, Expr, ListNode, Node, Number, PipeNode, TemplateNode};
use crate::value::Value;
use crate::value::ValueFunc;

/// Maximum total recursion depth across `{{template}}` invocations and
/// nested `{{if}}`/`{{with}}`/`{{range}}` bodies during execution.
///
/// Go uses 100,000; Rust's default thread stack is smaller (2 MB for test
/// threads). 200 gives comfortable headroom on a 2 MB stack and is far
/// beyond any reasonable template nesting.
const MAX_EXEC_DEPTH: usize = 200;

/// Controls behavior when accessing a missing key on a [`Value::Map`]. Set via
/// [`Template::missing_key`](crate::Template::missing_key).
///
/// Parseable from strings through [`FromStr`](core::str::FromStr): `"invalid"`,
/// `"default"`, `"zero"`, and `"error"`.
///
/// ```
/// use gotmpl::MissingKey;
///
/// let mk: MissingKey = "error".parse().unwrap();
/// assert_eq!(mk, MissingKey::Error);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum MissingKey {
    /// Return [`Value::Nil`] for missing keys (the default).
    #[default]
    Invalid,
    /// Return [`Value::Nil`] for missing keys. Kept as a distinct variant
    /// to mirror Go's `{{options "missingkey=zero"}}` directive.
    ZeroValue,
    /// Return a [`TemplateError::MissingKey`] for missing keys.
    Error,
}

impl core::fmt::Display for MissingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MissingKey::Invalid => f.write_str("invalid"),
            MissingKey::ZeroValue => f.write_str("zero"),
            MissingKey::Error => f.write_str("error"),
        }
    }
}

impl core::str::FromStr for MissingKey {
    type Err = TemplateError;

    fn from_str(s: &str) -> core::result::Result<Self, Self::Err> {
        match s {
            "invalid" | "default" => Ok(MissingKey::Invalid),
            "zero" => Ok(MissingKey::ZeroValue),
            "error" => Ok(MissingKey::Error),
            _ => Err(TemplateError::Exec(format!(
                "unrecognized missingkey value: {s:?}"
            ))),
        }
    }
}

// Internal control-flow signaling
//
// `{{break}}` and `{{continue}}` are not errors; they're control-flow signals
// caught by the range walker. We keep them out of the public `TemplateError`
// enum by using a private error type for the executor's internal methods.

/// Private error type that carries either a real [`TemplateError`] or an
/// internal break/continue signal. Only the public [`Executor::execute`]
/// method converts this into a [`TemplateError`] for the caller.
///
/// The `TemplateError` is boxed to keep `ExecSignal` small (one word plus
/// tag), so that deeply recursive `walk` calls don't blow the stack.
enum ExecSignal {
    /// A real template error to propagate to the caller.
    Err(Box<TemplateError>),
    /// `{{break}}`: exit the innermost range loop.
    Break,
    /// `{{continue}}`: skip to the next range iteration.
    Continue,
}

impl From<TemplateError> for ExecSignal {
    fn from(e: TemplateError) -> Self {
        ExecSignal::Err(Box::new(e))
    }
}

#[cfg(feature = "std")]
impl From<std::io::Error> for ExecSignal {
    fn from(e: std::io::Error) -> Self {
        ExecSignal::Err(Box::new(TemplateError::Io(e)))
    }
}

impl From<core::fmt::Error> for ExecSignal {
    fn from(_: core::fmt::Error) -> Self {
        ExecSignal::Err(Box::new(TemplateError::Write))
    }
}

/// Internal result alias used by the executor's private methods.
type ExecResult<T> = core::result::Result<T, ExecSignal>;

/// Variable scope: a stack of name→value mappings.
/// New scopes are pushed for range/with blocks. Keys are [`SmolStr`] so that
/// short identifiers coming from the parser (already stored as `SmolStr`)
/// inline up to 22 bytes — avoiding the heap allocation and atomic refcount
/// bump that `Arc<str>` would incur on every `set`/`assign`.
/// runeguard patch 56: each variable's value and whether it holds a ranged element of an
/// untyped list or map (an `interface {}` to Go, see `dot_elem`).
struct VarScope {
    frames: Vec<BTreeMap<SmolStr, (Value, bool)>>,
}

impl VarScope {
    fn new() -> Self {
        VarScope {
            frames: vec![BTreeMap::new()],
        }
    }

    fn push(&mut self) {
        self.frames.push(BTreeMap::new());
    }

    fn pop(&mut self) {
        self.frames.pop();
    }

    fn set(&mut self, name: &SmolStr, val: Value) {
        self.set_elem(name, val, false);
    }

    fn set_elem(&mut self, name: &SmolStr, val: Value, elem: bool) {
        if let Some(frame) = self.frames.last_mut() {
            frame.insert(name.clone(), (val, elem));
        }
    }

    /// Set a variable in any existing scope (for assignment with =).
    fn assign(&mut self, name: &SmolStr, val: Value) {
        self.assign_elem(name, val, false);
    }

    fn assign_elem(&mut self, name: &SmolStr, val: Value, elem: bool) {
        for frame in self.frames.iter_mut().rev() {
            if let Some(slot) = frame.get_mut(name.as_str()) {
                *slot = (val, elem);
                return;
            }
        }
        self.set_elem(name, val, elem);
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.get_elem(name).map(|(v, _)| v)
    }

    fn get_elem(&self, name: &str) -> Option<(&Value, bool)> {
        for frame in self.frames.iter().rev() {
            if let Some((v, elem)) = frame.get(name) {
                return Some((v, *elem));
            }
        }
        None
    }
}

/// runeguard patch: how an execution prints a nil action. Go's template prints `<no value>`;
/// Helm removes that text from each rendered template and from `tpl`'s result, but not from
/// what `include` returns (a function can see it: `include "x" . | toJson` keeps it). An
/// execution started inside [`keep`]`(true)` prints `<no value>`; others print nothing, and
/// remove `<no value>` from the strings their actions print (as Helm's final replacement).
pub mod no_value {
    use core::cell::Cell;

    /// The text Go prints for a nil action.
    pub const TEXT: &str = "<no value>";

    std::thread_local! {
        static KEEP: Cell<bool> = const { Cell::new(false) };
    }

    /// Restores the previous mode when dropped.
    pub struct Scope(bool);

    /// Executions started until the scope is dropped print `<no value>` (`true`) or not.
    pub fn keep(on: bool) -> Scope {
        Scope(KEEP.with(|k| k.replace(on)))
    }

    impl Drop for Scope {
        fn drop(&mut self) {
            let previous = self.0;
            KEEP.with(|k| k.set(previous));
        }
    }

    pub(crate) fn kept() -> bool {
        KEEP.with(|k| k.get())
    }
}

/// runeguard patch: Go converts a number constant written in the template to the type of the
/// parameter it is given to: `3.0` (a float constant with an integral value) is an `int` for an
/// `int` parameter (`trunc 3.0 "abcdef"` works) and a float64 for an `interface{}` one. While a
/// function called by name runs, [`integral_floats`] has bit `i` set when its argument `i` is
/// such a constant, so that a wrapper checking Go's parameter types can convert it.
pub mod literal {
    use core::cell::Cell;

    std::thread_local! {
        static INTEGRAL_FLOATS: Cell<u64> = const { Cell::new(0) };
    }

    /// The arguments of the call starting that are integral float constants (bit `i`, `i` < 64).
    pub fn integral_floats() -> u64 {
        INTEGRAL_FLOATS.with(|c| c.get())
    }

    pub(crate) fn set(mask: u64) {
        INTEGRAL_FLOATS.with(|c| c.set(mask));
    }

    std::thread_local! {
        static NIL_FIELDS: Cell<u64> = const { Cell::new(0) };
    }

    /// The arguments of the call starting that are nil read from a field (bit `i`, `i` < 64):
    /// `.Values.missing`, `$.Values.x` holding null, `(.m).x`. Go hands such an argument to
    /// the function as a typed nil (`interface {}`, text/template's `missingkey=zero` and map
    /// lookups), which a parameter of a concrete type refuses ("wrong type for value; expected
    /// map[string]interface {}; got interface {}"), where a `nil` literal, a variable or a
    /// parenthesised pipeline gives an untyped nil that converts to the zero value.
    pub fn nil_fields() -> u64 {
        NIL_FIELDS.with(|c| c.get())
    }

    std::thread_local! {
        static CONSTANTS: Cell<u64> = const { Cell::new(0) };
    }

    /// runeguard patch 50: the arguments of the call starting that are constants written in
    /// the template (a string, number, boolean or `nil`; bit `i`, `i` < 64). Go converts such
    /// a node to the parameter's type itself (`evalArg`) and words its own error when it
    /// cannot: `expected integer; found "x"`.
    pub fn constants() -> u64 {
        CONSTANTS.with(|c| c.get())
    }

    pub(crate) fn set_constants(mask: u64) {
        CONSTANTS.with(|c| c.set(mask));
    }

    pub(crate) fn set_nil_fields(mask: u64) {
        NIL_FIELDS.with(|c| c.set(mask));
    }

    /// Sets [`nil_fields`] for a test calling a function directly.
    #[doc(hidden)]
    pub fn set_nil_fields_for_test(mask: u64) {
        set_nil_fields(mask);
    }
}

/// runeguard patch: where each piece of output came from. While a trace is active on this
/// thread (see [`trace`]), the outermost execution records, for every text node and printing
/// action it writes, the output byte range, the template (name) and the node's position; and
/// every execution records the last node it started, so a runtime error can be located.
pub mod trace {
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::cell::RefCell;

    /// One written piece: output bytes `start..end`, from template `name` at byte `offset`
    /// (line `line`) of its source; `action` is false for literal text.
    #[derive(Debug, Clone)]
    pub struct Piece {
        pub start: usize,
        pub end: usize,
        pub name: String,
        pub offset: usize,
        pub line: usize,
        pub action: bool,
        /// runeguard patch: the allocation of the string an action printed as it was
        /// (no pipeline made another), or of the one value a pipeline of literal-argument
        /// functions printed (`.path | quote`, patch 64), 0 for anything else: tells which
        /// value printed it.
        pub printed: usize,
    }

    #[derive(Debug, Default)]
    pub struct Trace {
        pub pieces: Vec<Piece>,
        /// The last node started (template name, offset, line) by each nested execution,
        /// outermost first (`include` and `tpl` execute templates of their own).
        pub last: Vec<(String, usize, usize)>,
        pub(crate) nesting: usize,
        /// The next execution records its pieces into the top of `captures`.
        pub(crate) capture_next: bool,
        pub(crate) captures: Vec<Vec<Piece>>,
        /// runeguard patch: each `{{template "x" pipeline}}` the traced execution ran that
        /// wrote pieces, in the order they ended (an inner call before the one around it).
        pub calls: Vec<Call>,
        /// runeguard patch 66: the same calls of each captured execution, beside `captures`
        /// (their ranges index that capture's pieces).
        pub(crate) capture_calls: Vec<Vec<Call>>,
    }

    /// runeguard patch: a `{{template}}` call of the traced execution: the pieces it wrote
    /// (`pieces[first..end]`) and where it was called (the calling template's name and the
    /// node's offset there, at its `template` keyword).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Call {
        pub first: usize,
        pub end: usize,
        pub name: String,
        pub offset: usize,
    }

    std::thread_local! {
        pub(crate) static TRACE: RefCell<Option<Trace>> = const { RefCell::new(None) };
        static DEADLINE: core::cell::Cell<Option<std::time::Instant>> = const { core::cell::Cell::new(None) };
        static TICKS: core::cell::Cell<u32> = const { core::cell::Cell::new(0) };
    }

    /// Most bytes one execution may write (each `include` is an execution of its own).
    pub const MAX_OUTPUT: usize = 64 * 1024 * 1024;

    /// Executions on this thread stop with an error after `at` (checked at each node).
    pub fn set_deadline(at: Option<std::time::Instant>) {
        DEADLINE.with(|d| d.set(at));
    }

    pub(crate) fn past_deadline() -> bool {
        // The clock is read every 256 nodes.
        let n = TICKS.with(|t| {
            let n = t.get().wrapping_add(1);
            t.set(n);
            n
        });
        n % 256 == 0 && DEADLINE.with(|d| d.get()).is_some_and(|d| std::time::Instant::now() > d)
    }

    /// Starts recording on this thread.
    pub fn start() {
        TRACE.with(|t| *t.borrow_mut() = Some(Trace::default()));
    }

    /// Stops recording and returns what was recorded.
    pub fn take() -> Option<Trace> {
        TRACE.with(|t| t.borrow_mut().take())
    }

    pub(crate) fn enter() -> bool {
        TRACE.with(|t| match t.borrow_mut().as_mut() {
            Some(tr) => {
                tr.nesting += 1;
                tr.last.truncate(tr.nesting - 1);
                tr.nesting == 1
            }
            None => false,
        })
    }

    /// Ends an execution; `ok`: it succeeded, so the nodes it started are no error's place (a
    /// `required` failing after its `include` argument ran is at the caller's action, not at
    /// the partial's last node).
    pub(crate) fn leave(ok: bool) {
        TRACE.with(|t| {
            if let Some(tr) = t.borrow_mut().as_mut() {
                tr.nesting = tr.nesting.saturating_sub(1);
                if ok {
                    tr.last.truncate(tr.nesting);
                }
            }
        })
    }

    pub(crate) fn at(name: &str, offset: usize, line: usize) {
        TRACE.with(|t| {
            if let Some(tr) = t.borrow_mut().as_mut() {
                let level = tr.nesting.max(1);
                tr.last.truncate(level);
                match tr.last.get_mut(level - 1) {
                    Some((n, o, l)) if n == name => {
                        *o = offset;
                        *l = line;
                    }
                    Some(slot) => *slot = (String::from(name), offset, line),
                    None => {
                        while tr.last.len() + 1 < level {
                            tr.last.push((String::new(), 0, 0));
                        }
                        tr.last.push((String::from(name), offset, line));
                    }
                }
            }
        })
    }

    /// The node the innermost execution running on this thread started last (template name,
    /// byte offset): while a function runs, the action (or `if`/`range`/`with`) calling it.
    pub fn current() -> Option<(String, usize)> {
        TRACE.with(|t| {
            let t = t.borrow();
            let tr = t.as_ref()?;
            let (name, offset, _) = tr.last.get(tr.nesting.checked_sub(1)?)?;
            Some((name.clone(), *offset))
        })
    }

    /// The next execution started (a function's own, such as Helm's `include`) records its
    /// pieces, relative to its own output, until [`capture_end`]. Captures nest.
    pub fn capture_begin() {
        TRACE.with(|t| {
            if let Some(tr) = t.borrow_mut().as_mut() {
                tr.captures.push(Vec::new());
                tr.capture_calls.push(Vec::new());
                tr.capture_next = true;
            }
        })
    }

    /// The pieces the execution asked for by [`capture_begin`] wrote.
    pub fn capture_end() -> Vec<Piece> {
        capture_end_with_calls().0
    }

    /// runeguard patch 66: [`capture_end`] with the `{{template}}` calls the captured
    /// execution ran that wrote pieces (indexes into those pieces, in the order they ended).
    pub fn capture_end_with_calls() -> (Vec<Piece>, Vec<Call>) {
        TRACE.with(|t| match t.borrow_mut().as_mut() {
            Some(tr) => {
                tr.capture_next = false;
                let calls = tr.capture_calls.pop().unwrap_or_default();
                (tr.captures.pop().unwrap_or_default(), calls)
            }
            None => (Vec::new(), Vec::new()),
        })
    }

    pub(crate) fn claim_capture() -> bool {
        TRACE.with(|t| {
            t.borrow_mut()
                .as_mut()
                .is_some_and(|tr| core::mem::take(&mut tr.capture_next))
        })
    }

    pub(crate) fn captured_piece(p: Piece) {
        TRACE.with(|t| {
            if let Some(top) = t.borrow_mut().as_mut().and_then(|tr| tr.captures.last_mut()) {
                top.push(p);
            }
        })
    }

    /// How many pieces the traced execution has written.
    pub(crate) fn pieces_len() -> usize {
        TRACE.with(|t| t.borrow().as_ref().map_or(0, |tr| tr.pieces.len()))
    }

    /// How many pieces the innermost captured execution has written (patch 66).
    pub(crate) fn captured_len() -> usize {
        TRACE.with(|t| {
            t.borrow()
                .as_ref()
                .and_then(|tr| tr.captures.last())
                .map_or(0, Vec::len)
        })
    }

    pub(crate) fn call(c: Call) {
        TRACE.with(|t| {
            if let Some(tr) = t.borrow_mut().as_mut() {
                tr.calls.push(c);
            }
        })
    }

    /// A `{{template}}` call of the innermost captured execution (patch 66).
    pub(crate) fn captured_call(c: Call) {
        TRACE.with(|t| {
            if let Some(top) = t.borrow_mut().as_mut().and_then(|tr| tr.capture_calls.last_mut()) {
                top.push(c);
            }
        })
    }

    pub(crate) fn piece(p: Piece) {
        TRACE.with(|t| {
            if let Some(tr) = t.borrow_mut().as_mut() {
                tr.pieces.push(p);
            }
        })
    }
}

/// Default per-execution iteration budget across all `{{range}}` loops.
/// Caps attacker-controlled `{{range 10000000000}}` / nested-range DoS.
pub(crate) const DEFAULT_MAX_RANGE_ITERS: u64 = 10_000_000;

/// Key used for the template's implicit `$` variable.
const DOLLAR_KEY: SmolStr = SmolStr::new_static("$");

/// The template execution context.
///
/// Walks the AST produced by the [`Parser`](crate::parse::Parser), evaluating
/// pipelines, resolving variables, calling functions, and writing output.
/// Created internally by [`Template::execute`](crate::Template::execute).
pub struct Executor<'a> {
    funcs: &'a BTreeMap<String, ValueFunc>,
    templates: &'a BTreeMap<String, Arc<ListNode>>,
    vars: VarScope,
    depth: usize,
    missing_key: MissingKey,
    range_iters_remaining: u64,
    /// runeguard patch: this execution is the traced (outermost) one.
    traced: bool,
    /// runeguard patch: this execution's pieces are captured (`trace::capture_begin`).
    captured: bool,
    /// runeguard patch: bytes written so far, and the template being walked.
    written: usize,
    current: alloc::vec::Vec<SmolStr>,
    /// runeguard patch: a nil action prints `<no value>` ([`no_value`]).
    keep_no_value: bool,
    /// runeguard patch: dot is an element of the `[]interface {}` or `map[string]interface {}`
    /// being ranged over, an `interface {}` to Go: nil, it is a valid nil (whose field is a
    /// nil-pointer error), not nil data (Go's invalid value, whose fields are all nil); a
    /// scalar's field is an error naming `interface {}`, not the scalar's type.
    dot_elem: bool,
}

/// Returns a short human-readable name for an expression, used in error messages.
fn expr_name(expr: &Expr) -> &'static str {
    match expr {
        Expr::Dot(_) => "<.>",
        Expr::Field(_, _) => "<field>",
        Expr::Variable(_, _, _) => "<variable>",
        Expr::Identifier(_, _) => "<identifier>",
        Expr::String(_, _) => "<string>",
        Expr::Number(_, _) => "<number>",
        Expr::Bool(_, _) => "<bool>",
        Expr::Nil(_) => "<nil>",
        Expr::Pipe(_, _) => "<pipeline>",
        Expr::Chain(_, _, _) => "<chain>",
    }
}

/// Execute a range loop body with break/continue handling.
///
/// `iter` yields `(index_value, element_value)` pairs. The macro is
/// necessary because `break` / `continue` are loop-control keywords
/// that cannot live inside a regular function call.
macro_rules! range_loop {
    ($self:expr, $w:expr, $branch:expr, $iter:expr) => {
        range_loop!($self, $w, $branch, $iter, false)
    };
    ($self:expr, $w:expr, $branch:expr, $iter:expr, $elem:expr) => {
        for (idx_val, item) in $iter {
            if $self.range_iters_remaining == 0 {
                return Err(TemplateError::RangeIterLimit.into());
            }
            $self.range_iters_remaining -= 1;
            $self.vars.push();
            if $branch.pipe.is_assign {
                // Assignment form ($v = range ...): modify existing variables
                // in their original (outer) scope so they persist after the loop.
                // runeguard patch 56: the element variable is an `interface {}` as dot is.
                if $branch.pipe.decl.len() == 1 {
                    $self.vars.assign_elem(&$branch.pipe.decl[0], item.clone(), $elem);
                } else if $branch.pipe.decl.len() >= 2 {
                    $self.vars.assign(&$branch.pipe.decl[0], idx_val);
                    $self.vars.assign_elem(&$branch.pipe.decl[1], item.clone(), $elem);
                }
            } else {
                // Declaration form ($v := range ...): create variables in the
                // per-iteration scope (pushed above).
                if $branch.pipe.decl.len() == 1 {
                    $self.vars.set_elem(&$branch.pipe.decl[0], item.clone(), $elem);
                } else if $branch.pipe.decl.len() >= 2 {
                    $self.vars.set(&$branch.pipe.decl[0], idx_val);
                    $self.vars.set_elem(&$branch.pipe.decl[1], item.clone(), $elem);
                }
            }
            let outer_elem = core::mem::replace(&mut $self.dot_elem, $elem);
            let walked = $self.walk($w, &$branch.body, &item);
            $self.dot_elem = outer_elem;
            match walked {
                Ok(()) => {}
                Err(ExecSignal::Break) => {
                    $self.vars.pop();
                    break;
                }
                Err(ExecSignal::Continue) => {
                    $self.vars.pop();
                    continue;
                }
                Err(e) => {
                    $self.vars.pop();
                    return Err(e);
                }
            }
            $self.vars.pop();
        }
    };
}

/// Go restricts `range` over an integer (Go 1.22+) to a single loop variable:
/// `{{range $i, $v := 3}}` errors at exec with "can't use N to iterate over
/// more than one variable" — for any value, and *before* the empty check.
/// Slices, maps, and channels are unaffected; only the integer kinds are
/// guarded. `val`'s `Display` reproduces Go's `N` (`Int`/`Uint` both print the
/// bare magnitude).
fn ensure_single_range_var(branch: &BranchNode, val: &Value) -> ExecResult<()> {
    if branch.pipe.decl.len() > 1 {
        return Err(TemplateError::Exec(format!(
            "can't use {val} to iterate over more than one variable"
        ))
        .into());
    }
    Ok(())
}

impl<'a> Executor<'a> {
    /// Create a new executor with the given function map and template definitions.
    ///
    /// `funcs` should contain all [built-in](crate::funcs::builtins) and
    /// user-defined functions. `templates` holds the named templates from
    /// `{{define}}` blocks.
    pub fn new(
        funcs: &'a BTreeMap<String, ValueFunc>,
        templates: &'a BTreeMap<String, Arc<ListNode>>,
    ) -> Self {
        Executor {
            funcs,
            templates,
            vars: VarScope::new(),
            depth: 0,
            missing_key: MissingKey::default(),
            range_iters_remaining: DEFAULT_MAX_RANGE_ITERS,
            traced: false,
            captured: false,
            written: 0,
            current: alloc::vec::Vec::new(),
            keep_no_value: false,
            dot_elem: false,
        }
    }

    /// runeguard patch: the name of the template executed (for the trace).
    pub fn set_current(&mut self, name: &str) {
        self.current = alloc::vec![SmolStr::new(name)];
    }

    /// Set the [`MissingKey`] behavior for this executor.
    pub fn set_missing_key(&mut self, mk: MissingKey) {
        self.missing_key = mk;
    }

    /// Set the total number of `{{range}}` iterations allowed for this
    /// execution (across all nested ranges). Zero disables the limit.
    pub fn set_max_range_iters(&mut self, n: u64) {
        self.range_iters_remaining = if n == 0 { u64::MAX } else { n };
    }

    /// Execute the template tree with the given data, writing output to `writer`.
    ///
    /// The `dot` value is the initial context (`.`) and is also bound to `$`.
    ///
    /// # Errors
    ///
    /// Returns a [`TemplateError`] on undefined references, type errors,
    /// I/O failures, or exceeding the recursion depth limit.
    pub fn execute<W: Write>(
        &mut self,
        writer: &mut W,
        tree: &ListNode,
        dot: &Value,
    ) -> Result<()> {
        self.vars.set(&DOLLAR_KEY, dot.clone());
        self.traced = trace::enter();
        self.captured = !self.traced && trace::claim_capture();
        self.keep_no_value = no_value::kept();
        let result = self.walk(writer, tree, dot);
        trace::leave(result.is_ok());
        result.map_err(|sig| match sig {
            ExecSignal::Err(e) => *e,
            ExecSignal::Break => TemplateError::Exec("unexpected break outside of range".into()),
            ExecSignal::Continue => {
                TemplateError::Exec("unexpected continue outside of range".into())
            }
        })
    }

    // AST walker
    fn walk<W: Write>(&mut self, w: &mut W, list: &ListNode, dot: &Value) -> ExecResult<()> {
        for node in &list.nodes {
            self.walk_node(w, node, dot)?;
        }
        Ok(())
    }

    /// runeguard patch: records a written piece when this execution is traced.
    fn record(&mut self, len: usize, pos: crate::parse::Pos, action: bool) {
        self.record_printed(len, pos, action, 0);
    }

    /// runeguard patch: [`Self::record`] of an action that printed the string at `printed`.
    fn record_printed(&mut self, len: usize, pos: crate::parse::Pos, action: bool, printed: usize) {
        if (self.traced || self.captured) && len > 0 {
            let piece = trace::Piece {
                start: self.written,
                end: self.written + len,
                name: self.current.last().map(|s| s.to_string()).unwrap_or_default(),
                offset: pos.offset,
                line: pos.line,
                action,
                printed,
            };
            if self.traced {
                trace::piece(piece);
            } else {
                trace::captured_piece(piece);
            }
        }
        self.written += len;
    }

    fn node_pos(node: &Node) -> Option<crate::parse::Pos> {
        match node {
            Node::Text(t) => Some(t.pos),
            Node::Action(a) => Some(a.pos),
            Node::If(b) | Node::Range(b) | Node::With(b) => Some(b.pos),
            Node::Template(t) => Some(t.pos),
            _ => None,
        }
    }

    fn walk_node<W: Write>(&mut self, w: &mut W, node: &Node, dot: &Value) -> ExecResult<()> {
        if self.written > trace::MAX_OUTPUT {
            return Err(TemplateError::Exec(alloc::format!(
                "template output is over {} MB; stopped",
                trace::MAX_OUTPUT >> 20
            ))
            .into());
        }
        if trace::past_deadline() {
            return Err(TemplateError::Exec("rendering took too long; stopped".into()).into());
        }
        if !matches!(node, Node::Text(_))
            && let Some(p) = Self::node_pos(node)
        {
            trace::at(
                self.current.last().map(|s| s.as_str()).unwrap_or(""),
                p.offset,
                p.line,
            );
        }
        match node {
            Node::Text(text) => {
                w.write_str(&text.text)?;
                self.record(text.text.len(), text.pos, false);
                Ok(())
            }
            Node::Action(action) => {
                // runeguard patch: a value piped through functions given only literals
                // (`.path | quote`) keeps the allocation of that first value (patch 64).
                let mut first = None;
                let val = if action.pipe.decl.is_empty() && literal_tail(&action.pipe) {
                    self.eval_pipeline_first(dot, &action.pipe, &mut first)?
                } else {
                    self.eval_pipeline(dot, &action.pipe)?
                };
                // Only print if there are no declarations (side-effect-only)
                if action.pipe.decl.is_empty() {
                    // Go's template engine prints "<no value>" for nil/missing
                    // values, distinct from fmt.Sprint(nil) which prints "<nil>".
                    let printed = match (&val, first) {
                        (Value::String(_), Some(at)) => at,
                        (Value::String(s), None) => s.as_ptr() as usize,
                        _ => 0,
                    };
                    let len = match val {
                        // runeguard patch: Helm replaces "<no value>" with "" in every
                        // rendered template; printing nothing keeps the trace's offsets true.
                        // What `include` returns keeps it (patch 29).
                        Value::Nil if self.keep_no_value => {
                            w.write_str(no_value::TEXT)?;
                            no_value::TEXT.len()
                        }
                        Value::Nil => 0,
                        Value::String(s) => {
                            if !self.keep_no_value && s.contains(no_value::TEXT) {
                                let s = s.replace(no_value::TEXT, "");
                                w.write_str(&s)?;
                                s.len()
                            } else {
                                w.write_str(&s)?;
                                s.len()
                            }
                        }
                        other => {
                            let mut s = alloc::format!("{}", other);
                            if !self.keep_no_value && s.contains(no_value::TEXT) {
                                s = s.replace(no_value::TEXT, "");
                            }
                            w.write_str(&s)?;
                            s.len()
                        }
                    };
                    self.record_printed(len, action.pos, true, printed);
                }
                Ok(())
            }
            Node::If(branch) => self.walk_if(w, branch, dot),
            Node::Range(branch) => self.walk_range(w, branch, dot),
            Node::With(branch) => self.walk_with(w, branch, dot),
            Node::Template(tmpl) => self.walk_template(w, tmpl, dot),
            Node::Define(_) => Ok(()), // defines are collected at parse time
            Node::List(list) => self.walk(w, list, dot),
            Node::Break(_) => Err(ExecSignal::Break),
            Node::Continue(_) => Err(ExecSignal::Continue),
        }
    }

    // Control flow
    fn check_depth(&self) -> ExecResult<()> {
        if self.depth > MAX_EXEC_DEPTH {
            return Err(TemplateError::RecursionLimit.into());
        }
        Ok(())
    }

    fn walk_if<W: Write>(&mut self, w: &mut W, branch: &BranchNode, dot: &Value) -> ExecResult<()> {
        self.depth += 1;
        let depth_ok = self.check_depth();
        self.vars.push();
        let result = depth_ok.and_then(|()| match self.eval_pipeline(dot, &branch.pipe) {
            Ok(val) => {
                if val.is_truthy() {
                    self.walk(w, &branch.body, dot)
                } else if let Some(ref else_body) = branch.else_body {
                    self.walk(w, else_body, dot)
                } else {
                    Ok(())
                }
            }
            Err(e) => Err(e),
        });
        self.vars.pop();
        self.depth -= 1;
        result
    }

    fn walk_with<W: Write>(
        &mut self,
        w: &mut W,
        branch: &BranchNode,
        dot: &Value,
    ) -> ExecResult<()> {
        self.depth += 1;
        let depth_ok = self.check_depth();
        self.vars.push();
        let result = depth_ok.and_then(|()| match self.eval_pipeline(dot, &branch.pipe) {
            Ok(val) => {
                if val.is_truthy() {
                    self.walk(w, &branch.body, &val)
                } else if let Some(ref else_body) = branch.else_body {
                    self.walk(w, else_body, dot)
                } else {
                    Ok(())
                }
            }
            Err(e) => Err(e),
        });
        self.vars.pop();
        self.depth -= 1;
        result
    }

    fn walk_range<W: Write>(
        &mut self,
        w: &mut W,
        branch: &BranchNode,
        dot: &Value,
    ) -> ExecResult<()> {
        self.depth += 1;
        let result = self
            .check_depth()
            .and_then(|()| self.walk_range_inner(w, branch, dot));
        self.depth -= 1;
        result
    }

    fn walk_range_inner<W: Write>(
        &mut self,
        w: &mut W,
        branch: &BranchNode,
        dot: &Value,
    ) -> ExecResult<()> {
        // `range` binds its own per-iteration vars via `range_loop!`; use the
        // decl-free evaluator so pipe.decl names do not leak into the outer
        // scope or get pre-bound to the pipeline's final value.
        let val = self.eval_pipeline_value(dot, &branch.pipe)?;
        // runeguard patch: the elements are `interface {}` unless the list or map is typed.
        let elem = val.go_type().is_none_or(|t| t.any_elems);

        match &val {
            Value::List(items) if items.is_empty() => {
                if let Some(ref else_body) = branch.else_body {
                    self.walk(w, else_body, dot)?;
                }
            }
            Value::List(items) => {
                range_loop!(
                    self,
                    w,
                    branch,
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (Value::Int(i as i64), v.clone())),
                    elem
                );
            }
            // runeguard patch: function values of a map are its methods, not entries.
            Value::Map(map) if !val.is_truthy() => {
                let _ = map;
                if let Some(ref else_body) = branch.else_body {
                    self.walk(w, else_body, dot)?;
                }
            }
            Value::Map(map) => {
                range_loop!(
                    self,
                    w,
                    branch,
                    map.snapshot()
                        .into_iter()
                        .filter(|(_, v)| !matches!(v, Value::Function(_)))
                        .map(|(k, v)| (Value::String(k), v)),
                    elem
                );
            }
            Value::Int(n) | Value::Int64(n) => {
                // Go 1.22+: range over integer (runeguard patch: the counters have the
                // integer's own type, `int` or `int64`).
                ensure_single_range_var(branch, &val)?;
                let count = *n;
                let wide = matches!(val, Value::Int64(_));
                let typed = move |i: i64| if wide { Value::Int64(i) } else { Value::Int(i) };
                if count <= 0 {
                    if let Some(ref else_body) = branch.else_body {
                        self.walk(w, else_body, dot)?;
                    }
                } else {
                    range_loop!(
                        self,
                        w,
                        branch,
                        (0..count).map(|i| (typed(i), typed(i)))
                    );
                }
            }
            Value::Uint(n) => {
                // Go 1.22+: range over an unsigned integer yields uint counters.
                ensure_single_range_var(branch, &val)?;
                let count = *n;
                if count == 0 {
                    if let Some(ref else_body) = branch.else_body {
                        self.walk(w, else_body, dot)?;
                    }
                } else {
                    range_loop!(
                        self,
                        w,
                        branch,
                        (0..count).map(|i| (Value::Uint(i), Value::Uint(i)))
                    );
                }
            }
            Value::Nil => {
                // Nil is treated as empty
                if let Some(ref else_body) = branch.else_body {
                    self.walk(w, else_body, dot)?;
                }
            }
            other => {
                return Err(TemplateError::NotIterable(other.to_string()).into());
            }
        }

        Ok(())
    }

    fn walk_template<W: Write>(
        &mut self,
        w: &mut W,
        tmpl: &TemplateNode,
        dot: &Value,
    ) -> ExecResult<()> {
        self.depth += 1;
        let result = self
            .check_depth()
            .and_then(|()| self.walk_template_inner(w, tmpl, dot));
        self.depth -= 1;
        result
    }

    fn walk_template_inner<W: Write>(
        &mut self,
        w: &mut W,
        tmpl: &TemplateNode,
        dot: &Value,
    ) -> ExecResult<()> {
        // runeguard patch: `{{template "x"}}` runs with nil data (Go), not the caller's dot.
        let new_dot = if let Some(ref pipe) = tmpl.pipe {
            self.eval_pipeline(dot, pipe)?
        } else {
            let _ = dot;
            Value::Nil
        };

        let tree = Arc::clone(
            self.templates
                .get(tmpl.name.as_str())
                                // runeguard patch: Go's `template %q not defined`.
                .ok_or_else(|| {
                    TemplateError::Exec(format!("template \"{}\" not defined", tmpl.name))
                })?,
        );

        // Template invocations do not inherit the caller's variables. Swap in
        // a fresh scope containing only `$`, matching Go's walkTemplate which
        // rebuilds `state.vars` as `[{"$", dot}]` before recursing.
        let saved = core::mem::replace(&mut self.vars, VarScope::new());
        self.vars.set(&DOLLAR_KEY, new_dot.clone());
        // runeguard patch: the call site of the pieces the template writes (patch 65), in a
        // captured execution too (an `include`d partial's own `template` calls, patch 66).
        let call = (self.traced || self.captured).then(|| {
            (
                if self.traced {
                    trace::pieces_len()
                } else {
                    trace::captured_len()
                },
                self.current.last().map(|s| s.to_string()).unwrap_or_default(),
            )
        });
        self.current.push(tmpl.name.clone());
        // A pipeline's nil is Go's invalid value (evalPipeline unwraps the interface).
        let outer_elem = core::mem::replace(&mut self.dot_elem, false);
        let result = self.walk(w, &tree, &new_dot);
        self.dot_elem = outer_elem;
        self.current.pop();
        self.vars = saved;
        if let Some((first, name)) = call {
            let end = if self.traced {
                trace::pieces_len()
            } else {
                trace::captured_len()
            };
            if end > first {
                let c = trace::Call {
                    first,
                    end,
                    name,
                    offset: tmpl.pos.offset,
                };
                if self.traced {
                    trace::call(c);
                } else {
                    trace::captured_call(c);
                }
            }
        }
        result
    }

    // Pipeline and expression evaluation
    fn eval_pipeline_value(&mut self, dot: &Value, pipe: &PipeNode) -> ExecResult<Value> {
        let mut val = Value::Nil;
        for (i, cmd) in pipe.commands.iter().enumerate() {
            // Move the previous stage's result rather than cloning: it is
            // only used by the next command, and any downstream need for it
            // is already covered by the new `val` we're about to assign.
            let prev = if i > 0 {
                Some(core::mem::replace(&mut val, Value::Nil))
            } else {
                None
            };
            val = self.eval_command(dot, cmd, prev)?;
        }
        Ok(val)
    }

    /// runeguard patch: [`Self::eval_pipeline_value`] of a pipeline [`literal_tail`] accepts,
    /// noting in `first` the allocation of its first stage's value when that is a string
    /// that is not empty (what the later stages made their text of), else 0.
    fn eval_pipeline_first(
        &mut self,
        dot: &Value,
        pipe: &PipeNode,
        first: &mut Option<usize>,
    ) -> ExecResult<Value> {
        let mut val = Value::Nil;
        for (i, cmd) in pipe.commands.iter().enumerate() {
            let prev = if i > 0 {
                Some(core::mem::replace(&mut val, Value::Nil))
            } else {
                None
            };
            val = self.eval_command(dot, cmd, prev)?;
            if i == 0 {
                *first = Some(match &val {
                    Value::String(s) if !s.is_empty() => s.as_ptr() as usize,
                    _ => 0,
                });
            }
        }
        Ok(val)
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &PipeNode) -> ExecResult<Value> {
        let val = self.eval_pipeline_value(dot, pipe)?;
        match pipe.decl.len() {
            0 => {}
            1 => {
                let name = &pipe.decl[0];
                if pipe.is_assign {
                    self.vars.assign(name, val.clone());
                } else {
                    self.vars.set(name, val.clone());
                }
            }
            n => {
                return Err(TemplateError::Exec(format!(
                    "cannot assign {} variables outside a range pipeline",
                    n
                ))
                .into());
            }
        }
        Ok(val)
    }

    fn eval_command(
        &mut self,
        dot: &Value,
        cmd: &CommandNode,
        piped: Option<Value>,
    ) -> ExecResult<Value> {
        let first = &cmd.args[0];

        // If the first arg is an identifier, it's a function call
        if let Expr::Identifier(_, name) = first {
            // Special-case and/or for short-circuit evaluation
            if name.as_str() == "and" || name.as_str() == "or" {
                return self.eval_short_circuit(dot, name, &cmd.args[1..], piped);
            }
            return self.eval_function_call(dot, name, &cmd.args[1..], piped);
        }

        // If the first arg is a Chain with an Identifier inside, it's a function call
        // with field access on the result (e.g., mapOfThree.three)
        if let Expr::Chain(_, inner, fields) = first
            && let Expr::Identifier(_, name) = inner.as_ref()
        {
            if name.as_str() == "and" || name.as_str() == "or" {
                let val = self.eval_short_circuit(dot, name, &cmd.args[1..], piped)?;
                return self.walk_fields(val, fields);
            }
            let val = self.eval_function_call(dot, name, &cmd.args[1..], piped)?;
            return self.walk_fields(val, fields);
        }

        // runeguard patch: a field holding a function called with arguments (a method
        // call in Go: `.Capabilities.APIVersions.Has "v1"`, `.Files.Get "f"`).
        if (piped.is_some() || cmd.args.len() > 1)
            && matches!(first, Expr::Field(..) | Expr::Variable(..) | Expr::Chain(..))
            && let Some(f) = self.method_of(dot, first)?
        {
            let mut args = alloc::vec::Vec::with_capacity(cmd.args.len());
            for expr in &cmd.args[1..] {
                args.push(self.eval_expr(dot, expr)?);
            }
            if let Some(p) = piped {
                args.push(p);
            }
            return self.invoke_func("method", &f, &args);
        }

        // Non-function command: cannot accept piped values or extra arguments.
        // Go errors with "can't give argument to non-function".
        if piped.is_some() || cmd.args.len() > 1 {
            return Err(TemplateError::Exec(format!(
                "can't give argument to non-function {}",
                expr_name(first)
            ))
            .into());
        }

        // Go: nil is not a valid command. It cannot be printed or used
        // as a pipeline value. It may only appear as an argument to a function.
        if matches!(first, Expr::Nil(_)) {
            return Err(TemplateError::Exec("nil is not a command".into()).into());
        }

        self.eval_expr(dot, first)
    }

    /// Short-circuit evaluation for `and` and `or`.
    /// Go special-cases these so arguments are evaluated lazily.
    fn eval_short_circuit(
        &mut self,
        dot: &Value,
        name: &str,
        arg_exprs: &[Expr],
        piped: Option<Value>,
    ) -> ExecResult<Value> {
        // Build the full list of expressions: explicit args + piped value
        // Piped value becomes the last argument
        let is_and = name == "and";

        // We need at least 1 argument (plus maybe piped)
        let total = arg_exprs.len() + if piped.is_some() { 1 } else { 0 };
        if total < 1 {
            return Err(TemplateError::ArgCount {
                at_least: true,
                name: name.to_string(),
                expected: 1,
                got: 0,
            }
            .into());
        }

        let mut last = Value::Nil;

        for expr in arg_exprs {
            let val = self.eval_expr(dot, expr)?;
            if is_and && !val.is_truthy() {
                return Ok(val);
            }
            if !is_and && val.is_truthy() {
                return Ok(val);
            }
            last = val;
        }

        // Handle piped value (becomes last argument)
        if let Some(piped_val) = piped {
            if is_and && !piped_val.is_truthy() {
                return Ok(piped_val);
            }
            if !is_and && piped_val.is_truthy() {
                return Ok(piped_val);
            }
            last = piped_val;
        }

        Ok(last)
    }

    fn eval_function_call(
        &mut self,
        dot: &Value,
        name: &str,
        arg_exprs: &[Expr],
        piped: Option<Value>,
    ) -> ExecResult<Value> {
        let func = self
            .funcs
            .get(name)
            .ok_or_else(|| TemplateError::UndefinedFunction(name.to_string()))?;

        let mut args: Vec<Value> =
            Vec::with_capacity(arg_exprs.len() + usize::from(piped.is_some()));
        for expr in arg_exprs {
            args.push(self.eval_expr(dot, expr)?);
        }

        // Piped value becomes the last argument (Go convention)
        if let Some(piped_val) = piped {
            args.push(piped_val);
        }

        // runeguard patch: which arguments are integral float constants (`literal`).
        let mut mask = 0u64;
        for (i, expr) in arg_exprs.iter().enumerate().take(64) {
            if let Expr::Number(_, crate::parse::Number::Float(f)) = expr
                && f.fract() == 0.0
                && f.abs() < 9.2e18
            {
                mask |= 1 << i;
            }
        }
        // runeguard patch: which arguments are nil read from a field (`literal::nil_fields`).
        let mut nil_fields = 0u64;
        for (i, (expr, v)) in arg_exprs.iter().zip(&args).enumerate().take(64) {
            if matches!(v, Value::Nil)
                && (matches!(expr, Expr::Field(..) | Expr::Chain(..))
                    || matches!(expr, Expr::Variable(_, _, f) if !f.is_empty()))
            {
                nil_fields |= 1 << i;
            }
        }
        // runeguard patch: which arguments are constants written in the template.
        let mut constants = 0u64;
        for (i, expr) in arg_exprs.iter().enumerate().take(64) {
            if matches!(
                expr,
                Expr::String(..) | Expr::Number(..) | Expr::Bool(..) | Expr::Nil(_)
            ) {
                constants |= 1 << i;
            }
        }
        literal::set(mask);
        literal::set_nil_fields(nil_fields);
        literal::set_constants(constants);
        let result = self.invoke_func(name, func, &args);
        literal::set(0);
        literal::set_nil_fields(0);
        literal::set_constants(0);
        Ok(result?)
    }

    /// Walk a chain of field accesses on `val`.
    fn walk_fields(&self, val: Value, fields: &[SmolStr]) -> ExecResult<Value> {
        self.walk_fields_from(val, fields, false)
    }

    /// runeguard patch: [`Self::walk_fields`] that knows whether `val` is an `interface {}` to
    /// Go (a ranged element): nil, it is a valid nil whose first field is a nil-pointer error,
    /// not Go's invalid value (nil data, a variable or pipeline holding nil: every field of it
    /// is nil, `{{ template "x" }}` reading `.Values.a.b`). A field of a value read from a
    /// map (not a Go struct) is an `interface {}` too, which a field error names.
    fn walk_fields_from(
        &self,
        mut val: Value,
        fields: &[SmolStr],
        mut iface: bool,
    ) -> ExecResult<Value> {
        if matches!(val, Value::Nil)
            && let Some(first) = fields.first()
        {
            if iface {
                return Err(TemplateError::Exec(format!(
                    "nil pointer evaluating interface {{}}.{first}"
                ))
                .into());
            }
            return Ok(Value::Nil);
        }
        for (i, field) in fields.iter().enumerate() {
            // runeguard patch: a field of a nil value that a field lookup returned (a map's
            // missing key or null) is Go's nil-pointer error, `.Values.missing.x` in Helm.
            if i > 0 && matches!(val, Value::Nil) {
                return Err(TemplateError::Exec(format!(
                    "nil pointer evaluating interface {{}}.{field}"
                ))
                .into());
            }
            let from_map =
                matches!(&val, Value::Map(m) if !m.read().contains_key(crate::value::STRUCT_TYPE));
            val = self.field_access(&val, field, iface)?;
            iface = from_map;
            // runeguard patch: a function reached through a field is a method; Go calls a
            // method named without arguments (`(.Files.Glob "x").AsConfig`).
            if let Value::Function(f) = &val {
                let f = f.clone();
                val = self.invoke_func(field, &f, &[])?;
            }
        }
        Ok(val)
    }

    /// runeguard patch: the function a method call names (`.Files.Get`, `$x.Has`): the
    /// receiver's fields walked, the last one looked up without calling it.
    fn method_of(&mut self, dot: &Value, expr: &Expr) -> ExecResult<Option<ValueFunc>> {
        let (receiver, fields) = match expr {
            Expr::Field(_, fields) => (dot.clone(), fields.as_slice()),
            Expr::Variable(_, name, fields) => (
                self.vars
                    .get(name)
                    .cloned()
                    .ok_or_else(|| TemplateError::UndefinedVariable(name.to_string()))?,
                fields.as_slice(),
            ),
            Expr::Chain(_, inner, fields) => (self.eval_expr(dot, inner)?, fields.as_slice()),
            _ => return Ok(None),
        };
        let Some((last, init)) = fields.split_last() else {
            return Ok(None);
        };
        let recv = self.walk_fields(receiver, init)?;
        Ok(match recv.field(last) {
            Some(Value::Function(f)) => Some(f.clone()),
            _ => None,
        })
    }

    /// Access a field on a value, respecting missingkey option.
    fn field_access(&self, val: &Value, name: &str, iface: bool) -> ExecResult<Value> {
        match val.field(name) {
            Some(v) => Ok(v.clone()),
            None if matches!(val, Value::Map(_)) => match self.missing_key {
                MissingKey::Error => Err(TemplateError::MissingKey {
                    key: name.to_string(),
                }
                .into()),
                _ => Ok(Value::Nil),
            },
            None if matches!(val, Value::Nil) => Ok(Value::Nil),
            None => Err(TemplateError::Exec(format!(
                "can't evaluate field {} in type {}",
                name,
                if iface {
                    "interface {}"
                } else {
                    crate::go::go_type_name(val)
                }
            ))
            .into()),
        }
    }

    #[cfg(feature = "std")]
    fn invoke_func(&self, name: &str, func: &ValueFunc, args: &[Value]) -> ExecResult<Value> {
        match catch_unwind(AssertUnwindSafe(|| func(args))) {
            Ok(result) => result.map_err(ExecSignal::from),
            Err(payload) => Err(TemplateError::FuncPanic {
                name: name.to_string(),
                message: panic_payload_to_string(payload),
            }
            .into()),
        }
    }

    #[cfg(not(feature = "std"))]
    fn invoke_func(&self, _name: &str, func: &ValueFunc, args: &[Value]) -> ExecResult<Value> {
        func(args).map_err(ExecSignal::from)
    }

    fn eval_expr(&mut self, dot: &Value, expr: &Expr) -> ExecResult<Value> {
        match expr {
            Expr::Dot(_) => Ok(dot.clone()),

            Expr::Field(_, fields) => {
                self.walk_fields_from(dot.clone(), fields, self.dot_elem)
            }

            Expr::Variable(_, name, fields) => {
                let (val, elem) = self
                    .vars
                    .get_elem(name)
                    .map(|(v, elem)| (v.clone(), elem))
                    .ok_or_else(|| TemplateError::UndefinedVariable(name.to_string()))?;
                self.walk_fields_from(val, fields, elem)
            }

            Expr::String(_, s) => Ok(Value::String(Arc::clone(s))),

            Expr::Number(_, n) => match *n {
                Number::Int(i) => Ok(Value::Int(i)),
                // A uint literal is an untyped constant that overflowed i64.
                // Go narrows untyped numeric constants to `int` when they are
                // used (its `idealConstant`), so such a literal errors at exec
                // with "N overflows int" in every context. We match that — uint
                // *values* (from data) are unaffected; only literals error.
                Number::Uint(u) => Err(TemplateError::Exec(format!("{u} overflows int")).into()),
                Number::Float(f) => Ok(Value::Float(f)),
            },

            Expr::Bool(_, b) => Ok(Value::Bool(*b)),
            Expr::Nil(_) => Ok(Value::Nil),

            Expr::Pipe(_, pipe) => self.eval_pipeline(dot, pipe),

            Expr::Identifier(_, name) => {
                // Bare identifier, could be a zero-arg function call
                if let Some(func) = self.funcs.get(name.as_str()) {
                    return self.invoke_func(name, func, &[]);
                }
                Err(TemplateError::UndefinedFunction(name.to_string()).into())
            }

            Expr::Chain(_, inner, fields) => {
                let val = self.eval_expr(dot, inner)?;
                self.walk_fields(val, fields)
            }
        }
    }
}

#[cfg(feature = "std")]
fn panic_payload_to_string(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// runeguard patch: whether a pipeline is one value (`.path`, `$v.name`, `.`) piped through
/// functions given nothing but literals (`| quote`, `| trunc 63 | trimSuffix "-"`): what it
/// prints is made of that value alone.
fn literal_tail(pipe: &PipeNode) -> bool {
    let Some((head, rest)) = pipe.commands.split_first() else {
        return false;
    };
    !rest.is_empty()
        && matches!(
            head.args.as_slice(),
            [Expr::Dot(_) | Expr::Field(..) | Expr::Variable(..)]
        )
        && rest.iter().all(|cmd| {
            matches!(cmd.args.first(), Some(Expr::Identifier(..)))
                && cmd.args[1..].iter().all(|a| {
                    matches!(
                        a,
                        Expr::String(..) | Expr::Number(..) | Expr::Bool(..) | Expr::Nil(_)
                    )
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::builtins;
    use crate::parse::Parser;
    use crate::tmap;

    fn exec(template: &str, data: &Value) -> String {
        let parser = Parser::new(template, "{{", "}}").unwrap();
        let (tree, defines) = parser.parse().unwrap();

        let funcs = builtins();
        let mut templates: BTreeMap<String, Arc<ListNode>> = BTreeMap::new();
        for def in &defines {
            templates.insert(def.name.to_string(), Arc::new(def.body.clone()));
        }

        let mut executor = Executor::new(&funcs, &templates);
        let mut buf = String::new();
        executor.execute(&mut buf, &tree, data).unwrap();
        buf
    }

    #[test]
    fn test_plain_text() {
        assert_eq!(exec("hello world", &Value::Nil), "hello world");
    }

    #[test]
    fn test_dot() {
        assert_eq!(exec("{{.}}", &Value::String("hi".into())), "hi");
    }

    #[test]
    fn test_field() {
        let data = tmap! { "Name" => "Alice" };
        assert_eq!(exec("Hello, {{.Name}}!", &data), "Hello, Alice!");
    }

    #[test]
    fn test_nested_field() {
        let data = tmap! {
            "User" => tmap! { "Name" => "Bob" },
        };
        assert_eq!(exec("{{.User.Name}}", &data), "Bob");
    }

    #[test]
    fn test_if_true() {
        let data = tmap! { "OK" => true };
        assert_eq!(exec("{{if .OK}}yes{{end}}", &data), "yes");
    }

    #[test]
    fn test_if_false() {
        let data = tmap! { "OK" => false };
        assert_eq!(exec("{{if .OK}}yes{{end}}", &data), "");
    }

    #[test]
    fn test_if_else() {
        let data = tmap! { "OK" => false };
        assert_eq!(exec("{{if .OK}}yes{{else}}no{{end}}", &data), "no");
    }

    #[test]
    fn test_range_list() {
        let data = tmap! {
            "Items" => vec!["a".to_string(), "b".to_string(), "c".to_string()],
        };
        assert_eq!(exec("{{range .Items}}[{{.}}]{{end}}", &data), "[a][b][c]");
    }

    #[test]
    fn test_range_empty_else() {
        let data = tmap! {
            "Items" => Vec::<String>::new(),
        };
        assert_eq!(
            exec("{{range .Items}}{{.}}{{else}}empty{{end}}", &data),
            "empty"
        );
    }

    #[test]
    fn test_with() {
        let data = tmap! {
            "User" => tmap! { "Name" => "Charlie" },
        };
        assert_eq!(
            exec("{{with .User}}Name: {{.Name}}{{end}}", &data),
            "Name: Charlie"
        );
    }

    #[test]
    fn test_pipeline() {
        let data = tmap! { "Name" => "hello" };
        assert_eq!(exec("{{.Name | len}}", &data), "5");
    }

    #[test]
    fn test_printf() {
        let data = tmap! { "N" => 42i64 };
        assert_eq!(exec("{{printf \"num=%d\" .N}}", &data), "num=42");
    }

    #[test]
    fn test_eq() {
        let data = tmap! { "X" => 1i64 };
        assert_eq!(exec("{{if eq .X 1}}yes{{end}}", &data), "yes");
    }

    #[test]
    fn test_variable() {
        let data = tmap! { "Name" => "Dave" };
        assert_eq!(exec("{{$x := .Name}}Hello, {{$x}}!", &data), "Hello, Dave!");
    }

    #[test]
    fn test_template_call() {
        let data = tmap! { "Name" => "Eve" };
        let result = exec(
            "{{define \"greeting\"}}Hi, {{.Name}}!{{end}}{{template \"greeting\" .}}",
            &data,
        );
        assert_eq!(result, "Hi, Eve!");
    }

    #[test]
    fn test_nested_if() {
        let data = tmap! { "A" => true, "B" => true };
        assert_eq!(exec("{{if .A}}{{if .B}}both{{end}}{{end}}", &data), "both");
    }

    #[test]
    fn test_html_escape() {
        let data = tmap! { "X" => "<b>bold</b>" };
        assert_eq!(exec("{{html .X}}", &data), "&lt;b&gt;bold&lt;/b&gt;");
    }

    #[test]
    fn test_trim_both() {
        let data = tmap! { "X" => "hello" };
        assert_eq!(exec("  {{- .X -}}  ", &data), "hello");
    }

    #[test]
    fn test_trim_left() {
        let data = tmap! { "X" => "hello" };
        assert_eq!(exec("  {{- .X }}  ", &data), "hello  ");
    }

    #[test]
    fn test_trim_right() {
        let data = tmap! { "X" => "hello" };
        assert_eq!(exec("  {{ .X -}}  ", &data), "  hello");
    }

    #[test]
    fn test_trim_in_range() {
        let data = tmap! {
            "Items" => vec!["a".to_string(), "b".to_string(), "c".to_string()],
        };
        assert_eq!(exec("{{range .Items}}[{{.}}]{{end}}", &data), "[a][b][c]");
        assert_eq!(exec("{{range .Items -}} {{.}} {{- end}}", &data), "abc");
    }

    #[test]
    fn test_trim_newlines_right() {
        let data = tmap! { "X" => "hello" };
        assert_eq!(exec("{{.X -}}\n\n  world", &data), "helloworld");
    }

    #[test]
    fn test_trim_newlines_left() {
        let data = tmap! { "X" => "hello" };
        assert_eq!(exec("world\n\n  {{- .X}}", &data), "worldhello");
    }

    #[test]
    fn test_trim_newlines_both() {
        let data = tmap! { "X" => "hello" };
        assert_eq!(exec("A \n\t {{- .X -}} \n\t B", &data), "AhelloB");
    }

    #[test]
    fn test_trim_multiline_template() {
        let data = tmap! {
            "Items" => vec!["one".to_string(), "two".to_string()],
        };
        assert_eq!(
            exec("Items:{{range .Items}}\n- {{.}}{{end}}", &data),
            "Items:\n- one\n- two"
        );
        assert_eq!(
            exec("Items:\n{{- range .Items}}\n- {{.}}{{end}}", &data),
            "Items:\n- one\n- two"
        );
    }

    #[test]
    fn test_comment() {
        assert_eq!(
            exec("hello{{/* this is a comment */}} world", &Value::Nil),
            "hello world"
        );
    }

    #[test]
    fn test_break_in_range() {
        let data = tmap! { "Items" => vec![1i64, 2, 3, 4, 5] };
        assert_eq!(
            exec(
                "{{range .Items}}{{if eq . 3}}{{break}}{{end}}{{.}} {{end}}",
                &data
            ),
            "1 2 "
        );
    }

    #[test]
    fn test_continue_in_range() {
        let data = tmap! { "Items" => vec![1i64, 2, 3, 4, 5] };
        assert_eq!(
            exec(
                "{{range .Items}}{{if eq . 3}}{{continue}}{{end}}{{.}} {{end}}",
                &data
            ),
            "1 2 4 5 "
        );
    }
}

