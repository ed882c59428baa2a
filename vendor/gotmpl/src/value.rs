//! Dynamic value system for template data.
//!
//! Go's template engine inspects arbitrary types at runtime through
//! reflection. Rust has no such reflection, so data is carried through the
//! engine as a [`Value`] enum, similar in spirit to `serde_json::Value`.
//!
//! The [`ToValue`](crate::ToValue) trait converts Rust types into [`Value`]s,
//! and the [`tmap!`](crate::tmap) macro builds data maps.
//!
//! # Examples
//!
//! ```
//! use gotmpl::{tmap, ToValue};
//!
//! let data = tmap! {
//!     "Name" => "Alice",
//!     "Age" => 30i64,
//!     "Tags" => vec!["admin".to_string(), "user".to_string()],
//! };
//! ```

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use crate::error::Result;

/// Alias for a callable function stored inside [`Value::Function`].
///
/// Wrapped in `Arc` so that [`Value`] remains [`Clone`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use gotmpl::{Value, ValueFunc};
///
/// let add: ValueFunc = Arc::new(|args| {
///     let sum: i64 = args.iter().filter_map(|a| a.as_int()).sum();
///     Ok(Value::Int(sum))
/// });
///
/// let result = add(&[Value::Int(2), Value::Int(3)]).unwrap();
/// assert_eq!(result, Value::Int(5));
/// ```
pub type ValueFunc = Arc<dyn Fn(&[Value]) -> Result<Value> + Send + Sync>;

/// The dynamic type for template data.
///
/// Dot, variables, function arguments, and pipeline results are all carried
/// as a `Value`. Plays the role that `reflect.Value` plays in Go's template
/// engine.
///
/// # Truthiness
///
/// [`Value::is_truthy`] follows Go's semantics:
///
/// | Value | Truthy? |
/// |-------|---------|
/// | `Nil` | `false` |
/// | `Bool(false)` | `false` |
/// | `Int(0)` | `false` |
/// | `Uint(0)` | `false` |
/// | `Float(0.0)` | `false` |
/// | `String("")` | `false` |
/// | Empty `List` or `Map` | `false` |
/// | Everything else | `true` |
///
/// # Display
///
/// The [`Display`](fmt::Display) implementation matches Go's default formatting:
/// - `Nil` → `<nil>`
/// - `List` → `[a b c]`
/// - `Map` → `map[k1:v1 k2:v2]`
/// - `Function` → `<func>`
pub enum Value {
    /// The nil value, represents absence of data.
    Nil,
    /// A boolean value.
    Bool(bool),
    /// A 64-bit signed integer: Go's `int` (a template's literal `3`, `len`, `atoi`, `int`,
    /// `until`'s elements, a range index).
    Int(i64),
    /// runeguard patch: Go's `int64`, a type of its own for `%T`, `typeOf`, `kindOf` and
    /// bad verbs (`%!s(int64=3)`): what Sprig's integer math returns (`add`, `sub`, `mul`,
    /// `div`, `mod`, `max`, `min`, `add1`, `int64`) and what Helm's `--set` types an integer
    /// as (strvals' `ParseInt`). Every other operation treats it as [`Value::Int`].
    Int64(i64),
    /// A 64-bit unsigned integer.
    ///
    /// Produced by [`ToValue`] for every unsigned Rust integer type
    /// (`u8`/`u16`/`u32`/`u64`/`usize`), mirroring Go's distinct unsigned
    /// reflect kinds. Kept separate from [`Value::Int`] so values above
    /// `i64::MAX` (e.g. `u64::MAX`) render and compare as their true unsigned
    /// value instead of wrapping to a negative `i64`.
    Uint(u64),
    /// A 64-bit floating-point number.
    Float(f64),
    /// A UTF-8 string.
    String(Arc<str>),
    /// An ordered list of values.
    ///
    /// Uses [`Arc<[Value]>`] for cheap cloning and single-allocation storage.
    List(Arc<[Value]>),
    /// A sorted string-keyed map of values.
    ///
    /// Uses [`BTreeMap`] with [`Arc<str>`] keys to ensure deterministic
    /// iteration order (matching Go's sorted map key iteration in templates)
    /// and to let `{{range}}` over a map refcount-bump the key into
    /// [`Value::String`] instead of allocating.
    ///
    /// runeguard patch: a [`MapRef`], shared by reference as Go's maps are: a change made
    /// through one holder (Sprig's `set`, `unset`, `merge`) is seen through every other.
    Map(MapRef),
    /// A callable function value, invoked via the `call` builtin.
    ///
    /// See [`ValueFunc`] for the expected signature.
    Function(ValueFunc),

    /// Trusted content that bypasses context-aware escaping in its matching
    /// context. Produced by the [`html`](crate::html) module's safe-content
    /// wrappers ([`HTML`](crate::html::HTML), etc.). Available only with the
    /// `html` feature; the default build's `Value` has no such variant, so this
    /// addition is not a breaking change for `text/template` users.
    #[cfg(feature = "html")]
    #[cfg_attr(docsrs, doc(cfg(feature = "html")))]
    Safe {
        /// Which content type this string is trusted as.
        kind: SafeKind,
        /// The trusted string, emitted verbatim in its matching context.
        s: Arc<str>,
    },
}

/// The content type of a [`Value::Safe`] — the seven trusted-content kinds of
/// Go's `html/template` (`template.HTML`, `template.JS`, …). Available only with
/// the `html` feature.
#[cfg(feature = "html")]
#[cfg_attr(docsrs, doc(cfg(feature = "html")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SafeKind {
    /// Known-safe HTML markup ([`html::HTML`](crate::html::HTML)).
    Html,
    /// A known-safe HTML attribute fragment ([`html::HTMLAttr`](crate::html::HTMLAttr)).
    HtmlAttr,
    /// Known-safe JavaScript source ([`html::JS`](crate::html::JS)).
    Js,
    /// A known-safe JavaScript string-literal body ([`html::JSStr`](crate::html::JSStr)).
    JsStr,
    /// Known-safe CSS source ([`html::CSS`](crate::html::CSS)).
    Css,
    /// A known-safe URL ([`html::URL`](crate::html::URL)).
    Url,
    /// A known-safe `srcset` value ([`html::Srcset`](crate::html::Srcset)).
    Srcset,
}

impl Clone for Value {
    fn clone(&self) -> Self {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(n) => Value::Int(*n),
            Value::Int64(n) => Value::Int64(*n),
            Value::Uint(n) => Value::Uint(*n),
            Value::Float(f) => Value::Float(*f),
            Value::String(s) => Value::String(Arc::clone(s)),
            Value::List(v) => Value::List(Arc::clone(v)),
            Value::Map(m) => Value::Map(m.clone()),
            Value::Function(f) => Value::Function(Arc::clone(f)),
            #[cfg(feature = "html")]
            Value::Safe { kind, s } => Value::Safe {
                kind: *kind,
                s: Arc::clone(s),
            },
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "Nil"),
            Value::Bool(b) => write!(f, "Bool({b:?})"),
            Value::Int(n) => write!(f, "Int({n:?})"),
            Value::Int64(n) => write!(f, "Int64({n:?})"),
            Value::Uint(n) => write!(f, "Uint({n:?})"),
            Value::Float(v) => write!(f, "Float({v:?})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::List(v) => write!(f, "List({v:?})"),
            Value::Map(m) => write!(f, "Map({m:?})"),
            Value::Function(_) => write!(f, "Function(...)"),
            #[cfg(feature = "html")]
            Value::Safe { kind, s } => write!(f, "Safe({kind:?}, {s:?})"),
        }
    }
}

impl Value {
    /// Returns whether this value is "truthy" according to Go's template semantics.
    ///
    /// See the [type-level docs](Value) for the full truthiness table.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(n) | Value::Int64(n) => *n != 0,
            Value::Uint(n) => *n != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(v) => !v.is_empty(),
            // runeguard patch: function values are methods (Helm's `.Files`), not entries.
            // A Go struct ([`STRUCT_TYPE`]) is always true.
            Value::Map(m) => {
                let m = m.read();
                m.contains_key(STRUCT_TYPE) || m.values().any(|v| !matches!(v, Value::Function(_)))
            }
            Value::Function(_) => true,
            #[cfg(feature = "html")]
            Value::Safe { s, .. } => !s.is_empty(),
        }
    }

    /// Look up a field by name on a [`Value::Map`].
    ///
    /// Returns `Some(&value)` when the key exists (the value may itself be
    /// [`Value::Nil`]), and `None` when the key is absent or the receiver is
    /// not a map. This lets callers distinguish "key set to nil" from
    /// "key missing", which matters for the `missingkey=error` option.
    ///
    /// In Go, the equivalent lookup uses reflection on struct fields or map
    /// keys.
    ///
    /// # Examples
    ///
    /// ```
    /// use gotmpl::tmap;
    /// use gotmpl::Value;
    ///
    /// let data = tmap! { "Name" => "Alice", "Empty" => Value::Nil };
    /// assert_eq!(data.field("Name"), Some(Value::String("Alice".into())));
    /// assert_eq!(data.field("Empty"), Some(Value::Nil));   // key exists
    /// assert_eq!(data.field("Missing"), None);               // key absent
    /// assert_eq!(Value::Int(1).field("x"), None);            // not a map
    /// ```
    pub fn field(&self, name: &str) -> Option<Value> {
        match self {
            // runeguard patch 61: a method of the map's named type comes before its keys, as
            // Go's `evalField` looks for a method first (Helm's `.Values.AsMap`).
            Value::Map(_)
                if let Some(hook) = METHODS.get()
                    && let Some(method) = hook(self, name) =>
            {
                Some(method)
            }
            // runeguard patch 35: a missing key of a typed map is its elements' zero value
            // (Helm runs templates with `missingkey=zero`).
            Value::Map(m) => m.get(name).or_else(|| self.missing_key()),
            _ => None,
        }
    }

    /// Index into a [`Value::List`] (by integer), [`Value::Map`] (by string),
    /// or [`Value::String`] (by integer, returning the raw byte).
    ///
    /// Mirrors Go's `index` builtin semantics:
    /// - **List + Int**: returns the element, or an error if out of bounds.
    /// - **Map + String**: returns the value, or [`Value::Nil`] for missing keys.
    /// - **String + Int**: returns the byte at that offset as a [`Value::Int`]
    ///   (Go indexes strings as `[]byte`; mid-codepoint offsets are valid).
    /// - **Nil + anything**: returns an error (`index of untyped nil`).
    /// - **Other combinations**: returns an error (type mismatch).
    ///
    /// # Errors
    ///
    /// Returns an error on out-of-bounds list access, indexing with an
    /// incompatible key type, or indexing a non-indexable value.
    pub fn index(&self, idx: &Value) -> Result<Value> {
        // Resolve an integer index (signed or unsigned) to a usize offset,
        // bounds-checking against `len`. A `Value::Uint` above `i64::MAX`
        // wraps to a negative `i64` here and fails the lower-bound check —
        // correct, since it can never be a valid offset.
        fn check_bounds(idx: &Value, len: usize) -> Result<usize> {
            let i = match idx {
                Value::Int(i) | Value::Int64(i) => *i,
                Value::Uint(i) => *i as i64,
                #[allow(
                    clippy::unreachable,
                    reason = "callers guard with a Value::Int | Value::Uint pattern"
                )]
                _ => unreachable!(),
            };
            if i < 0 || (i as usize) >= len {
                Err(crate::error::TemplateError::IndexOutOfRange { index: i })
            } else {
                Ok(i as usize)
            }
        }
        // runeguard patch: Go's texts (`indexArg`, `prepareArg`).
        fn bad_index(kind: &str, idx: &Value) -> crate::error::TemplateError {
            let ty = crate::go::go_type_name(idx);
            crate::error::TemplateError::Exec(if kind == "map" {
                format!("value has type {ty}; should be string")
            } else {
                format!("cannot index slice/array with type {ty}")
            })
        }
        match (self, idx) {
            (Value::List(v), Value::Int(_) | Value::Int64(_) | Value::Uint(_)) => {
                Ok(v[check_bounds(idx, v.len())?].clone())
            }
            (Value::List(_), _) => Err(bad_index("list", idx)),
            (Value::Map(m), Value::String(k)) => Ok(m
                .get(k.as_ref())
                .or_else(|| self.missing_key())
                .unwrap_or(Value::Nil)),
            (Value::Map(_), _) => Err(bad_index("map", idx)),
            // Go indexes strings as `[]byte` — mid-codepoint offsets are
            // valid since Go has no UTF-8 invariant. We surface the byte as
            // a `Value::Int` to keep that semantic without breaking ours.
            (Value::String(s), Value::Int(_) | Value::Int64(_) | Value::Uint(_)) => {
                let bytes = s.as_bytes();
                Ok(Value::Int(bytes[check_bounds(idx, bytes.len())?] as i64))
            }
            (Value::String(_), _) => Err(bad_index("string", idx)),
            (Value::Nil, _) => Err(crate::error::TemplateError::Exec(
                "index of untyped nil".into(),
            )),
            _ => Err(crate::error::TemplateError::Exec(format!(
                "cannot index type {}",
                self.type_name()
            ))),
        }
    }

    /// Returns a short type name for use in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Function(_) => "func",
            // Safe content compares and formats as its underlying string, so it
            // reports "string" (matching Go's basicKind for template.HTML etc.).
            #[cfg(feature = "html")]
            Value::Safe { .. } => "string",
        }
    }

    /// Returns the length of a string, list, or map.
    ///
    /// Returns `None` for types that have no concept of length.
    /// Mirrors Go's `len` builtin.
    pub fn len(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(s.len()),
            Value::List(v) => Some(v.len()),
            // runeguard patch: a map's functions are its methods (patch 10), not entries.
            Value::Map(m) => Some(
                m.read()
                    .values()
                    .filter(|v| !matches!(v, Value::Function(_)))
                    .count(),
            ),
            _ => None,
        }
    }

    /// Returns `Some(true)` if the value has a length and that length is zero.
    ///
    /// Returns `None` for types that have no concept of length.
    pub fn is_empty(&self) -> Option<bool> {
        self.len().map(|n| n == 0)
    }

    /// Slice a [`Value::List`] or [`Value::String`] by byte range.
    ///
    /// Mirrors Go's `slice` builtin: `slice x`, `slice x i`, `slice x i j`.
    /// Omitted bounds default to `0` (start) and `len` (end).
    ///
    /// # Errors
    ///
    /// Returns an error if the indices are out of range, inverted, on a
    /// non-UTF-8-char boundary (strings), or the value is not sliceable.
    pub fn slice(&self, start: Option<i64>, end: Option<i64>) -> Result<Value> {
        // Resolve caller-supplied i64 bounds into usize indices in [0, len].
        // `len as i64` is lossless: Rust caps allocations at isize::MAX, which
        // fits in i64 on every supported target.
        fn resolve(
            kind: &str,
            start: Option<i64>,
            end: Option<i64>,
            len: usize,
        ) -> Result<(usize, usize)> {
            let len_i = len as i64;
            let start = start.unwrap_or(0);
            let end = end.unwrap_or(len_i);
            if start < 0 || end < 0 || start > len_i || end > len_i || start > end {
                return Err(crate::error::TemplateError::Exec(format!(
                    "slice: {kind} index out of range [{start}:{end}] with length {len}"
                )));
            }
            Ok((start as usize, end as usize))
        }
        match self {
            Value::List(v) => {
                let (s, e) = resolve("list", start, end, v.len())?;
                if s == 0 && e == v.len() {
                    return Ok(Value::List(Arc::clone(v)));
                }
                Ok(Value::List(Arc::from(&v[s..e])))
            }
            Value::String(str) => {
                let (s, e) = resolve("string", start, end, str.len())?;
                if !str.is_char_boundary(s) || !str.is_char_boundary(e) {
                    return Err(crate::error::TemplateError::Exec(
                        "slice: index not on UTF-8 character boundary".to_string(),
                    ));
                }
                if s == 0 && e == str.len() {
                    return Ok(Value::String(Arc::clone(str)));
                }
                Ok(Value::String(Arc::from(&str[s..e])))
            }
            _ => Err(crate::error::TemplateError::Exec(format!(
                "slice: cannot slice type {}",
                self.type_name()
            ))),
        }
    }

    /// Extracts a string slice if this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Extracts an `i64`: returned directly for a [`Value::Int`], reinterpreted
    /// from a [`Value::Uint`] (`u64 as i64`, which wraps to a negative value
    /// above `i64::MAX`), or truncated from a [`Value::Float`].
    ///
    /// The `Uint` path is lossy as a *signed value* above `i64::MAX` — only the
    /// bit pattern survives (`n as i64 as u64 == n`), not the magnitude. Anything
    /// that must see a uint's true magnitude matches [`Value::Uint`] directly
    /// instead: the `%d` / `%x` / `%X` / `%o` / `%b` / `%U` printf verbs and the
    /// index/slice paths all do. The sole remaining uint consumer here is `%c`,
    /// where a value outside the rune range is invalid regardless of sign, so the
    /// wrap is harmless (it maps to U+FFFD either way).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) | Value::Int64(n) => Some(*n),
            Value::Uint(n) => Some(*n as i64),
            Value::Float(f) => Some(*f as i64),
            _ => None,
        }
    }

    /// Extracts an `f64` if this is a [`Value::Float`], or widens a
    /// [`Value::Int`] / [`Value::Uint`].
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            Value::Int(n) | Value::Int64(n) => Some(*n as f64),
            Value::Uint(n) => Some(*n as f64),
            _ => None,
        }
    }

    /// Returns `true` if this is a [`Value::Function`].
    pub fn is_function(&self) -> bool {
        matches!(self, Value::Function(_))
    }

    /// Creates a [`Value::Map`] from a fixed-size array of key-value pairs.
    ///
    /// This is the constructor used by the [`tmap!`](crate::tmap) macro.
    #[doc(hidden)]
    pub fn from_entries<const N: usize>(entries: [(String, Value); N]) -> Self {
        Value::Map(MapRef::new(
            entries
                .into_iter()
                .map(|(k, v)| (Arc::from(k), v))
                .collect(),
        ))
    }
}

/// runeguard patch: how deep `Display` prints lists and maps (a map may hold itself).
pub const MAX_PRINT_DEPTH: usize = 1000;

/// runeguard patch: an element of a list or map as fmt prints it: a copy, not addressable,
/// so a struct whose `String` method is on its pointer prints fmt's form ([`STRUCT_FMT`]:
/// `[{v1.36.0 v1.36.0 1 36}]` for `list .Capabilities.KubeVersion`), as `print` does.
pub(crate) struct Elem<'a>(pub(crate) &'a Value);

impl fmt::Display for Elem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Map(m) if matches!(m.get(STRUCT_FMT), Some(Value::Function(_))) => {
                f.write_str(&self.0.stringer().unwrap_or_default())
            }
            v => write!(f, "{v}"),
        }
    }
}

/// runeguard patch 62: the address Go's fmt prints for a pointer inside a list or map (it
/// varies from run to run in Go; one fixed address here).
pub const POINTER_ADDRESS: u64 = 0xc000_010000;

/// runeguard patch 62: an element of a list or map as fmt's `%v` prints it below the top
/// level: a pointer to a struct without a `String` method (Helm's `*common.Capabilities`)
/// is its address (`map[k:0xc000010000]`); Go writes `&{…}` at depth 0 only.
pub(crate) struct Nested<'a>(pub(crate) &'a Value);

impl fmt::Display for Nested<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.pointer_type().is_some() {
            return write!(f, "{POINTER_ADDRESS:#x}");
        }
        write!(f, "{}", Elem(self.0))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if matches!(self, Value::Map(_) | Value::List(_)) && self.nests_deeper_than(MAX_PRINT_DEPTH) {
            return write!(f, "<nested more than {MAX_PRINT_DEPTH} deep>");
        }
        match self {
            Value::Nil => write!(f, "<nil>"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) | Value::Int64(n) => write!(f, "{n}"),
            Value::Uint(n) => write!(f, "{n}"),
            // runeguard patch: Go's `%v` of a float64 (`%g`, shortest): 1e+06, 1.5, 3.
            Value::Float(v) => f.write_str(&crate::value::go_float(*v)),
            Value::String(s) => write!(f, "{s}"),
            Value::List(v) => {
                write!(f, "[")?;
                for (i, item) in v.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{}", Nested(item))?;
                }
                write!(f, "]")
            }
            // runeguard patch: a map with a `String` method prints what it returns (Go's
            // fmt calls a value's String method: Helm's `.Capabilities.APIVersions`).
            Value::Map(m) if matches!(m.get("String"), Some(Value::Function(_))) => {
                match m.get("String") {
                    Some(Value::Function(s)) => match s(&[]) {
                        Ok(v) => write!(f, "{v}"),
                        Err(_) => Err(fmt::Error),
                    },
                    _ => Ok(()),
                }
            }
            // runeguard patch: a struct without a `String` method prints fmt's form
            // (Helm's `*Capabilities`: `&{…}`).
            Value::Map(m) if matches!(m.get(STRUCT_FMT), Some(Value::Function(_))) => {
                write!(f, "{}", self.stringer().unwrap_or_default())
            }
            Value::Map(m) => {
                write!(f, "map[")?;
                for (i, (k, v)) in m.snapshot().iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{k}:{}", Nested(v))?;
                }
                write!(f, "]")
            }
            Value::Function(_) => write!(f, "<func>"),
            // Trusted content renders verbatim, exactly like its string.
            #[cfg(feature = "html")]
            Value::Safe { s, .. } => write!(f, "{s}"),
        }
    }
}

/// Rust-side equality for [`Value`].
///
/// Type-strict: values must have the same variant to compare equal
/// (except `Nil == Nil`).
///
/// Template builtins (`eq`, `ne`) implement Go-compatible comparison error
/// semantics separately in `funcs.rs`.
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Uint(a), Value::Uint(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            // runeguard patch 35: Go's reflect.DeepEqual also compares the slice's or map's
            // type (a `[]string` is not a `[]interface {}`) and a nil slice with an empty one.
            (Value::List(a), Value::List(b)) => {
                a == b
                    && is_nil_list(a) == is_nil_list(b)
                    && self.go_type() == other.go_type()
            }
            (Value::Map(a), Value::Map(b)) => a == b && self.go_type() == other.go_type(),
            #[cfg(feature = "html")]
            (Value::Safe { kind: k1, s: a }, Value::Safe { kind: k2, s: b }) => k1 == k2 && a == b,
            _ => false,
        }
    }
}

/// Rust-side partial ordering for [`Value`].
///
/// Supports ordering for same-type numeric and string variants only:
/// [`Value::Int`], [`Value::Float`], [`Value::String`]. Every other
/// combination returns `None`.
///
/// Template builtins (`lt`, `le`, `gt`, `ge`) implement Go-compatible
/// comparison error semantics separately in `funcs.rs`.
impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        match (self, other) {
            (Value::Int(a) | Value::Int64(a), Value::Int(b) | Value::Int64(b)) => a.partial_cmp(b),
            (Value::Uint(a), Value::Uint(b)) => a.partial_cmp(b),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
            (Value::String(a), Value::String(b)) => a.partial_cmp(b),
            #[cfg(feature = "html")]
            (Value::Safe { s: a, .. }, Value::Safe { s: b, .. }) => a.partial_cmp(b),
            _ => None,
        }
    }
}

/// Trait for converting Rust types into template [`Value`]s.
///
/// Standing in for Go's ability to pass any type to `template.Execute()`.
/// Blanket impls cover common types; implement it on your own types to pass
/// them as template data.
///
/// # Examples
///
/// ```
/// use gotmpl::{Value, ToValue};
///
/// assert_eq!(42i64.to_value(), Value::Int(42));
/// assert_eq!("hello".to_value(), Value::String("hello".into()));
/// assert_eq!(true.to_value(), Value::Bool(true));
///
/// let none: Option<i64> = None;
/// assert_eq!(none.to_value(), Value::Nil);
/// ```
pub trait ToValue {
    /// Convert this value into a template [`Value`].
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! impl_to_value_int {
    ($($t:ty),*) => {
        $(impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
        })*
    };
}

macro_rules! impl_to_value_uint {
    ($($t:ty),*) => {
        $(impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Uint(*self as u64)
            }
        })*
    };
}

// Signed integers map to `Value::Int`; unsigned integers map to `Value::Uint`,
// mirroring Go's distinct signed/unsigned reflect kinds. Keeping the unsigned
// family in `Value::Uint` is what lets `u64::MAX` render and compare as its
// true value instead of wrapping to `Value::Int(-1)`.
impl_to_value_int!(i8, i16, i32, i64, isize);
impl_to_value_uint!(u8, u16, u32, u64, usize);

impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::Float(*self as f64)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::String(Arc::from(self))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(Arc::from(self.as_str()))
    }
}

impl ToValue for alloc::borrow::Cow<'_, str> {
    fn to_value(&self) -> Value {
        Value::String(Arc::from(self.as_ref()))
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (*self).to_value()
    }
}

/// Converts `Some(v)` to `v.to_value()` and `None` to [`Value::Nil`].
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Nil,
        }
    }
}

fn list_from_iter<'a, T: ToValue + 'a, I: IntoIterator<Item = &'a T>>(iter: I) -> Value {
    Value::List(
        iter.into_iter()
            .map(ToValue::to_value)
            .collect::<Vec<_>>()
            .into(),
    )
}

fn map_from_iter_str<'a, T: ToValue + 'a, I: IntoIterator<Item = (&'a str, &'a T)>>(
    iter: I,
) -> Value {
    Value::Map(MapRef::new(
        iter.into_iter()
            .map(|(k, v)| (Arc::from(k), v.to_value()))
            .collect(),
    ))
}

impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value {
        list_from_iter(self.iter())
    }
}

impl<T: ToValue, const N: usize> ToValue for [T; N] {
    fn to_value(&self) -> Value {
        list_from_iter(self.iter())
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        list_from_iter(self.iter())
    }
}

impl<T: ToValue> ToValue for alloc::collections::VecDeque<T> {
    fn to_value(&self) -> Value {
        list_from_iter(self.iter())
    }
}

impl<T: ToValue> ToValue for alloc::collections::LinkedList<T> {
    fn to_value(&self) -> Value {
        list_from_iter(self.iter())
    }
}

impl<T: ToValue> ToValue for alloc::collections::BTreeSet<T> {
    fn to_value(&self) -> Value {
        list_from_iter(self.iter())
    }
}

#[cfg(feature = "std")]
impl<T: ToValue> ToValue for std::collections::HashSet<T> {
    fn to_value(&self) -> Value {
        // Collect and sort for deterministic output.
        let mut items: Vec<Value> = self.iter().map(ToValue::to_value).collect();
        items.sort_by(|a, b| a.partial_cmp(b).unwrap_or(core::cmp::Ordering::Equal));
        Value::List(items.into())
    }
}

impl<T: ToValue> ToValue for BTreeMap<String, T> {
    fn to_value(&self) -> Value {
        map_from_iter_str(self.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

impl<T: ToValue> ToValue for BTreeMap<&str, T> {
    fn to_value(&self) -> Value {
        map_from_iter_str(self.iter().map(|(k, v)| (*k, v)))
    }
}

#[cfg(feature = "std")]
impl<T: ToValue> ToValue for std::collections::HashMap<String, T> {
    fn to_value(&self) -> Value {
        map_from_iter_str(self.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

#[cfg(feature = "std")]
impl<T: ToValue> ToValue for std::collections::HashMap<&str, T> {
    fn to_value(&self) -> Value {
        map_from_iter_str(self.iter().map(|(k, v)| (*k, v)))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(Arc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Arc::from(s))
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(m: BTreeMap<String, Value>) -> Self {
        Value::Map(MapRef::new(
            m.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
        ))
    }
}

impl From<BTreeMap<Arc<str>, Value>> for Value {
    fn from(m: BTreeMap<Arc<str>, Value>) -> Self {
        Value::Map(MapRef::new(m))
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::List(v.into())
    }
}

impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Self {
        Value::String(s)
    }
}

impl From<Arc<[Value]>> for Value {
    fn from(v: Arc<[Value]>) -> Self {
        Value::List(v)
    }
}

impl From<MapRef> for Value {
    fn from(m: MapRef) -> Self {
        Value::Map(m)
    }
}

/// Converts a [`std::collections::HashMap<String, Value>`] into a [`Value::Map`].
///
/// Useful when data is already in a `HashMap` and should be passed to a
/// template without first converting to `BTreeMap`.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
/// use gotmpl::Value;
///
/// let mut hm = HashMap::new();
/// hm.insert("key".to_string(), Value::Int(42));
/// let val = Value::from(hm);
/// assert!(matches!(val, Value::Map(_)));
/// ```
#[cfg(feature = "std")]
impl From<std::collections::HashMap<String, Value>> for Value {
    fn from(m: std::collections::HashMap<String, Value>) -> Self {
        Value::Map(MapRef::new(
            m.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
        ))
    }
}

/// Creates a [`Value::Map`] from key-value pairs, similar to Go's map literals.
///
/// Keys are converted to strings via `.to_string()`, and values are converted
/// via [`ToValue::to_value`].
///
/// # Examples
///
/// ```
/// use gotmpl::{tmap, ToValue};
/// use gotmpl::Value;
///
/// let data = tmap! {
///     "name" => "Alice",
///     "age" => 30i64,
///     "scores" => vec![95i64, 87, 92],
///     "address" => tmap! { "city" => "Paris" },
/// };
///
/// assert!(matches!(data, Value::Map(_)));
/// ```
#[macro_export]
macro_rules! tmap {
    () => {
        $crate::Value::from_entries([])
    };
    ($($key:expr => $val:expr),+ $(,)?) => {
        $crate::Value::from_entries([
            $(($key.to_string(), $crate::ToValue::to_value(&$val)),)+
        ])
    };
}

/// runeguard patch: formats a float as Go's `%v` does (`strconv.FormatFloat(v, 'g', -1, 64)`
/// with Go's exponent form `e+06`).
pub fn go_float(v: f64) -> alloc::string::String {
    use alloc::format;
    use alloc::string::ToString;
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Shortest round-trip digits and the decimal exponent, from Rust's `{:e}`.
    let e = format!("{v:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Go: the shortest form uses the exponent when exp < -4 || exp >= 6.
    if !(-4..6).contains(&exp) {
        return format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    v.to_string()
}

/// The entries of a map value.
pub type Entries = BTreeMap<Arc<str>, Value>;

/// runeguard patch: a map shared by reference, as Go's maps are. Cloning a `MapRef` (and so
/// a [`Value::Map`]) gives another holder of the same map; [`Value::deep_copy`] copies.
/// Locks are held only for one read or one change, never while a template runs, so a
/// template that changes the map it ranges over or reads cannot deadlock.
#[derive(Clone, Default)]
pub struct MapRef(Arc<std::sync::RwLock<Entries>>);

impl MapRef {
    /// A new map holding `entries`.
    pub fn new(entries: Entries) -> Self {
        MapRef(Arc::new(std::sync::RwLock::new(entries)))
    }

    /// The entries, for one read (a poisoned lock still reads: maps hold plain data).
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Entries> {
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The entries, for one change seen by every holder.
    pub fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries> {
        self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A copy of the entries as they are now (their values still shared).
    pub fn snapshot(&self) -> Entries {
        self.read().clone()
    }

    /// The value of `key`, if the map holds it.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// True when the map holds no entry.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// True when both are the same map (Go's map identity).
    pub fn ptr_eq(a: &MapRef, b: &MapRef) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// runeguard patch: a map standing for a Go struct (a `time.Time`, Helm's KubeVersion) holds
/// under this key a method returning the struct's Go type name (`%T`, Sprig's `typeOf`);
/// it is always true, and `STRUCT_FIELDS`, when present, returns its exported field names in
/// declaration order (Go's JSON writes them so). Templates cannot name the key as a field.
pub const STRUCT_TYPE: &str = "#type";
/// runeguard patch: see [`STRUCT_TYPE`].
pub const STRUCT_FIELDS: &str = "#fields";
/// runeguard patch: a method returning what Go's fmt prints for the value under `%v`/`%s`
/// when that is not what a template prints for it (Helm's KubeVersion has its `String`
/// method on the pointer: `{{ . }}` prints the version, `printf "%v"` the struct's fields).
pub const STRUCT_FMT: &str = "#fmt";
/// runeguard patch 41: a method returning the struct's fields as fmt walks them, every field
/// (unexported too) in declaration order, as a list of `[name, value]` pairs: `%+v` prints
/// `{Name:value …}`, `%#v` `pkg.T{Name:"value", …}`, another verb applies to each field
/// (`%d` of KubeVersion is `{%!d(string=v1.36.0) …}`). A `#type` starting with `*` is a
/// pointer (`&{…}`, `&pkg.T{…}`).
pub const STRUCT_VALUES: &str = "#values";
/// runeguard patch 41: a method returning what the value's `GoString` method returns, which
/// `%#v` prints (`time.Time`: `time.Date(2024, time.March, 5, 0, 0, 0, 0, time.Local)`).
pub const GO_STRING: &str = "#gostring";
/// runeguard patch 41: a method returning the value fmt sees for a map standing for a named
/// non-struct type (Helm's `common.VersionSet`, a `[]string`: a typed list), which `%#v`
/// prints (`common.VersionSet{"v1", …}`).
pub const GO_UNDERLYING: &str = "#go";

impl Value {
    /// runeguard patch: the Go type name of a map standing for a struct ([`STRUCT_TYPE`]).
    pub fn struct_type(&self) -> Option<String> {
        let Value::Map(m) = self else { return None };
        match m.get(STRUCT_TYPE) {
            Some(Value::Function(f)) => match f(&[]) {
                Ok(Value::String(name)) => Some(name.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    /// runeguard patch 41: calls the method `name` of a map standing for a Go value.
    pub fn go_method(&self, name: &str) -> Option<Value> {
        let Value::Map(m) = self else { return None };
        match m.get(name) {
            Some(Value::Function(f)) => f(&[]).ok(),
            _ => None,
        }
    }

    /// runeguard patch 62: the type of a pointer to a struct fmt prints by its fields (a
    /// `*` type without a `String` method): printed as its address below the top level.
    pub fn pointer_type(&self) -> Option<String> {
        self.struct_type()
            .filter(|t| t.starts_with('*') && !self.fmt_calls_string())
    }

    /// runeguard patch 41: whether fmt calls the value's `String` method for `%v`, `%s`,
    /// `%q`, `%x`: it has one, and no fmt form of its own ([`STRUCT_FMT`]: a `String` on
    /// the pointer, which the copy fmt is given does not have).
    pub fn fmt_calls_string(&self) -> bool {
        let Value::Map(m) = self else { return false };
        m.get(STRUCT_FMT).is_none() && matches!(m.get("String"), Some(Value::Function(_)))
    }

    /// runeguard patch 41: a struct's fields as fmt walks them ([`STRUCT_VALUES`]).
    pub fn struct_values(&self) -> Option<Vec<(Arc<str>, Value)>> {
        let Value::List(pairs) = self.go_method(STRUCT_VALUES)? else {
            return None;
        };
        Some(
            pairs
                .iter()
                .filter_map(|p| match p {
                    Value::List(nv) if nv.len() == 2 => match &nv[0] {
                        Value::String(name) => Some((name.clone(), nv[1].clone())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
        )
    }

    /// runeguard patch: what the `String` method of a map standing for a Go value with
    /// methods returns (Go's `fmt.Stringer`), if it has one; fmt's own form first
    /// ([`STRUCT_FMT`]).
    pub fn stringer(&self) -> Option<String> {
        let Value::Map(m) = self else { return None };
        let method = m.get(STRUCT_FMT).or_else(|| m.get("String"));
        match method {
            Some(Value::Function(f)) => f(&[]).ok().map(|v| v.to_string()),
            _ => None,
        }
    }
}

/// runeguard patch: Go's nil slice. Go tells a nil `[]interface{}` (what Sprig's `rest` and
/// `initial` return for an empty list) from an empty one only when it is marshalled
/// (`toJson` writes `null`, not `[]`); both print `[]`, have length 0 and are false. A nil
/// slice is this one shared empty list, known by identity: any list built otherwise is not
/// nil, and a copy of the value (a clone of the `Arc`) stays nil, as a Go slice does.
pub fn nil_list() -> Arc<[Value]> {
    static NIL: std::sync::OnceLock<Arc<[Value]>> = std::sync::OnceLock::new();
    NIL.get_or_init(|| Arc::from(Vec::new())).clone()
}

/// runeguard patch: true when `list` is Go's nil slice ([`nil_list`]).
pub fn is_nil_list(list: &Arc<[Value]>) -> bool {
    list.is_empty() && Arc::ptr_eq(list, &nil_list())
}

impl PartialEq for MapRef {
    fn eq(&self, other: &Self) -> bool {
        MapRef::ptr_eq(self, other) || self.snapshot() == other.snapshot()
    }
}

impl fmt::Debug for MapRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.snapshot())
    }
}

impl Value {
    /// runeguard patch: true when lists and maps nest deeper than `limit` in `self` (always
    /// so for a map that holds itself, which shared maps make possible, as in Go). Walks at
    /// most `limit` levels.
    pub fn nests_deeper_than(&self, limit: usize) -> bool {
        if limit == 0 {
            return matches!(self, Value::Map(_) | Value::List(_));
        }
        match self {
            Value::Map(m) => {
                // The nested containers only, taken out of the lock before going down (a map
                // that holds itself must not be locked twice).
                let inner: Vec<Value> = m
                    .read()
                    .values()
                    .filter(|v| matches!(v, Value::Map(_) | Value::List(_)))
                    .cloned()
                    .collect();
                inner.iter().any(|v| v.nests_deeper_than(limit - 1))
            }
            Value::List(l) => l
                .iter()
                .filter(|v| matches!(v, Value::Map(_) | Value::List(_)))
                .any(|v| v.nests_deeper_than(limit - 1)),
            _ => false,
        }
    }

    /// runeguard patch: a copy sharing nothing with `self` (Sprig's `deepCopy`): every map
    /// inside, at any depth, is a new map. Callers bound the depth first
    /// ([`Value::nests_deeper_than`]).
    pub fn deep_copy(&self) -> Value {
        // runeguard patch 35: the copy has the original's Go type (copystructure's).
        let copy = self.deep_copy_untyped();
        match self.go_type() {
            Some(ty) => copy.typed(ty),
            None => copy,
        }
    }

    fn deep_copy_untyped(&self) -> Value {
        match self {
            // runeguard patch 18: copied from the entries as they are read, not from a
            // snapshot of them (a copy of the map before the copy).
            // runeguard patch 60: the tree cloned as it is (its nodes copied, its values
            // shared), then each value replaced by its copy: collecting the entries sorted
            // them again and rebuilt the tree (a third of copying istio's CRDs).
            Value::Map(m) => {
                let mut entries = m.read().clone();
                for v in entries.values_mut() {
                    *v = v.deep_copy();
                }
                Value::Map(MapRef::new(entries))
            }
            Value::List(l) => Value::List(l.iter().map(Value::deep_copy).collect::<Vec<_>>().into()),
            other => other.clone(),
        }
    }
}

/// runeguard patch: Go's type of a slice or map whose elements are not `interface{}`.
///
/// Go tells a `[]string` (Sprig's `splitList`, `keys`, `sortAlpha`, `toStrings`,
/// `regexFindAll`), a `[]int` (`until`), a `[][]interface {}` (`chunk`) or a
/// `map[string]string` (`split`) from a `[]interface {}` or a `map[string]interface {}` in
/// `%T`/`typeOf`, `reflect.DeepEqual` and the argument check of a function taking a
/// `map[string]interface {}`; everything else (printing, `len`, `index`, `range`, JSON) is the
/// same. A value's type is kept beside it rather than in [`Value`] (whose lists and maps have
/// no element type): a table from the address of the list's or map's allocation to its type.
/// The table holds a [`Weak`](alloc::sync::Weak) of the allocation, so the address cannot be
/// reused while the entry lives; entries whose value has gone are dropped as the table grows.
/// A copy of the value (a clone of the `Arc`) keeps the type, as a Go slice or map does; a
/// list built anew is `[]interface {}` unless its maker marks it ([`Value::typed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoType {
    /// Go's name of the type (`[]string`, `map[string]string`, `common.Values`).
    pub name: &'static str,
    /// True when the type's underlying type is `[]interface {}` or `map[string]interface {}`
    /// (a named type such as Helm's `common.Values`): Go assigns it to such a parameter.
    pub any_elems: bool,
    /// True for Go's nil slice of that type (`toJson` writes `null`; unequal to an empty one).
    pub nil: bool,
    /// A map whose elements are `[]byte` held as strings (Helm's `.Files`, patch 36): fmt's
    /// number verbs print each element's bytes (`%d` is `[98 10]`).
    pub byte_elems: bool,
}

impl GoType {
    /// A slice or map type with typed elements (`[]string`, `map[string]string`).
    pub const fn of(name: &'static str) -> GoType {
        GoType {
            name,
            any_elems: false,
            nil: false,
            byte_elems: false,
        }
    }

    /// A map of `[]byte` elements held as strings (`map[string][]byte`, Helm's `.Files`).
    pub const fn byte_map(name: &'static str) -> GoType {
        GoType {
            byte_elems: true,
            ..GoType::of(name)
        }
    }

    /// A named type over `[]interface {}`/`map[string]interface {}` (`common.Values`).
    pub const fn named(name: &'static str) -> GoType {
        GoType {
            name,
            any_elems: true,
            nil: false,
            byte_elems: false,
        }
    }

    /// The nil slice of this type.
    pub const fn nil(self) -> GoType {
        GoType { nil: true, ..self }
    }
}

/// runeguard patch 61: the methods of named map types, installed by the caller
/// ([`set_methods`]): given a map and a field name, the method of the map's type of that
/// name (a [`Value::Function`], called as Go calls a method), or `None` (the map's key).
pub type Methods = fn(&Value, &str) -> Option<Value>;

static METHODS: std::sync::OnceLock<Methods> = std::sync::OnceLock::new();

/// runeguard patch 61: installs the methods of named map types (the first call wins).
pub fn set_methods(f: Methods) {
    let _ = METHODS.set(f);
}

enum Held {
    List(alloc::sync::Weak<[Value]>),
    Map(alloc::sync::Weak<std::sync::RwLock<Entries>>),
}

impl Held {
    fn alive(&self) -> bool {
        match self {
            Held::List(w) => w.strong_count() > 0,
            Held::Map(w) => w.strong_count() > 0,
        }
    }
}

#[derive(Default)]
struct TypeTable {
    by_addr: std::collections::HashMap<usize, (Held, GoType)>,
    prune_at: usize,
}

/// Set once anything is typed: until then no lookup takes the lock.
static ANY_TYPED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

fn type_table() -> std::sync::MutexGuard<'static, TypeTable> {
    static TABLE: std::sync::OnceLock<std::sync::Mutex<TypeTable>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn container_addr(v: &Value) -> Option<usize> {
    match v {
        Value::List(l) => Some(Arc::as_ptr(l).cast::<u8>() as usize),
        Value::Map(m) => Some(Arc::as_ptr(&m.0).cast::<u8>() as usize),
        _ => None,
    }
}

impl Value {
    /// runeguard patch: `self` (a list or map) with Go's type `ty` ([`GoType`]); other values
    /// are returned as they are.
    pub fn typed(self, ty: GoType) -> Value {
        let held = match &self {
            Value::List(l) => Held::List(Arc::downgrade(l)),
            Value::Map(m) => Held::Map(Arc::downgrade(&m.0)),
            _ => return self,
        };
        let Some(addr) = container_addr(&self) else {
            return self;
        };
        let mut table = type_table();
        if table.by_addr.len() >= table.prune_at {
            table.by_addr.retain(|_, (held, _)| held.alive());
            table.prune_at = (table.by_addr.len() * 2).max(1024);
        }
        table.by_addr.insert(addr, (held, ty));
        ANY_TYPED.store(true, core::sync::atomic::Ordering::Release);
        self
    }

    /// runeguard patch: the Go type given to this list or map by [`Value::typed`], if any
    /// (none: `[]interface {}`, `map[string]interface {}`).
    pub fn go_type(&self) -> Option<GoType> {
        if !ANY_TYPED.load(core::sync::atomic::Ordering::Acquire) {
            return None;
        }
        let addr = container_addr(self)?;
        type_table().by_addr.get(&addr).map(|(_, ty)| *ty)
    }

    /// runeguard patch: what Go's `index` (and a field under Helm's `missingkey=zero`) gives
    /// for a key a typed map lacks: its elements' zero value (`""` for a `map[string]string`);
    /// `None` for a map of `interface{}` (nil: printed as no value).
    fn missing_key(&self) -> Option<Value> {
        let ty = self.go_type()?;
        (ty.name == "map[string]string").then(|| Value::String(Arc::from("")))
    }

    /// runeguard patch: true for Go's nil slice: [`nil_list`] or a typed nil ([`GoType::nil`]);
    /// also for a typed nil map (patch 45: Helm's `.Chart.Annotations` when Chart.yaml has none).
    pub fn is_nil_slice(&self) -> bool {
        match self {
            Value::List(l) => {
                l.is_empty() && (is_nil_list(l) || self.go_type().is_some_and(|t| t.nil))
            }
            Value::Map(m) => m.read().is_empty() && self.go_type().is_some_and(|t| t.nil),
            _ => false,
        }
    }
}

#[cfg(test)]
mod go_type_tests {
    use super::*;

    const STRINGS: GoType = GoType::of("[]string");

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::from(*s)).collect::<Vec<_>>().into())
    }

    #[test]
    fn a_typed_list_keeps_its_type_through_copies_and_deep_copies() {
        let typed = strings(&["a", "b"]).typed(STRINGS);
        assert_eq!(typed.go_type(), Some(STRINGS));
        assert_eq!(typed.clone().go_type(), Some(STRINGS));
        assert_eq!(typed.deep_copy().go_type(), Some(STRINGS));
        // A list built anew from its elements is a `[]interface {}`.
        let Value::List(l) = &typed else { unreachable!() };
        assert_eq!(Value::List(l.to_vec().into()).go_type(), None);
    }

    #[test]
    fn deep_equal_tells_element_types_and_nil_slices_apart() {
        let typed = strings(&["a"]).typed(STRINGS);
        assert_ne!(typed, strings(&["a"]));
        assert_eq!(typed, strings(&["a"]).typed(STRINGS));
        let empty = Value::List(Vec::new().into());
        assert_ne!(Value::List(nil_list()), empty);
        let typed_nil = Value::List(Vec::new().into()).typed(STRINGS.nil());
        assert!(typed_nil.is_nil_slice());
        assert!(!Value::List(Vec::new().into()).typed(STRINGS).is_nil_slice());
        assert_ne!(typed_nil, Value::List(Vec::new().into()).typed(STRINGS));
    }

    #[test]
    fn gone_values_leave_the_table_and_their_addresses_are_not_mistaken() {
        // Many short-lived typed lists: the table is pruned as it grows, and a new list never
        // inherits the type of one gone (the table's weak reference keeps the address taken).
        for i in 0..5000 {
            let typed = strings(&["x"]).typed(STRINGS);
            assert_eq!(typed.go_type(), Some(STRINGS));
            let plain = strings(&["y"; 1]);
            assert_eq!(plain.go_type(), None, "round {i}");
        }
        assert!(type_table().by_addr.len() < 5000);
    }
}
