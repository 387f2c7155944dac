//! The `lpn` target: `lpn/paths.txt`, every dataset path sorted by byte
//! order, one per line; and `lpn/paths.json`, each path with its owner and
//! where it is declared, one dataset per line so that the file diffs well.

use super::Sink;
use crate::layout::Dataset;
use crate::Checked;
use serde::Serialize;

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    dataset: &'a Dataset,
    file: &'a str,
    line: usize,
}

pub(super) fn emit(checked: &Checked, sink: &dyn Sink) {
    let mut text = String::with_capacity(checked.datasets.len() * 100);
    for dataset in &checked.datasets {
        text.push_str(&dataset.path);
        text.push('\n');
    }
    sink.put("lpn/paths.txt".to_string(), text.into_bytes());

    let mut json = String::with_capacity(checked.datasets.len() * 300);
    json.push_str("{\"schema\": \"prodc.lpn/v1\", \"datasets\": [\n");
    for (i, dataset) in checked.datasets.iter().enumerate() {
        let file = checked.project.sources.get(dataset.span.file);
        let entry = Entry {
            dataset,
            file: &file.name,
            line: file.line_col(dataset.span.start).0,
        };
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&serde_json::to_string(&entry).expect("datasets serialise to JSON"));
    }
    json.push_str("\n]}\n");
    sink.put("lpn/paths.json".to_string(), json.into_bytes());
}
