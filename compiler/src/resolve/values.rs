//! Converting syntax values to typed values: strings, numbers, quantities in
//! base units, enum values, run ranges. Each conversion reports its own
//! `E0303` (wrong type), `E0304` (wrong dimension) or `E0307` (not whole).

use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::model::{EnumDef, EnumValue, RunId, RunRange, Spanned};
use crate::source::Span;
use crate::syntax::ast::{self, IovKind, Run, RunPoint, Value, ValueKind};

/// What a value is, for "expected X, found Y" messages.
pub fn describe(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(s) => format!("the string {s:?}"),
        ValueKind::Int(n) => format!("the integer {n}"),
        ValueKind::Float(t) => format!("the number {t}"),
        ValueKind::Quantity { number, unit } => format!("the quantity {number}{unit}"),
        ValueKind::Bool(b) => format!("`{b}`"),
        ValueKind::Path(parts) => format!("`{}`", path_text(parts)),
        ValueKind::RunPoint(_) => "a run point".to_string(),
        ValueKind::Iov(_) => "an interval".to_string(),
        ValueKind::List(_) => "a list".to_string(),
        ValueKind::Error => "an invalid value".to_string(),
    }
}

pub fn path_text(parts: &[crate::syntax::ast::Ident]) -> String {
    parts
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// `E0303`: the value has the wrong type for the field.
pub fn wrong_type(field: &str, expected: &str, value: &Value) -> Diagnostic {
    Diagnostic::new(
        Code::E0303,
        format!("`{field}` expects {expected}, found {}", describe(value)),
        value.span,
        format!("expected {expected}"),
    )
}

/// Dimensions of quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Count,
    Size,
    Luminosity,
    Duration,
}

impl Dimension {
    fn of_unit(unit: &str) -> Option<(Dimension, u64)> {
        let dim = match unit {
            "k" | "M" | "G" => Dimension::Count,
            "B" | "kB" | "MB" | "GB" | "TB" | "PB" => Dimension::Size,
            "/pb" | "/fb" | "/ab" => Dimension::Luminosity,
            "h" | "d" | "w" => Dimension::Duration,
            _ => return None,
        };
        let factor = crate::syntax::lexer::UNITS
            .iter()
            .find(|(u, _)| *u == unit)?
            .1;
        Some((dim, factor))
    }

    fn name(self) -> &'static str {
        match self {
            Dimension::Count => "a count",
            Dimension::Size => "a size",
            Dimension::Luminosity => "a luminosity",
            Dimension::Duration => "a duration",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Dimension::Count => "a whole number, optionally with k, M or G: `50M`",
            Dimension::Size => "a number with B, kB, MB, GB, TB or PB: `11kB`",
            Dimension::Luminosity => "a number with /pb, /fb or /ab: `509.9/pb`",
            Dimension::Duration => "a number with h, d or w: `5d`",
        }
    }
}

/// The result of scaling a decimal to a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whole {
    Exact(u64),
    Fraction,
    Overflow,
}

/// A decimal literal as an exact fraction `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: u128,
    pub scale: u32,
}

impl Decimal {
    /// Parses `123`, `0.25` (underscores already removed by the lexer).
    pub fn parse(text: &str) -> Option<Decimal> {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let scale = u32::try_from(frac.len()).ok().filter(|&s| s <= 30)?;
        let digits = format!("{int}{frac}");
        let mantissa = digits.parse::<u128>().ok()?;
        Some(Decimal { mantissa, scale })
    }

    /// `self × factor` as a whole number, if it is one and fits in 64 bits.
    pub fn times_whole(self, factor: u64) -> Whole {
        let Some(product) = self.mantissa.checked_mul(u128::from(factor)) else {
            return Whole::Overflow;
        };
        let divisor = 10u128.pow(self.scale);
        if product % divisor != 0 {
            return Whole::Fraction;
        }
        u64::try_from(product / divisor).map_or(Whole::Overflow, Whole::Exact)
    }

    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }
}

/// The largest count, integer or run number a manifest may give: 2^53.
/// Generated scripts compute with them in bash, whose arithmetic is signed
/// 64-bit and wraps silently, and job files carry them to JSON readers that
/// hold numbers as doubles, exact only up to 2^53. No event count, run or
/// id of a real production comes near it.
pub const MAX_WHOLE: u64 = 1 << 53;

/// The longest free text passed to a program as one command-line argument
/// (E0310): Linux refuses an argument of `MAX_ARG_STRLEN` (128 KiB) or
/// more; 100 KiB leaves room for what a script adds around it.
pub const MAX_ARGUMENT_BYTES: usize = 100 * 1024;

/// E0309: a whole number beyond [`MAX_WHOLE`].
fn beyond_max(field: &str, n: u64, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0309,
        format!("`{field}` is {n}, more than the largest whole number the generated scripts and job files carry exactly (2^53)"),
        span,
        "too large for the generated scripts",
    )
    .with_help(format!("a value of `{field}` is at most 9007199254740992; check the digits and the unit"))
}

/// `n`, or E0309 when it is beyond [`MAX_WHOLE`].
fn at_most_max(field: &str, n: u64, span: Span) -> Result<u64, Diagnostic> {
    if n > MAX_WHOLE {
        Err(beyond_max(field, n, span))
    } else {
        Ok(n)
    }
}

fn overflow(value: &Value) -> Diagnostic {
    Diagnostic::new(
        Code::E0103,
        "value does not fit in 64 bits",
        value.span,
        "too large",
    )
}

/// A quantity of `dim` in its base unit (count, bytes, /pb, hours) as an
/// exact decimal times the unit factor.
fn quantity(field: &str, value: &Value, dim: Dimension) -> Result<(Decimal, u64), Diagnostic> {
    let wrong_dim = |found: String| {
        Diagnostic::new(
            Code::E0304,
            format!("`{field}` expects {}, found {found}", dim.name()),
            value.span,
            format!("expected {}", dim.name()),
        )
        .with_help(format!("write {}", dim.example()))
    };
    match &value.kind {
        ValueKind::Int(n) if dim == Dimension::Count => Ok((
            Decimal {
                mantissa: u128::from(*n),
                scale: 0,
            },
            1,
        )),
        ValueKind::Float(text) if dim == Dimension::Count => {
            Ok((Decimal::parse(text).ok_or_else(|| overflow(value))?, 1))
        }
        ValueKind::Int(_) | ValueKind::Float(_) => {
            Err(wrong_dim("a number without unit".to_string()))
        }
        ValueKind::Quantity { number, unit } => match Dimension::of_unit(unit) {
            Some((d, factor)) if d == dim => Ok((
                Decimal::parse(number).ok_or_else(|| overflow(value))?,
                factor,
            )),
            Some((d, _)) => Err(wrong_dim(format!("{} ({number}{unit})", d.name()))),
            // The lexer reported the unknown unit (E0112) already.
            None => Err(Diagnostic::new(Code::E0112, "unknown unit", value.span, "")),
        },
        _ => Err(wrong_type(field, dim.name(), value)),
    }
}

/// A whole count (`50M`, `1.5k`, `100`).
pub fn count(field: &str, value: &Value) -> Result<u64, Diagnostic> {
    let (decimal, factor) = quantity(field, value, Dimension::Count)?;
    match decimal.times_whole(factor) {
        Whole::Exact(n) => at_most_max(field, n, value.span),
        Whole::Fraction => Err(Diagnostic::new(
            Code::E0307,
            format!(
                "`{field}` must be a whole number, but {} is not",
                source_text(value)
            ),
            value.span,
            "not a whole number",
        )
        .with_help(format!(
            "a count such as `{field}` must be whole; adjust the digits"
        ))),
        Whole::Overflow => Err(overflow(value)),
    }
}

fn source_text(value: &Value) -> String {
    match &value.kind {
        ValueKind::Quantity { number, unit } => format!("`{number}{unit}`"),
        ValueKind::Float(text) => format!("`{text}`"),
        _ => "the value".to_string(),
    }
}

/// A size in bytes, rounded to the nearest byte.
pub fn size_bytes(field: &str, value: &Value) -> Result<u64, Diagnostic> {
    let (decimal, factor) = quantity(field, value, Dimension::Size)?;
    let bytes = decimal
        .mantissa
        .checked_mul(u128::from(factor))
        .ok_or_else(|| overflow(value))?;
    let divisor = 10u128.pow(decimal.scale);
    u64::try_from((bytes + divisor / 2) / divisor).map_err(|_| overflow(value))
}

/// An integrated luminosity in inverse picobarns.
pub fn luminosity_per_pb(field: &str, value: &Value) -> Result<f64, Diagnostic> {
    let (decimal, factor) = quantity(field, value, Dimension::Luminosity)?;
    Ok(decimal.to_f64() * factor as f64)
}

/// A duration in hours.
pub fn duration_hours(field: &str, value: &Value) -> Result<f64, Diagnostic> {
    let (decimal, factor) = quantity(field, value, Dimension::Duration)?;
    Ok(decimal.to_f64() * factor as f64)
}

pub fn string(field: &str, value: &Value) -> Result<String, Diagnostic> {
    match &value.kind {
        ValueKind::Str(s) => Ok(s.clone()),
        _ => Err(wrong_type(field, "a string", value)),
    }
}

pub fn integer(field: &str, value: &Value) -> Result<u64, Diagnostic> {
    match &value.kind {
        ValueKind::Int(n) => at_most_max(field, *n, value.span),
        ValueKind::Quantity { .. } => Err(Diagnostic::new(
            Code::E0304,
            format!(
                "`{field}` expects a plain integer, found {}",
                describe(value)
            ),
            value.span,
            "expected an integer without unit",
        )),
        _ => Err(wrong_type(field, "an integer", value)),
    }
}

/// A plain number (`0.2`, `1`), with its exact decimal form.
pub fn number(field: &str, value: &Value) -> Result<Decimal, Diagnostic> {
    let text = match &value.kind {
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Float(text) => text.clone(),
        _ => return Err(wrong_type(field, "a number", value)),
    };
    Decimal::parse(&text).ok_or_else(|| overflow(value))
}

pub fn boolean(field: &str, value: &Value) -> Result<bool, Diagnostic> {
    match &value.kind {
        ValueKind::Bool(b) => Ok(*b),
        _ => Err(wrong_type(field, "`true` or `false`", value)),
    }
}

/// An enum value: the entry's identifier, its string form, or the
/// qualified `std.ENUM.ENTRY`.
pub fn enum_value(field: &str, value: &Value, def: &EnumDef) -> Result<EnumValue, Diagnostic> {
    let enum_name = def.name.bare();
    let qualified = format!("{}.", def.name.text);
    let key = match &value.kind {
        ValueKind::Path(parts) => {
            let text = path_text(parts);
            text.strip_prefix(&qualified)
                .map(str::to_string)
                .unwrap_or(text)
        }
        ValueKind::Str(s) => s.clone(),
        _ => String::new(),
    };
    let found = def
        .entries
        .iter()
        .enumerate()
        .find(|(_, e)| match &value.kind {
            ValueKind::Str(s) => &e.text == s || &e.name == s,
            _ => e.name == key,
        });
    if let Some((index, entry)) = found {
        return Ok(EnumValue {
            name: entry.name.clone(),
            text: entry.text.clone(),
            index,
        });
    }
    let allowed: Vec<&str> = def.entries.iter().map(|e| e.name.as_str()).collect();
    let mut diag = Diagnostic::new(
        Code::E0303,
        match &value.kind {
            ValueKind::Path(_) | ValueKind::Str(_) => {
                format!("`{key}` is not a `{enum_name}` value")
            }
            _ => format!(
                "`{field}` expects a `{enum_name}` value, found {}",
                describe(value)
            ),
        },
        value.span,
        format!("expected a `{enum_name}` value"),
    );
    let suggestion = did_you_mean(&key, allowed.iter().copied())
        .or_else(|| did_you_mean(&key, def.entries.iter().map(|e| e.text.as_str())));
    let list = format!("the values are {}", allowed.join(", "));
    diag = match suggestion {
        Some(s) => diag.with_help(format!("did you mean `{s}`? {list}")),
        None => diag.with_help(list),
    };
    Err(diag)
}

fn run_id(point: &RunPoint) -> RunId {
    RunId {
        exp: point.exp,
        run: match point.run {
            Run::Number(n) => n,
            Run::Last => RunId::LAST,
        },
    }
}

/// Converts a syntax IoV to the model's form (`always` is `0:0 ..`).
pub fn iov(kind: &IovKind) -> crate::model::Iov {
    match kind {
        IovKind::Closed { start, end } => crate::model::Iov {
            start: run_id(start),
            end: Some(run_id(end)),
        },
        IovKind::Open { start } => crate::model::Iov {
            start: run_id(start),
            end: None,
        },
        IovKind::Always => crate::model::Iov {
            start: RunId { exp: 0, run: 0 },
            end: None,
        },
    }
}

/// Converts the interval of an IoV line to the model's form.
pub fn line_iov(iov: &ast::LineIov) -> crate::model::Iov {
    let id = |p: ast::Point| RunId {
        exp: p.exp,
        run: match p.run {
            Run::Number(n) => n,
            Run::Last => RunId::LAST,
        },
    };
    match *iov {
        ast::LineIov::Closed { start, end } => crate::model::Iov {
            start: id(start),
            end: Some(id(end)),
        },
        ast::LineIov::Open { start } => crate::model::Iov {
            start: id(start),
            end: None,
        },
        ast::LineIov::Always => crate::model::Iov {
            start: RunId { exp: 0, run: 0 },
            end: None,
        },
    }
}

/// Converts the revision of an IoV line to the model's form.
pub fn revision(rev: &ast::Revision) -> crate::model::Revision {
    match rev {
        ast::Revision::Number(n) => crate::model::Revision::Number(*n),
        ast::Revision::Text(s) => crate::model::Revision::Text(s.clone()),
    }
}

/// A list of closed run ranges `[a ..= b, …]`.
pub fn run_ranges(field: &str, value: &Value) -> Result<Vec<Spanned<RunRange>>, Vec<Diagnostic>> {
    let items = match &value.kind {
        ValueKind::List(items) => items.as_slice(),
        ValueKind::Iov(_) => std::slice::from_ref(value),
        _ => {
            return Err(vec![wrong_type(
                field,
                "a list of run ranges `[3:529 ..= 3:5613, …]`",
                value,
            )])
        }
    };
    let mut ranges = Vec::new();
    let mut diags = Vec::new();
    for item in items {
        match &item.kind {
            ValueKind::Iov(iov) => match &iov.kind {
                IovKind::Closed { start, end } if start.run != Run::Last && end.run != Run::Last => {
                    let (first, last) = (run_id(start), run_id(end));
                    // Tasks compute their run from the first one in bash.
                    let largest = first.exp.max(last.exp).max(first.run).max(last.run);
                    match at_most_max(field, largest, item.span) {
                        Ok(_) => ranges.push(Spanned::new(RunRange { first, last }, item.span)),
                        Err(diag) => diags.push(diag),
                    }
                }
                _ => diags.push(
                    Diagnostic::new(
                        Code::E0303,
                        format!("run ranges of `{field}` must be closed ranges of run numbers"),
                        item.span,
                        "not a closed range of runs",
                    )
                    .with_help("write both ends as `EXP:RUN`, e.g. `8:1036 ..= 8:1554`; `*`, open ends and `always` are for payload IoVs only"),
                ),
            },
            ValueKind::Error => {}
            _ => diags.push(wrong_type(field, "a run range `EXP:RUN ..= EXP:RUN`", item)),
        }
    }
    if diags.is_empty() {
        Ok(ranges)
    } else {
        Err(diags)
    }
}

/// The span of a value, for labels.
pub fn span(value: &Value) -> Span {
    value.span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_multiply_exactly() {
        let d = Decimal::parse("1.5").expect("decimal");
        assert_eq!(d.times_whole(1000), Whole::Exact(1500));
        assert_eq!(
            Decimal::parse("1.0005").expect("d").times_whole(1000),
            Whole::Fraction
        );
        assert_eq!(
            Decimal::parse("20000000000")
                .expect("d")
                .times_whole(1_000_000_000),
            Whole::Overflow
        );
        assert_eq!(Decimal::parse("0.2").expect("d").to_f64(), 0.2);
    }
}
