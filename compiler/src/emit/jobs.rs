//! The `jobs` target: one JSON file per production of a campaign
//! (`jobs/<campaign>/<production id>.json`) and per run range of a
//! processing (`jobs/<processing>/<exp>-<beam>-<first run>.json`), in the
//! format of `targets/job.schema.json` (`prodc schema job`).

use super::Outputs;
use crate::Checked;

/// The JSON Schema of job files, printed by `prodc schema job`.
pub const JOB_SCHEMA: &str = include_str!("../../../targets/job.schema.json");

pub(super) fn emit(checked: &Checked, outputs: &mut Outputs) {
    for job in crate::jobs::jobs(checked) {
        let mut text = serde_json::to_string_pretty(&job).expect("jobs serialise to JSON");
        text.push('\n');
        outputs.insert(
            format!("jobs/{}/{}.json", job.owner, job.id),
            text.into_bytes(),
        );
    }
}
