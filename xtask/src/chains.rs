//! The chain project of the stress test: `calibrations` calibrations, each
//! `after` the one before it, and `tags` global tags, each the `base` of
//! the next, with a processing at the end of both chains.
//!
//! - `manifests/tags/tagsNNN.prod`: tag `gtNNNNNN` (id N + 1, TESTING,
//!   strict) is based on the tag before it and holds one payload,
//!   `P{N mod 10}`, valid from `0:0 ..`; a tag's effective content is
//!   therefore at most ten payloads however long the chain (the build's
//!   payload lists stay linear in the input);
//! - `manifests/calibrations/calsNNN.prod`: calibration `cNNNNNN` is `after`
//!   the one before it, takes an hour, and the first `tags` of them each
//!   produce the payload of the tag with their number into that tag (one
//!   producer per payload of a tag);
//! - `manifests/end.prod`: processing `chain_end`, after the last
//!   calibration, using the last tag, so that the hierarchy rule (`E0603`)
//!   walks both chains whole.
//!
//! The project checks without a diagnostic. With `cycle`, the first
//! calibration is also `after` the last one: a single `after` cycle through
//! every calibration (one `E0601`).
//!
//! The file is also compiled into the stress test of the compiler
//! (`tests/stress.rs`, through `#[path]`), so it uses nothing but `std`.

/// The size of a chain project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chains {
    pub calibrations: usize,
    pub tags: usize,
    /// Whether the first calibration also waits for the last one.
    pub cycle: bool,
}

/// Distinct payload names: tag `N` holds `P{N mod PAYLOAD_NAMES}`.
const PAYLOAD_NAMES: usize = 10;
/// Items per manifest file, so that the files are parsed on all cores.
const PER_FILE: usize = 10_000;

/// The `Prod.toml` of a chain project.
pub const PROD_TOML: &str =
    "# Chain project of the stress test, written by `cargo run -p xtask -- gen-chains`.
[project]
name   = \"chains\"
source = \"manifests\"

[build]
out = \"out\"
";

pub fn calibration_name(n: usize) -> String {
    format!("c{n:06}")
}

pub fn tag_name(n: usize) -> String {
    format!("gt{n:06}")
}

fn payload_name(n: usize) -> String {
    format!("P{}", n % PAYLOAD_NAMES)
}

impl Chains {
    /// Every file of the project as (path relative to the project, text),
    /// `Prod.toml` first.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files = vec![("Prod.toml".to_string(), PROD_TOML.to_string())];
        for (n, start) in (0..self.tags).step_by(PER_FILE).enumerate() {
            let end = (start + PER_FILE).min(self.tags);
            let mut text = String::with_capacity((end - start) * 100);
            text.push_str("# A chain of global tags, each based on the one before it.\n");
            for t in start..end {
                self.write_tag(&mut text, t);
            }
            files.push((format!("manifests/tags/tags{n:03}.prod"), text));
        }
        for (n, start) in (0..self.calibrations).step_by(PER_FILE).enumerate() {
            let end = (start + PER_FILE).min(self.calibrations);
            let mut text = String::with_capacity((end - start) * 100);
            text.push_str("# A chain of calibrations, each after the one before it.\n");
            for c in start..end {
                self.write_calibration(&mut text, c);
            }
            files.push((format!("manifests/calibrations/cals{n:03}.prod"), text));
        }
        files.push(("manifests/end.prod".to_string(), self.end()));
        files
    }

    fn write_tag(&self, out: &mut String, t: usize) {
        out.push_str(&format!(
            "\nglobaltag {} {{\n  id    = {}\n  state = TESTING\n",
            tag_name(t),
            t + 1
        ));
        if t > 0 {
            out.push_str(&format!("  base  = {}\n", tag_name(t - 1)));
        }
        out.push_str(&format!(
            "  payload {} {{\n    0:0 ..  rev {}\n  }}\n}}\n",
            payload_name(t),
            t + 1
        ));
    }

    fn write_calibration(&self, out: &mut String, c: usize) {
        out.push_str(&format!("\ncalibration {} {{\n", calibration_name(c)));
        let before = match c {
            0 if self.cycle => self.calibrations.checked_sub(1),
            0 => None,
            _ => Some(c - 1),
        };
        if let Some(before) = before {
            out.push_str(&format!("  after    = [{}]\n", calibration_name(before)));
        }
        if c < self.tags {
            out.push_str(&format!(
                "  produces = [{}]\n  into     = {}\n",
                payload_name(c),
                tag_name(c)
            ));
        }
        out.push_str("  duration = 1h\n}\n");
    }

    /// The processing at the end of both chains.
    fn end(&self) -> String {
        let mut text = String::from(
            "# The processing at the end of both chains.\nprocessing chain_end {\n  release    = \"release-06-00-08\"\n",
        );
        if let Some(last) = self.tags.checked_sub(1) {
            text.push_str(&format!("  globaltags = [{}]\n", tag_name(last)));
        } else {
            text.push_str("  globaltags = []\n");
        }
        if let Some(last) = self.calibrations.checked_sub(1) {
            text.push_str(&format!("  after      = [{}]\n", calibration_name(last)));
        }
        text.push_str(
            "  layout     = std.kekcc_data\n  runs { Y4S = [1:0 ..= 1:100] }\n  tiers      = [mdst]\n}\n",
        );
        text
    }
}
