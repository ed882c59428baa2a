//! Sprig's date functions with Go's layouts (`2006-01-02 15:04:05`). A time is carried as
//! the text Go prints for a `time.Time` (`2023-05-17 10:20:30 +0000 UTC`), so printing one
//! prints what Helm prints, and the date functions read it back. Times are in UTC: Helm uses
//! the machine's zone, and runeguard's output must not depend on the machine. `now` is the
//! Unix epoch (reports are byte-identical run to run).

use super::*;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};

/// Go's `Time.String` form.
fn go_string(t: &DateTime<Utc>) -> String {
    let frac = if t.nanosecond() == 0 {
        String::new()
    } else {
        format!(".{:09}", t.nanosecond())
            .trim_end_matches('0')
            .to_string()
    };
    format!("{}{frac} +0000 UTC", t.format("%Y-%m-%d %H:%M:%S"))
}

/// What Sprig's `date` accepts: a time, or Unix seconds; anything else (a string too) is
/// "now".
fn time_of(v: &Value) -> DateTime<Utc> {
    match v {
        Value::Int(_) | Value::Int64(_) | Value::Uint(_) | Value::Float(_) => {
            Utc.timestamp_opt(to_int(v), 0).single().unwrap_or_default()
        }
        _ => as_time(v).unwrap_or_default(),
    }
}

/// The time a value holds when it is a `time.Time` ([`time_value`]).
pub(crate) fn as_time(v: &Value) -> Option<DateTime<Utc>> {
    if v.struct_type().as_deref() != Some("time.Time") {
        return None;
    }
    let Value::Map(m) = v else { return None };
    let Some(Value::Function(nanos)) = m.get("UnixNano") else {
        return None;
    };
    let Ok(Value::Int64(ns)) = nanos(&[]) else {
        return None;
    };
    let Some(Value::Function(secs)) = m.get("Unix") else {
        return None;
    };
    let Ok(Value::Int64(secs)) = secs(&[]) else {
        return None;
    };
    // Unix seconds and the nanoseconds within (UnixNano overflows outside 1678–2262).
    Utc.timestamp_opt(secs, ns.rem_euclid(1_000_000_000) as u32)
        .single()
}

/// Go's `Time.MarshalJSON`/`MarshalText`: RFC 3339 with the nanoseconds that are not zero.
pub(crate) fn rfc3339_nano(t: &DateTime<Utc>) -> String {
    format(t, "2006-01-02T15:04:05.999999999Z07:00")
}

/// One element of a Go layout.
#[derive(Debug, PartialEq)]
enum Chunk {
    Lit(String),
    Std(&'static str),
}

/// Go's `nextStdChunk`, as a list: the layout's reference-time elements and the text between.
fn chunks(layout: &str) -> Vec<Chunk> {
    const STD: [&str; 33] = [
        "January",
        "Jan",
        "Monday",
        "Mon",
        "MST",
        "2006",
        "002",
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "__2",
        "_2",
        "15",
        "1",
        "2",
        "3",
        "4",
        "5",
        "PM",
        "pm",
        "-07:00:00",
        "-070000",
        "-07:00",
        "-0700",
        "-07",
        "Z07:00:00",
        "Z070000",
        "Z07:00",
        "Z0700",
        "Z07",
    ];
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let b = layout.as_bytes();
    'outer: while i < layout.len() {
        let rest = &layout[i..];
        // Fractional seconds: `.000` / `,999` right after a seconds element.
        if (rest.starts_with('.') || rest.starts_with(','))
            && rest.len() > 1
            && (b[i + 1] == b'0' || b[i + 1] == b'9')
        {
            let digit = b[i + 1];
            let n = rest[1..].bytes().take_while(|&c| c == digit).count();
            if !rest[1 + n..].starts_with(|c: char| c.is_ascii_digit()) {
                flush(&mut out, &mut lit);
                let f: &'static str = if digit == b'0' { "frac0" } else { "frac9" };
                out.push(Chunk::Std(f));
                out.push(Chunk::Lit(format!("{n}")));
                i += 1 + n;
                continue;
            }
        }
        for std in STD {
            if let Some(after) = rest.strip_prefix(std) {
                // `Mon` in `Month`, `Jan` in `January` handled by order; Go refuses `Monday`
                // followed by a lower-case letter as a word.
                if (std == "Jan" || std == "Mon")
                    && after.starts_with(|c: char| c.is_ascii_lowercase())
                {
                    continue;
                }
                flush(&mut out, &mut lit);
                out.push(Chunk::Std(std));
                i += std.len();
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        lit.push(c);
        i += c.len_utf8();
    }
    flush(&mut out, &mut lit);
    out
}

fn flush(out: &mut Vec<Chunk>, lit: &mut String) {
    if !lit.is_empty() {
        out.push(Chunk::Lit(std::mem::take(lit)));
    }
}

/// Go's `Time.Format` in UTC.
pub(super) fn format(t: &DateTime<Utc>, layout: &str) -> String {
    let mut out = String::new();
    let parts = chunks(layout);
    let mut it = parts.iter();
    while let Some(c) = it.next() {
        let hour12 = if t.hour().is_multiple_of(12) {
            12
        } else {
            t.hour() % 12
        };
        let piece = match c {
            Chunk::Lit(l) => l.clone(),
            Chunk::Std(std) => match *std {
                "January" => t.format("%B").to_string(),
                "Jan" => t.format("%b").to_string(),
                "Monday" => t.format("%A").to_string(),
                "Mon" => t.format("%a").to_string(),
                "MST" => "UTC".into(),
                "2006" => format!("{:04}", t.year()),
                "06" => format!("{:02}", t.year().rem_euclid(100)),
                "002" => format!("{:03}", t.ordinal()),
                "__2" => format!("{:>3}", t.ordinal()),
                "01" => format!("{:02}", t.month()),
                "1" => t.month().to_string(),
                "02" => format!("{:02}", t.day()),
                "_2" => format!("{:>2}", t.day()),
                "2" => t.day().to_string(),
                "15" => format!("{:02}", t.hour()),
                "03" => format!("{hour12:02}"),
                "3" => hour12.to_string(),
                "04" => format!("{:02}", t.minute()),
                "4" => t.minute().to_string(),
                "05" => format!("{:02}", t.second()),
                "5" => t.second().to_string(),
                "PM" => (if t.hour() >= 12 { "PM" } else { "AM" }).into(),
                "pm" => (if t.hour() >= 12 { "pm" } else { "am" }).into(),
                "frac0" | "frac9" => {
                    let n: usize = match it.next() {
                        Some(Chunk::Lit(n)) => n.parse().unwrap_or(0),
                        _ => 0,
                    };
                    let digits = format!("{:09}", t.nanosecond());
                    let digits = &digits[..n.min(9)];
                    if *std == "frac0" {
                        format!(".{digits}")
                    } else {
                        let d = digits.trim_end_matches('0');
                        if d.is_empty() {
                            String::new()
                        } else {
                            format!(".{d}")
                        }
                    }
                }
                z if z.starts_with('Z') => "Z".into(),
                "-07:00:00" => "+00:00:00".into(),
                "-070000" => "+000000".into(),
                "-07:00" => "+00:00".into(),
                "-0700" => "+0000".into(),
                _ => "+00".into(),
            },
        };
        out.push_str(&piece);
    }
    out
}

/// Go's `time.Parse` of the layouts charts use (numbers, month and day names, zones written
/// as `Z`/`+hh:mm`), in UTC; `None` where Go returns an error.
pub(super) fn parse(layout: &str, text: &str) -> Option<DateTime<Utc>> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut sec, mut nano) = (1i32, 1u32, 1u32, 0, 0, 0, 0);
    let (mut pm, mut offset) = (None, 0i64);
    let mut rest = text;
    let num = |rest: &mut &str, min: usize, max: usize| -> Option<u32> {
        let n = rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if n < min {
            return None;
        }
        let v = rest[..n].parse().ok()?;
        *rest = &rest[n..];
        Some(v)
    };
    let parts = chunks(layout);
    let mut it = parts.iter();
    while let Some(c) = it.next() {
        match c {
            Chunk::Lit(l) => rest = rest.strip_prefix(l.as_str())?,
            Chunk::Std(std) => match *std {
                "2006" => y = num(&mut rest, 4, 4)? as i32,
                "06" => y = 1900 + num(&mut rest, 2, 2)? as i32,
                "01" => mo = num(&mut rest, 2, 2)?,
                "1" => mo = num(&mut rest, 1, 2)?,
                "02" => d = num(&mut rest, 2, 2)?,
                "2" | "_2" => {
                    rest = rest.trim_start_matches(' ');
                    d = num(&mut rest, 1, 2)?
                }
                "15" => h = num(&mut rest, 1, 2)?,
                "03" | "3" => h = num(&mut rest, 1, 2)?,
                "04" | "4" => mi = num(&mut rest, 1, 2)?,
                "05" | "5" => {
                    sec = num(&mut rest, 1, 2)?;
                    // Go reads a fraction after the seconds even when the layout has none.
                    if let Some(f) = rest.strip_prefix('.')
                        && f.starts_with(|c: char| c.is_ascii_digit())
                        && !matches!(parts.last(), Some(Chunk::Std("frac0" | "frac9")))
                    {
                        let n = f.bytes().take_while(u8::is_ascii_digit).count();
                        nano = format!("{:0<9}", &f[..n.min(9)]).parse().ok()?;
                        rest = &f[n..];
                    }
                }
                "frac0" | "frac9" => {
                    it.next();
                    if let Some(f) = rest.strip_prefix('.') {
                        let n = f.bytes().take_while(u8::is_ascii_digit).count();
                        nano = format!("{:0<9}", &f[..n.min(9)]).parse().ok()?;
                        rest = &f[n..];
                    }
                }
                "PM" | "pm" => {
                    let (word, r) = rest.split_at(rest.len().min(2));
                    pm = Some(word.eq_ignore_ascii_case("PM"));
                    rest = r;
                }
                "Jan" | "January" | "Mon" | "Monday" => {
                    let n = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
                    let word = &rest[..n];
                    if std.starts_with('J') {
                        let months = [
                            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                            "nov", "dec",
                        ];
                        let lower = word.to_ascii_lowercase();
                        mo = months.iter().position(|m| lower.starts_with(m))? as u32 + 1;
                    }
                    rest = &rest[n..];
                }
                "MST" => {
                    let n = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
                    rest = &rest[n..];
                }
                z => {
                    if z.starts_with('Z') && rest.starts_with('Z') {
                        rest = &rest[1..];
                        continue;
                    }
                    let sign = match rest.as_bytes().first()? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    rest = &rest[1..];
                    let hh = num(&mut rest, 2, 2)? as i64;
                    rest = rest.strip_prefix(':').unwrap_or(rest);
                    let mm = num(&mut rest, 0, 2).unwrap_or(0) as i64;
                    offset = sign * (hh * 3600 + mm * 60);
                }
            },
        }
    }
    if !rest.is_empty() {
        return None;
    }
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let naive = NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_nano_opt(h, mi, sec, nano)?;
    Some(naive.and_utc() - chrono::Duration::seconds(offset))
}

/// Go's `time.ParseDuration` (`1h30m`, `-2.5s`, `300ms`) in nanoseconds.
fn parse_duration(text: &str) -> Option<i64> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .take_while(|c| c.is_ascii_digit() || *c == b'.')
            .count();
        let v: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .bytes()
            .take_while(|c| !c.is_ascii_digit() && *c != b'.')
            .count();
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += v * unit;
        rest = &rest[u..];
    }
    Some((sign * total) as i64)
}

/// Go's `time.Duration.String` of whole seconds (`0s`, `1m0s`, `-1h2m3s`).
fn go_seconds(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let sign = if secs < 0 { "-" } else { "" };
    let n = secs.unsigned_abs();
    let (h, m, sec) = (n / 3600, n / 60 % 60, n % 60);
    if h > 0 {
        format!("{sign}{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{sign}{m}m{sec}s")
    } else {
        format!("{sign}{sec}s")
    }
}

/// A Go `time.Time`: a map holding only methods, which Go templates call by name
/// (`(now).Unix`, `(toDate "2006" "2024").Format "Jan 2"`); it prints as `Time.String`,
/// `typeOf` is `time.Time`, `kindOf` `struct`, and JSON and YAML write it as RFC 3339.
/// Sprig's times are in Go's `time.Local` (`now`, `toDate`, and `dateModify` of one); the
/// `UTC` method's in `time.UTC`. The renderer's clock and zone are UTC either way, so only
/// `%#v` (Go's `GoString`) tells them apart.
fn time_value(t: DateTime<Utc>) -> Value {
    time_value_in(t, true)
}

/// Go's `Time.GoString` (what `printf "%#v"` prints): `time.Date(2024, time.March, 5, 0, 0,
/// 0, 0, time.Local)`.
fn go_syntax(t: &DateTime<Utc>, local: bool) -> String {
    format!(
        "time.Date({}, time.{}, {}, {}, {}, {}, {}, time.{})",
        t.year(),
        format(t, "January"),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond(),
        if local { "Local" } else { "UTC" }
    )
}

/// Whether a `time.Time` value is in Go's `time.Local` ([`time_value`]).
fn is_local(v: &Value) -> bool {
    !matches!(v.go_method(gotmpl::GO_STRING), Some(Value::String(g)) if g.ends_with("time.UTC)"))
}

fn time_value_in(t: DateTime<Utc>, local: bool) -> Value {
    type Method = fn(&DateTime<Utc>, &[Value]) -> R;
    const METHODS: [(&str, Method); 14] = [
        ("String", |t, _| Ok(s(&go_string(t)))),
        ("Unix", |t, _| Ok(Value::Int64(t.timestamp()))),
        ("UnixNano", |t, _| {
            Ok(Value::Int64(t.timestamp_nanos_opt().unwrap_or_else(|| {
                // Go's UnixNano of a time outside int64 nanoseconds: undefined; the
                // seconds' part is what [`as_time`] reads back.
                t.timestamp().wrapping_mul(1_000_000_000) + i64::from(t.nanosecond())
            })))
        }),
        ("UnixMilli", |t, _| Ok(Value::Int64(t.timestamp_millis()))),
        ("Year", |t, _| Ok(Value::Int(i64::from(t.year())))),
        ("Month", |t, _| Ok(s(&format(t, "January")))),
        ("Day", |t, _| Ok(Value::Int(i64::from(t.day())))),
        ("Hour", |t, _| Ok(Value::Int(i64::from(t.hour())))),
        ("Minute", |t, _| Ok(Value::Int(i64::from(t.minute())))),
        ("Second", |t, _| Ok(Value::Int(i64::from(t.second())))),
        ("Weekday", |t, _| Ok(s(&format(t, "Monday")))),
        ("IsZero", |t, _| {
            Ok(Value::Bool(
                t.timestamp() == -62_135_596_800 && t.nanosecond() == 0,
            ))
        }),
        ("UTC", |t, _| Ok(time_value_in(*t, false))),
        ("Format", |t, a| {
            let layout = to_str(arg(a, 0, "Format")?);
            Ok(s(&format(t, &layout)))
        }),
    ];
    let mut entries: BTreeMap<Arc<str>, Value> = METHODS
        .iter()
        .map(|&(name, method)| {
            let f: gotmpl::ValueFunc = Arc::new(move |a: &[Value]| method(&t, a));
            (Arc::from(name), Value::Function(f))
        })
        .collect();
    entries.insert(
        Arc::from(gotmpl::STRUCT_TYPE),
        Value::Function(Arc::new(|_: &[Value]| Ok(s("time.Time")))),
    );
    let go = s(&go_syntax(&t, local));
    entries.insert(
        Arc::from(gotmpl::GO_STRING),
        Value::Function(Arc::new(move |_: &[Value]| Ok(go.clone()))),
    );
    Value::Map(MapRef::new(entries))
}

/// Sprig's `durationRound`: the largest whole unit of a duration (`2h`, `3mo`, `1y`).
fn duration_round(v: &Value) -> String {
    let ns: i64 = match v {
        Value::String(text) => parse_duration(text).unwrap_or(0),
        Value::Int64(n) => *n,
        // A time: the time since it (the clock is the Unix epoch, as `now`).
        other => match as_time(other) {
            Some(t) => (DateTime::<Utc>::default() - t)
                .num_nanoseconds()
                .unwrap_or(i64::MAX),
            None => 0,
        },
    };
    let u = ns.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const UNITS: [(u64, &str); 6] = [
        (SECOND * 3600 * 24 * 365, "y"),
        (SECOND * 3600 * 24 * 30, "mo"),
        (SECOND * 3600 * 24, "d"),
        (SECOND * 3600, "h"),
        (SECOND * 60, "m"),
        (SECOND, "s"),
    ];
    UNITS
        .iter()
        .find(|(unit, _)| u > *unit)
        .map_or("0s".to_string(), |(unit, name)| {
            format!("{}{name}", u / unit)
        })
}

pub(super) fn register(m: &mut FuncMap) {
    // Sprig's `duration`: seconds as Go prints a Duration; only an int64 or a string of
    // digits counts (a template's literal is an int, a values number a float64: 0s).
    f!(m, "duration", |a: &[Value]| -> R {
        let secs = match arg(a, 0, "duration")? {
            Value::Int64(n) => *n,
            Value::String(text) => text.parse().unwrap_or(0),
            _ => 0,
        };
        Ok(s(&go_seconds(secs)))
    });
    f!(m, "durationRound", |a: &[Value]| -> R {
        Ok(s(&duration_round(arg(a, 0, "durationRound")?)))
    });
    f!(m, "now", |_a: &[Value]| -> R {
        Ok(time_value(DateTime::<Utc>::default()))
    });
    for name in ["date", "dateInZone", "date_in_zone"] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let layout = to_str(arg(a, 0, name)?);
                Ok(s(&format(&time_of(arg(a, 1, name)?), &layout)))
            }),
        );
    }
    for name in ["htmlDate", "htmlDateInZone"] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                Ok(s(&format(&time_of(arg(a, 0, name)?), "2006-01-02")))
            }),
        );
    }
    f!(m, "toDate", |a: &[Value]| -> R {
        let layout = to_str(arg(a, 0, "toDate")?);
        let t = parse(&layout, &to_str(arg(a, 1, "toDate")?));
        Ok(time_value(t.unwrap_or_else(|| {
            NaiveDate::from_ymd_opt(1, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|n| n.and_utc())
                .unwrap_or_default()
        })))
    });
    f!(m, "mustToDate", |a: &[Value]| -> R {
        let layout = to_str(arg(a, 0, "mustToDate")?);
        let text = to_str(arg(a, 1, "mustToDate")?);
        parse(&layout, &text)
            .map(time_value)
            .ok_or_else(|| err(format!("parsing time {text:?} as {layout:?}: cannot parse")))
    });
    // Sprig's `ago`: the time since a time or Unix seconds (anything else is now), rounded
    // to seconds, as Go prints a Duration; the clock is the Unix epoch (`now`).
    f!(m, "ago", |a: &[Value]| -> R {
        let t = match arg(a, 0, "ago")? {
            v @ (Value::Int(_) | Value::Int64(_) | Value::String(_)) => time_of(v),
            _ => DateTime::<Utc>::default(),
        };
        Ok(s(&go_seconds(-t.timestamp())))
    });
    f!(m, "unixEpoch", |a: &[Value]| -> R {
        Ok(s(&time_of(arg(a, 0, "unixEpoch")?).timestamp().to_string()))
    });
    for name in [
        "dateModify",
        "date_modify",
        "mustDateModify",
        "must_date_modify",
    ] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let given = arg(a, 1, name)?;
                let (t, local) = (time_of(given), is_local(given));
                let text = to_str(&a[0]);
                match parse_duration(&text) {
                    Some(ns) => Ok(time_value_in(t + chrono::Duration::nanoseconds(ns), local)),
                    None if name.starts_with("must") => {
                        Err(err(format!("time: invalid duration {text:?}")))
                    }
                    None => Ok(time_value_in(t, local)),
                }
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        parse("2006-01-02T15:04:05Z07:00", text).unwrap()
    }

    /// Expected values as Go's `time` package prints them.
    #[test]
    fn layouts_as_go() {
        let t = at("2023-05-07T09:08:07Z");
        assert_eq!(format(&t, "2006-01-02 15:04:05"), "2023-05-07 09:08:07");
        assert_eq!(
            format(&t, "Jan 2, 2006 at 3:04pm (MST)"),
            "May 7, 2023 at 9:08am (UTC)"
        );
        assert_eq!(
            format(&t, "Monday _2 January 06 002"),
            "Sunday  7 May 23 127"
        );
        assert_eq!(format(&t, "02/01/06 15:04:05.000"), "07/05/23 09:08:07.000");
        assert_eq!(
            format(&t, "2006-01-02T15:04:05Z07:00"),
            "2023-05-07T09:08:07Z"
        );
        assert_eq!(go_string(&t), "2023-05-07 09:08:07 +0000 UTC");
        assert_eq!(at("2023-05-07T10:08:07+01:00"), t);
        assert_eq!(parse("2006-01-02", "2023-13-01"), None);
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("-1.5s"), Some(-1_500_000_000));
    }
}
