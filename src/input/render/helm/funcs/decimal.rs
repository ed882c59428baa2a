//! Sprig's float arithmetic (`addf`, `subf`, `mulf`, `divf`) is decimal, not binary: each
//! operand becomes the shortest decimal that prints as it (shopspring/decimal's
//! `NewFromFloat`), the operation is exact (division rounded to 16 decimal places, half away
//! from zero), and the result is read back as a float. So `mulf 0.1 3` is `0.3`, where binary
//! floating point gives `0.30000000000000004`.
//!
//! The decimals here are an `i128` mantissa and a power of ten; operands too far apart to
//! fit (1e300 + 1e-300) fall back to binary arithmetic, which those magnitudes cannot tell
//! apart anyway.

#[derive(Clone, Copy)]
struct Dec {
    mantissa: i128,
    exp: i32,
}

impl Dec {
    /// The shortest decimal of a float (`None` for NaN and infinities).
    fn of(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        // `{:e}` prints the shortest round-trip digits: `-1.25e-7`.
        let e = format!("{f:e}");
        let (mant, exp) = e.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let mantissa: i128 = format!("{int}{frac}").parse().ok()?;
        Some(Dec {
            mantissa,
            exp: exp - frac.len() as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// Both mantissas at the smaller exponent.
    fn aligned(self, other: Dec) -> Option<(i128, i128, i32)> {
        let exp = self.exp.min(other.exp);
        let scale = |d: Dec| {
            10i128
                .checked_pow(u32::try_from(d.exp - exp).ok()?)?
                .checked_mul(d.mantissa)
        };
        Some((scale(self)?, scale(other)?, exp))
    }

    fn add(self, other: Dec) -> Option<Dec> {
        let (a, b, exp) = self.aligned(other)?;
        Some(Dec {
            mantissa: a.checked_add(b)?,
            exp,
        })
    }

    fn sub(self, other: Dec) -> Option<Dec> {
        let (a, b, exp) = self.aligned(other)?;
        Some(Dec {
            mantissa: a.checked_sub(b)?,
            exp,
        })
    }

    fn mul(self, other: Dec) -> Option<Dec> {
        Some(Dec {
            mantissa: self.mantissa.checked_mul(other.mantissa)?,
            exp: self.exp.checked_add(other.exp)?,
        })
    }

    /// shopspring's `Div`: the quotient rounded to 16 decimal places, half away from zero.
    fn div(self, other: Dec) -> Option<Dec> {
        const PRECISION: i32 = 16;
        if other.mantissa == 0 {
            return None;
        }
        let k = self.exp - other.exp + PRECISION;
        let (num, den) = if k >= 0 {
            (
                self.mantissa.checked_mul(10i128.checked_pow(k as u32)?)?,
                other.mantissa,
            )
        } else {
            (
                self.mantissa,
                other
                    .mantissa
                    .checked_mul(10i128.checked_pow((-k) as u32)?)?,
            )
        };
        let (q, r) = (num.abs() / den.abs(), num.abs() % den.abs());
        let q = if r.checked_mul(2)? >= den.abs() {
            q + 1
        } else {
            q
        };
        let negative = (num < 0) != (den < 0);
        Some(Dec {
            mantissa: if negative { -q } else { q },
            exp: -PRECISION,
        })
    }
}

#[derive(Clone, Copy)]
pub(super) enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// `first op x op y …` as Sprig's `execDecimalOp` computes it; `None` for a division by zero
/// (a panic in Sprig, an error in Helm).
pub(super) fn fold(first: f64, rest: impl Iterator<Item = f64>, op: Op) -> Option<f64> {
    let mut acc = first;
    for x in rest {
        let exact = Dec::of(acc).zip(Dec::of(x)).and_then(|(a, b)| match op {
            Op::Add => a.add(b),
            Op::Sub => a.sub(b),
            Op::Mul => a.mul(b),
            Op::Div => a.div(b),
        });
        acc = match (exact, op) {
            (Some(d), _) => d.to_f64(),
            (None, Op::Div) if x == 0.0 => return None,
            (None, Op::Add) => acc + x,
            (None, Op::Sub) => acc - x,
            (None, Op::Mul) => acc * x,
            (None, Op::Div) => acc / x,
        };
    }
    Some(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values Helm v4.2.3 printed for the same calls.
    #[test]
    fn decimal_as_sprig() {
        let f = |a: f64, b: f64, op| fold(a, [b].into_iter(), op).unwrap();
        assert_eq!(f(0.1, 3.0, Op::Mul), 0.3);
        assert_eq!(f(0.1, 0.2, Op::Add), 0.3);
        assert_eq!(f(1.0, 0.9, Op::Sub), 0.1);
        assert_eq!(f(1.1, 1.1, Op::Mul), 1.21);
        assert_eq!(f(2.0, 3.0, Op::Div), 0.6666666666666667);
        assert_eq!(f(1.0, 3.0, Op::Div), 0.3333333333333333);
        assert_eq!(f(10.0, 4.0, Op::Div), 2.5);
        assert_eq!(f(1e21, 1.0, Op::Add), 1e21);
        assert_eq!(f(12345678.9, 100.0, Op::Mul), 1234567890.0);
        assert!(fold(1.0, [0.0].into_iter(), Op::Div).is_none());
    }
}
