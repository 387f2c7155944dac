//! Checks on the resolved model. Each submodule is one family of rules and
//! only reads the model; it returns diagnostics.

pub mod base_forest;
mod calibrations;
pub mod iov;
mod productions;
mod releases;
mod runs;
pub mod tags;

use crate::diagnostics::Diagnostic;
use crate::model::Model;

/// Runs every check of the model.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    calibrations::check(model, &mut diags);
    productions::check(model, &mut diags);
    releases::check(model, &mut diags);
    runs::check(model, &mut diags);
    tags::check(model, &mut diags);
    diags
}

/// A byte count in decimal units, as a person writes it: `550 GB`, `1.1 TB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn human_bytes_uses_decimal_units() {
        assert_eq!(human_bytes(550_000_000_000), "550 GB");
        assert_eq!(human_bytes(1_100_000_000_000), "1.1 TB");
        assert_eq!(human_bytes(999), "999 B");
    }
}
