//! The synthetic tag file the benchmarks share: a strict-valid global tag of
//! `payloads` payloads with `iovs` IoV lines each (`E:0 ..= E:*` per
//! experiment, the last one open), in the layout of `xtask gen-big`.

use std::fmt::Write;

/// `globaltag tagNN` with id `t`.
pub fn tag_file(t: usize, payloads: usize, iovs: usize) -> String {
    let mut text = String::with_capacity(payloads * iovs * 26);
    let _ = writeln!(
        text,
        "globaltag tag{t:02} {{\n  id    = {t}\n  state = TESTING"
    );
    for p in 0..payloads {
        let _ = writeln!(text, "\n  payload P{p:04} {{");
        for exp in 0..iovs - 1 {
            let _ = writeln!(text, "    {exp}:0 ..= {exp}:*  rev {}", exp + 1);
        }
        let _ = writeln!(text, "    {}:0 ..  rev {iovs}\n  }}", iovs - 1);
    }
    text.push_str("}\n");
    text
}
