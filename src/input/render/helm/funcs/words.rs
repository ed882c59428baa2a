//! Sprig's word functions, as the Go library behind them (goutils, `strings.Title`) computes
//! them: wrapping, abbreviating, initials, case swapping. goutils counts bytes, not
//! characters; so do these (a cut inside a UTF-8 sequence keeps the bytes Go keeps).

use super::*;

/// goutils' `WrapCustom`: lines of at most `width` bytes broken at spaces; a word longer than
/// the line is cut (`long_words`) or left whole.
pub(super) fn wrap_custom(text: &str, width: i64, newline: &str, long_words: bool) -> String {
    let b = text.as_bytes();
    if b.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let mut out: Vec<u8> = Vec::new();
    let mut offset = 0;
    while b.len() - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        if let Some(space) = b[offset..end].iter().rposition(|&c| c == b' ') {
            out.extend_from_slice(&b[offset..offset + space]);
            out.extend_from_slice(newline.as_bytes());
            offset += space + 1;
        } else if long_words {
            out.extend_from_slice(&b[offset..offset + width]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = b.len();
                }
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = end + i + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// goutils' `AbbreviateFull`: at most `width` bytes with `...` marking what was cut, keeping
/// the text from about `offset`; `None` where goutils returns an error (widths too small).
pub(super) fn abbreviate(text: &str, offset: i64, width: i64) -> Option<String> {
    let b = text.as_bytes();
    let len = b.len() as i64;
    if b.is_empty() {
        return Some(String::new());
    }
    if width < 4 {
        return None;
    }
    if len <= width {
        return Some(text.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    let lossy = |r: &[u8]| String::from_utf8_lossy(r).into_owned();
    if offset <= 4 {
        return Some(lossy(&b[..(width - 3) as usize]) + "...");
    }
    if width < 7 {
        return None;
    }
    if offset + width - 3 < len {
        let rest = abbreviate(&lossy(&b[offset as usize..]), 0, width - 3)?;
        return Some(format!("...{rest}"));
    }
    Some(format!("...{}", lossy(&b[(len - (width - 3)) as usize..])))
}

/// Go's `strings.Title`: the first letter of each word upper-cased, where a word starts after
/// any character that is not a letter, a digit or `_`.
pub(super) fn go_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_sep = true;
    for c in text.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = !(c.is_alphanumeric() || c == '_');
    }
    out
}

pub(super) fn register(m: &mut FuncMap) {
    f!(m, "wrap", |a: &[Value]| -> R {
        Ok(s(&wrap_custom(
            &to_str(arg(a, 1, "wrap")?),
            to_int(&a[0]),
            "\n",
            false,
        )))
    });
    f!(m, "wrapWith", |a: &[Value]| -> R {
        Ok(s(&wrap_custom(
            &to_str(arg(a, 2, "wrapWith")?),
            to_int(&a[0]),
            &to_str(&a[1]),
            true,
        )))
    });
    f!(m, "abbrev", |a: &[Value]| -> R {
        let width = to_int(arg(a, 0, "abbrev")?);
        let text = to_str(arg(a, 1, "abbrev")?);
        if width < 4 {
            return Ok(s(&text));
        }
        Ok(s(&abbreviate(&text, 0, width).unwrap_or_default()))
    });
    f!(m, "abbrevboth", |a: &[Value]| -> R {
        let left = to_int(arg(a, 0, "abbrevboth")?);
        let right = to_int(arg(a, 1, "abbrevboth")?);
        let text = to_str(arg(a, 2, "abbrevboth")?);
        if right < 4 || left > 0 && right < 7 {
            return Ok(s(&text));
        }
        Ok(s(&abbreviate(&text, left, right).unwrap_or_default()))
    });
    f!(m, "initials", |a: &[Value]| -> R {
        Ok(s(&initials(&to_str(arg(a, 0, "initials")?))))
    });
    f!(m, "swapcase", |a: &[Value]| -> R {
        let mut out = String::new();
        for c in to_str(arg(a, 0, "swapcase")?).chars() {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else if c.is_lowercase() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        Ok(s(&out))
    });
    // goutils' `Uncapitalize`: the first letter of each space-separated word lower-cased.
    f!(m, "untitle", |a: &[Value]| -> R {
        let mut out = String::new();
        let mut gap = true;
        for c in to_str(arg(a, 0, "untitle")?).chars() {
            if c.is_whitespace() {
                gap = true;
                out.push(c);
            } else if gap {
                out.extend(c.to_lowercase());
                gap = false;
            } else {
                out.push(c);
            }
        }
        Ok(s(&out))
    });
    f!(m, "title", |a: &[Value]| -> R {
        Ok(s(&go_title(&to_str(arg(a, 0, "title")?))))
    });
    f!(m, "plural", |a: &[Value]| -> R {
        let n = to_int(arg(a, 2, "plural")?);
        Ok(if n == 1 { a[0].clone() } else { a[1].clone() })
    });
    f!(m, "hello", |_a: &[Value]| -> R { Ok(s("Hello!")) });
}

/// goutils' `Initials`: it walks the string's bytes, each taken as the rune of that value
/// (`rune(str[i])`), so a letter written in several UTF-8 bytes gives the Latin-1 letter of
/// its first byte (`initials "über"` is `Ã`), and a continuation byte 0x85 or 0xA0 is a gap
/// (Go's `unicode.IsSpace` of U+0085 and U+00A0).
fn initials(text: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &b in text.as_bytes() {
        if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0) {
            gap = true;
        } else if gap {
            out.push(char::from(b));
            gap = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by Sprig v3 (Helm v4.2.3) for the same calls.
    #[test]
    fn initials_walks_bytes_as_goutils() {
        assert_eq!(initials("ünïcödé à b"), "ÃÃb");
        assert_eq!(initials("hello  world\tx"), "hwx");
        assert_eq!(initials(""), "");
    }

    /// Expected values printed by Sprig v3 (Helm v4.2.3) for the same calls.
    #[test]
    fn words_as_goutils() {
        assert_eq!(
            wrap_custom("hello world foo", 5, "\n", false),
            "hello\nworld\nfoo"
        );
        assert_eq!(
            wrap_custom("abcdefghij kl", 4, "|", true),
            "abcd|efgh|ij|kl"
        );
        assert_eq!(
            wrap_custom("abcdefghij kl", 4, "\n", false),
            "abcdefghij\nkl"
        );
        assert_eq!(abbreviate("hello world", 0, 8).as_deref(), Some("hello..."));
        assert_eq!(
            abbreviate("abcdefghijklmno", 5, 10).as_deref(),
            Some("...fghi...")
        );
        assert_eq!(abbreviate("abc", 0, 3), None);
        assert_eq!(go_title("release-name x_y z.q"), "Release-Name X_y Z.Q");
    }
}
