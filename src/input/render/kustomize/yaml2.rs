//! How `kubectl kustomize` writes scalars and orders keys. Kustomize prints each object as
//! JSON turned into YAML (`Resource.AsYAML`: `sigs.k8s.io/yaml.JSONToYAML`), that is with
//! go-yaml v2's encoder: its resolver decides whether a string must be quoted, its emitter
//! whether plain, single-quoted, double-quoted or literal style is allowed, plain and quoted
//! scalars are folded at spaces past column 80, and mapping keys are sorted by its "natural"
//! order (runs of digits compared as numbers, a letter after any other character).
//! Measured with kubectl kustomize v5.8 (`--v=2`, `1.2.3` and `2023-02-29` plain; `'*'`,
//! `'- x'` single-quoted; `"1_000"`, `"0o17"`, `"2024-1-1"` double-quoted; `item9` before
//! `item10`, `_` before `Z`).

use std::cmp::Ordering;

/// go-yaml v2's preferred line width: a space past this column starts a new line.
const BEST_WIDTH: usize = 80;

/// The style go-yaml v2 writes a string in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The style of a string value (`key` false) or mapping key (`key` true, a simple key).
pub fn style(s: &str, key: bool) -> Style {
    // encoder.stringv: a string with a line break is literal; one the resolver reads as
    // another type, or as a base-60 float, is double-quoted; any other is plain.
    let mut st = if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    };
    // emitter.select_scalar_style, in a block context.
    let a = analyze(s);
    if key && a.multiline {
        st = Style::Double;
    }
    if st == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && key)) {
        st = Style::Single;
    }
    if st == Style::Single && !a.single_quoted_allowed {
        st = Style::Double;
    }
    if st == Style::Literal && (!a.block_allowed || key) {
        st = Style::Double;
    }
    st
}

/// Whether go-yaml v2 writes `key` as a simple key (`key: value`): at most 128 bytes and
/// on one line; else as a complex key (`? key`).
pub fn simple_key(key: &str) -> bool {
    key.len() <= 128 && !key.chars().any(is_break)
}

struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable` (go-yaml v2 writes Unicode unescaped).
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

/// emitter.analyze_scalar, for a block context.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = i + 1 >= n || matches!(chars[i + 1], ' ' | '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == n;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + 1 == n;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Whether go-yaml v2's resolver reads `s`, written plain, as a string (not a boolean, null,
/// number or timestamp).
pub fn resolves_to_str(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => !matches!(
            s,
            "y" | "Y"
                | "yes"
                | "Yes"
                | "YES"
                | "true"
                | "True"
                | "TRUE"
                | "on"
                | "On"
                | "ON"
                | "n"
                | "N"
                | "no"
                | "No"
                | "NO"
                | "false"
                | "False"
                | "FALSE"
                | "off"
                | "Off"
                | "OFF"
                | "~"
                | "null"
                | "Null"
                | "NULL"
        ),
        b'.' => {
            !matches!(s, ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF") && !go_parse_float(s)
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if matches!(s, "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF") {
                return false;
            }
            if first.is_ascii_digit() && is_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            !(go_parse_int_base0(&plain) || (yaml_style_float(&plain) && go_parse_float(&plain)))
        }
        _ => true,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint` succeeding, for a text without `_`:
/// an optional sign, then `0x`/`0o`/`0b` digits, `0` octal digits, or decimal digits (a
/// value out of range fails).
fn go_parse_int_base0(s: &str) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = crate::input::yaml::scalars::go_base0_radix(&lower);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    match u64::from_str_radix(digits, radix) {
        Ok(v) if neg => v <= 1 << 63,
        Ok(_) => true,
        Err(_) => false,
    }
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` succeeding (decimal and hexadecimal forms, `inf`,
/// `infinity`, `nan` in any case; underscores only between digits of a prefixed form are
/// not modelled: the texts given here have none).
fn go_parse_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return true;
    }
    if let Some(h) = lower.strip_prefix("0x") {
        // Hexadecimal mantissa, then a required `p` exponent.
        let Some((mant, exp)) = h.split_once('p') else {
            return false;
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let hex = |t: &str| t.chars().all(|c| c.is_ascii_hexdigit());
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        return !(int.is_empty() && frac.is_empty())
            && hex(int)
            && hex(frac)
            && !exp.is_empty()
            && exp.chars().all(|c| c.is_ascii_digit());
    }
    // Decimal: digits with one optional point (at least one digit), optional exponent.
    yaml_style_float(body) || {
        // `1.e5`-like forms yamlStyleFloat also accepts; anything else fails.
        false
    }
}

/// go-yaml v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or two with the first 0-5.
        match (b.get(i), b.get(i + 1)) {
            (Some(d0), Some(d1)) if (b'0'..=b'5').contains(d0) && d1.is_ascii_digit() => i += 2,
            (Some(d0), _) if d0.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's `parseTimestamp` (v2 and v3 alike): four digits and `-`, then Go's `time.Parse`
/// with one of `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
/// `2006-1-2 15:4:5.999999999`, or `2006-1-2` (a real date: `2023-02-29` is no timestamp).
fn is_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// A string as Kustomize's printer reads it back: it writes the object as Go's JSON, which
/// leaves U+0085 (NEL) unescaped, and go-yaml v2 reads that JSON as YAML, where a raw NEL
/// in a double-quoted scalar is a line break and folds with the spaces around it (one NEL:
/// a space; n of them: n - 1 line breaks). Measured with kubectl kustomize v5.8: `"x\Ny"`
/// prints `x y`, `"x\N"` prints `'x '`; line and paragraph separators are escaped by Go's
/// JSON and kept.
pub fn json_round_trip(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\u{85}') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != ' ' && chars[i] != '\u{85}' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        if i == chars.len() || chars[i] != '\u{85}' {
            out.extend(&chars[start..i]);
            continue;
        }
        // Spaces before the first break go; then breaks, with the spaces among them.
        let mut breaks = 0;
        while i < chars.len() && matches!(chars[i], ' ' | '\u{85}') {
            breaks += usize::from(chars[i] == '\u{85}');
            i += 1;
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', breaks - 1));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The text go-yaml v3 decodes a `!!binary` scalar's base64 to (Go's
/// `base64.StdEncoding`: line breaks skipped, padding required), as Go's JSON encoding
/// writes it: each byte that is not part of valid UTF-8 becomes U+FFFD (measured:
/// `!!binary //79` prints `���`). None: not base64 (Kustomize fails).
pub fn binary_json(s: &str) -> Option<String> {
    let bytes = crate::input::yaml::scalars::go_b64_std_decode(s.as_bytes()).ok()?;
    let mut out = String::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(t) => {
                out.push_str(t);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                // Go's utf8.DecodeRune takes one byte of an invalid sequence at a time.
                out.push('\u{FFFD}');
                rest = &rest[good + 1..];
            }
        }
    }
    Some(out)
}

/// A timestamp go-yaml reads (see [`is_timestamp`]) as Go's JSON encoding writes the
/// `time.Time` it becomes (RFC 3339 with nanoseconds, trailing zeros of the fraction
/// dropped, `Z` for a zero offset): `2024-01-01` → `2024-01-01T00:00:00Z`,
/// `2024-1-5 1:2:3.50` → `2024-01-05T01:02:03.5Z`. None for any other text.
pub fn timestamp_json(s: &str) -> Option<String> {
    let t = parse_timestamp(s)?;
    let frac = t.frac.trim_end_matches('0');
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    let zone = match t.zone {
        None | Some((_, 0, 0)) => "Z".to_string(),
        Some((sign, h, m)) => format!("{sign}{h:02}:{m:02}"),
    };
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}{zone}",
        t.year, t.month, t.day, t.hour, t.min, t.sec
    ))
}

struct Timestamp<'a> {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    frac: &'a str,
    zone: Option<(char, u32, u32)>,
}

fn parse_timestamp(s: &str) -> Option<Timestamp<'_>> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year: u32 = s[..4].parse().ok()?;
    let mut i = 5;
    // One or two digits, within a range.
    let num = |i: &mut usize, max: u32| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < 2 && b[*i].is_ascii_digit() {
            *i += 1;
        }
        let v: u32 = s.get(start..*i)?.parse().ok()?;
        (v <= max).then_some(v)
    };
    let month = num(&mut i, 12).filter(|m| *m >= 1)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    i += 1;
    let day = num(&mut i, 31).filter(|d| *d >= 1)?;
    let days = crate::input::yaml::scalars::days_in_month(year, month);
    if day > days {
        return None;
    }
    let mut t = Timestamp {
        year,
        month,
        day,
        hour: 0,
        min: 0,
        sec: 0,
        frac: "",
        zone: None,
    };
    if i == b.len() {
        return Some(t);
    }
    let sep = b[i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    i += 1;
    if sep == b' ' {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    t.hour = num(&mut i, 23)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    t.min = num(&mut i, 59)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    t.sec = num(&mut i, 59)?;
    // Optional fraction.
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let start = i + 1;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        t.frac = &s[start..i];
    }
    if sep == b' ' {
        return (i == b.len()).then_some(t);
    }
    // `Z07:00`: `Z`, or a sign, two digits, `:`, two digits.
    match b.get(i) {
        Some(b'Z') if i + 1 == b.len() => Some(t),
        Some(&c @ (b'+' | b'-')) => {
            let z = &b[i + 1..];
            let ok = z.len() == 5
                && z[0].is_ascii_digit()
                && z[1].is_ascii_digit()
                && z[2] == b':'
                && z[3].is_ascii_digit()
                && z[4].is_ascii_digit();
            if !ok {
                return None;
            }
            let h: u32 = s[i + 1..i + 3].parse().ok()?;
            let m: u32 = s[i + 4..i + 6].parse().ok()?;
            t.zone = Some((c as char, h, m));
            Some(t)
        }
        _ => None,
    }
}

/// Writes `s` in `style` into `out`, whose current line is `out`'s text after its last line
/// break; `indent` is the scalar's indentation for continuation lines. Keys are never
/// folded.
pub fn write(out: &mut String, s: &str, style: Style, indent: usize, key: bool) {
    let mut col = out.rsplit('\n').next().map_or(0, |l| l.chars().count());
    let allow_breaks = !key;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let newline = |out: &mut String, col: &mut usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
        *col = indent;
    };
    match style {
        Style::Plain => {
            let mut spaces = false;
            for (i, &c) in chars.iter().enumerate() {
                if c == ' ' {
                    if allow_breaks && !spaces && col > BEST_WIDTH && chars.get(i + 1) != Some(&' ')
                    {
                        newline(out, &mut col);
                    } else {
                        out.push(c);
                        col += 1;
                    }
                    spaces = true;
                } else {
                    out.push(c);
                    col += 1;
                    spaces = false;
                }
            }
        }
        Style::Single => {
            out.push('\'');
            col += 1;
            // go-yaml v2's write_single_quoted: a break (a line or paragraph separator; the
            // style is never chosen for `\n`) is written as it is, the column back at 0, and
            // the next character after the indentation (measured: "x\u{2028}y" at a key of
            // indentation 2 prints `'x\u{2028}    y'`).
            let mut spaces = false;
            let mut breaks = false;
            // The emitter's `whitespace`; its `indention` is always set where it is read.
            let mut whitespace = false;
            for (i, &c) in chars.iter().enumerate() {
                if c == ' ' {
                    if allow_breaks
                        && !spaces
                        && col > BEST_WIDTH
                        && i > 0
                        && i + 1 < n
                        && chars[i + 1] != ' '
                    {
                        newline(out, &mut col);
                        whitespace = true;
                    } else {
                        out.push(c);
                        col += 1;
                    }
                    spaces = true;
                } else if is_break(c) {
                    if !breaks && c == '\n' {
                        out.push('\n');
                    }
                    out.push(c);
                    col = 0;
                    breaks = true;
                } else {
                    if breaks {
                        if col > indent || (col == indent && !whitespace) {
                            out.push('\n');
                            col = 0;
                        }
                        while col < indent {
                            out.push(' ');
                            col += 1;
                        }
                        whitespace = true;
                    }
                    if c == '\'' {
                        out.push('\'');
                        col += 1;
                    }
                    out.push(c);
                    col += 1;
                    spaces = false;
                    breaks = false;
                }
            }
            out.push('\'');
        }
        Style::Double => {
            out.push('"');
            col += 1;
            let mut spaces = false;
            for (i, &c) in chars.iter().enumerate() {
                if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                    let esc = escape(c);
                    col += esc.len();
                    out.push_str(&esc);
                    spaces = false;
                } else if c == ' ' {
                    if allow_breaks && !spaces && col > BEST_WIDTH && i > 0 && i + 1 < n {
                        newline(out, &mut col);
                        if chars[i + 1] == ' ' {
                            out.push('\\');
                            col += 1;
                        }
                    } else {
                        out.push(c);
                        col += 1;
                    }
                    spaces = true;
                } else {
                    out.push(c);
                    col += 1;
                    spaces = false;
                }
            }
            out.push('"');
        }
        Style::Literal => {
            out.push('|');
            if s.starts_with(' ') || s.starts_with(is_break) {
                out.push('2');
            }
            let last = chars.last().copied().unwrap_or(' ');
            if !is_break(last) {
                out.push('-');
            } else if n == 1 || is_break(chars[n - 2]) {
                out.push('+');
            }
            out.push('\n');
            let mut breaks = true;
            for &c in &chars {
                if is_break(c) {
                    // go-yaml v2 writes a break other than `\n` as it is (write_break).
                    out.push(c);
                    breaks = true;
                } else {
                    if breaks {
                        out.extend(std::iter::repeat_n(' ', indent));
                        breaks = false;
                    }
                    out.push(c);
                }
            }
            if !out.ends_with('\n') {
                out.push('\n');
            }
            // The caller ends the line; a literal ends with its own line break.
            out.pop();
        }
    }
}

fn escape(c: char) -> String {
    let named = match c {
        '\0' => Some('0'),
        '\x07' => Some('a'),
        '\x08' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\x0b' => Some('v'),
        '\x0c' => Some('f'),
        '\r' => Some('r'),
        '\x1b' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    if let Some(e) = named {
        return format!("\\{e}");
    }
    let v = c as u32;
    if v <= 0xFF {
        format!("\\x{v:02X}")
    } else if v <= 0xFFFF {
        format!("\\u{v:04X}")
    } else {
        format!("\\U{v:08X}")
    }
}

/// A number as `kubectl kustomize` prints it: Go's `encoding/json` writes it (a float
/// without a fraction below 1e21 as an integer, `1.0` as `1`), go-yaml v2 reads that back
/// (an integer that fits 64 bits is an integer, anything else a float) and writes a float
/// with `strconv.FormatFloat(f, 'g', -1, 64)`: `%e` form (`1.5e-07`, `1e+21`) when the
/// exponent is below -4 or at least 6, else plain (`0.5`, `0.0001`). Measured with
/// kubectl kustomize v5.8 (`1.0` → `1`, `1e3` → `1000`, `1.5e-7` → `1.5e-07`,
/// `0.000001` → `1e-06`, `1.0e+20` → `1e+20`).
pub fn number_text(n: &serde_json::Number) -> String {
    let Some(f) = n.as_f64().filter(|_| n.is_f64()) else {
        return n.to_string();
    };
    if !f.is_finite() {
        return n.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        // Go's JSON text is the integer; v2 reads it as one when it fits 64 bits.
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
            return format!("{}", f as i64);
        }
        if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
            return format!("{}", f as u64);
        }
    }
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mant}e{sign}{:02}", exp.abs())
}

/// go-yaml v2's order of string mapping keys (`keyList.Less`).
pub fn key_order(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str, indent: usize, prefix: &str) -> String {
        let mut out = prefix.to_string();
        write(&mut out, s, style(s, false), indent, false);
        out
    }

    /// Each measured with kubectl kustomize v5.8 as a ConfigMap value (`k: …`).
    #[test]
    fn scalars_are_written_as_kubectl_kustomize_writes_them() {
        let cases = [
            ("--v=2", "--v=2"),
            ("-x", "-x"),
            ("1.2.3", "1.2.3"),
            ("*", "'*'"),
            ("- x", "'- x'"),
            ("a: b", "'a: b'"),
            ("#x", "'#x'"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("true", "\"true\""),
            ("y", "\"y\""),
            ("on", "\"on\""),
            ("1e3", "\"1e3\""),
            ("0x1F", "\"0x1F\""),
            ("0o17", "\"0o17\""),
            ("0O17", "\"0O17\""),
            ("0b101", "\"0b101\""),
            ("0b2", "0b2"),
            ("0o8", "0o8"),
            ("0x", "0x"),
            ("0x_1F", "\"0x_1F\""),
            ("1_0x", "1_0x"),
            ("1_000", "\"1_000\""),
            ("1__0", "\"1__0\""),
            ("1_", "\"1_\""),
            ("_1", "_1"),
            ("08", "\"08\""),
            ("0777", "\"0777\""),
            ("1.", "\"1.\""),
            (".5", "\".5\""),
            (".5e3", "\".5e3\""),
            (".e3", ".e3"),
            (".", "."),
            ("+.5", "\"+.5\""),
            ("+", "+"),
            ("-", "'-'"),
            ("1e", "1e"),
            ("1e3e", "1e3e"),
            ("1e3_", "\"1e3_\""),
            ("0x1p-2", "0x1p-2"),
            ("9223372036854775808", "\"9223372036854775808\""),
            ("99999999999999999999", "\"99999999999999999999\""),
            ("1:20", "\"1:20\""),
            ("1:59", "\"1:59\""),
            ("1:60", "1:60"),
            ("-1:30.5", "\"-1:30.5\""),
            ("1_:20", "\"1_:20\""),
            ("12:30:00", "\"12:30:00\""),
            ("2024-01-01", "\"2024-01-01\""),
            ("2024-1-1", "\"2024-1-1\""),
            ("2024-02-29", "\"2024-02-29\""),
            ("2023-02-29", "2023-02-29"),
            ("2024-13-01", "2024-13-01"),
            ("2024-1-1 1:2:3", "\"2024-1-1 1:2:3\""),
            ("2024-01-01 10:00:00.5", "\"2024-01-01 10:00:00.5\""),
            ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),
            ("2024-01-01T00:00:00Z", "\"2024-01-01T00:00:00Z\""),
            ("2024-01-01t10:00:00+02:00", "\"2024-01-01t10:00:00+02:00\""),
            ("20240101", "\"20240101\""),
            (".inf", "\".inf\""),
            ("-.inf", "\"-.inf\""),
            ("~", "\"~\""),
            ("~x", "~x"),
            ("=", "="),
            ("", "\"\""),
            ("null", "\"null\""),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("x:", "'x:'"),
            (":x", ":x"),
            ("::", "'::'"),
            ("?x", "?x"),
            ("? x", "'? x'"),
            ("---", "'---'"),
            ("...", "'...'"),
            ("a\tb", "\"a\\tb\""),
            ("emoji \u{1F600} x", "\"emoji \\U0001F600 x\""),
            ("ctl \x07 \x1b x", "\"ctl \\a \\e x\""),
            ("bom\u{feff}x", "\"bom\\uFEFFx\""),
            ("été ok", "été ok"),
            ("a \nb", "\"a \\nb\""),
            ("a\tb\nc", "\"a\\tb\\nc\""),
            ("multi\nline", "|-\n    multi\n    line"),
            ("multi\nline\n", "|\n    multi\n    line"),
            ("trail\n\n", "|+\n    trail\n"),
            (" lead\nnext", "|2-\n     lead\n    next"),
            ("a\n b", "|-\n    a\n     b"),
        ];
        for (s, want) in cases {
            assert_eq!(value(s, 4, "  k: "), format!("  k: {want}"), "{s:?}");
        }
    }

    #[test]
    fn long_values_fold_at_a_space_past_column_80() {
        let long = format!("{}end", "word ".repeat(30));
        let line2 = format!("{}end", "word ".repeat(15));
        assert_eq!(
            value(&long, 4, "  k000: "),
            format!("  k000: {}\n    {line2}", "word ".repeat(15).trim_end())
        );
        assert_eq!(
            value(&format!("- {long}"), 4, "  k001: "),
            format!("  k001: '- {}\n    {line2}'", "word ".repeat(15).trim_end())
        );
        let t = format!("true {long}\t");
        assert_eq!(
            value(&t, 4, "  k002: "),
            format!(
                "  k002: \"true {}\n    {}\n    end\\t\"",
                "word ".repeat(14).trim_end(),
                "word ".repeat(16).trim_end()
            )
        );
        let a = "a".repeat(200);
        assert_eq!(value(&a, 4, "  k: "), format!("  k: {a}"));
    }

    #[test]
    fn numbers_print_as_go_json_then_go_yaml_v2_print_them() {
        let cases = [
            ("1.0", "1"),
            ("1e3", "1000"),
            ("0.5", "0.5"),
            ("1.5e-7", "1.5e-07"),
            ("123456789012345678", "123456789012345678"),
            ("12345678901234567890", "12345678901234567890"),
            ("1.0e+20", "1e+20"),
            ("3.14159265358979323846", "3.141592653589793"),
            ("1e23", "1e+23"),
            ("0.000001", "1e-06"),
            ("0.0001", "0.0001"),
            ("1e21", "1e+21"),
            ("-1.5", "-1.5"),
            ("2.50", "2.5"),
            ("-0.0", "0"),
            ("1234567.5", "1.2345675e+06"),
            ("123456.5", "123456.5"),
        ];
        for (json, want) in cases {
            let n: serde_json::Number = serde_json::from_str(json).unwrap();
            assert_eq!(number_text(&n), want, "{json}");
        }
    }

    /// Measured with kubectl kustomize v5.8 (plain timestamps in a custom resource).
    #[test]
    fn timestamps_print_as_go_json_writes_them() {
        for (text, want) in [
            ("2024-01-01", Some("2024-01-01T00:00:00Z")),
            ("2024-03-05 10:30:00", Some("2024-03-05T10:30:00Z")),
            ("2024-1-5T10:30:00+02:00", Some("2024-01-05T10:30:00+02:00")),
            ("2024-01-01 10:00:00.500", Some("2024-01-01T10:00:00.5Z")),
            ("2024-01-01T10:00:00.000Z", Some("2024-01-01T10:00:00Z")),
            ("2024-01-01T10:00:00+00:00", Some("2024-01-01T10:00:00Z")),
            ("2023-02-29", None),
            ("2024-01-01T10:00:00", None),
        ] {
            assert_eq!(timestamp_json(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn keys_sort_in_go_yaml_v2_natural_order() {
        let mut keys = vec![
            "item10", "item9", "item_1", "itemA", "item01", "item1", "a10b2", "a10b10", "é", "z",
            "Z", "_", "ab0", "ab00", "a1_", "a1a",
        ];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(
            keys,
            [
                "_", "Z", "a1_", "a10b2", "a10b10", "a1a", "ab0", "ab00", "item_1", "item1",
                "item01", "item9", "item10", "itemA", "z", "é"
            ]
        );
    }
}
