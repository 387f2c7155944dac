//! The `jobs` target: one JSON file per production of a campaign
//! (`jobs/<campaign>/<production id>.json`) and per run range of a
//! processing (`jobs/<processing>/<exp>-<beam>-<first run>.json`), in the
//! format of `targets/job.schema.json` (`prodc schema job`).

use super::Sink;
use crate::Checked;

/// The JSON Schema of job files, printed by `prodc schema job`.
pub const JOB_SCHEMA: &str = include_str!("../../../targets/job.schema.json");

pub(super) fn emit(checked: &Checked, sink: &dyn Sink) {
    use rayon::prelude::*;
    // One file per job, tens of thousands for a large campaign: on all cores.
    checked.jobs().par_iter().for_each(|job| {
        // A job file is one to two kilobytes: reserved at once rather than
        // grown by doubling.
        let mut text = Vec::with_capacity(2048);
        serde_json::to_writer_pretty(&mut text, job).expect("jobs serialise to JSON");
        text.push(b'\n');
        sink.put(format!("jobs/{}/{}.json", job.owner, job.id), text);
    });
}
