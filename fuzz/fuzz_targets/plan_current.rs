//! Fuzz target: `prodc plan`'s current-state reader never panics, on any
//! bytes, and the plan it leads to (against a fixed tag with a base, two
//! payloads and a calibration stage) prints as text and JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prodc::gtplan::current::{current_entries, plan_tag, read_current};
use prodc::model::TagId;
use prodc::project::MemoryVfs;
use prodc::source::FileId;
use std::sync::OnceLock;

const CONFIG: &str = "[project]\nname = \"fuzz\"\nsource = \".\"\n";
const TAGS: &str = r#"
globaltag base_tag { state = PUBLISHED  payload A { 1:0 ..= 1:* rev 1  2:0 .. rev 2 } }
globaltag tag {
  base = base_tag
  payload B { 0:0 ..= 0:99 rev "x"  0:100 .. rev 3 }
}
calibration cal { produces = [B]  into = tag }
"#;

fn checked() -> &'static prodc::Checked {
    static CHECKED: OnceLock<prodc::Checked> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let vfs = MemoryVfs::new()
            .with("Prod.toml", CONFIG)
            .with("tags.prod", TAGS);
        prodc::check(&vfs).expect("the fixed project loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (lines, _diagnostics) = read_current(FileId(0), &text);
    let current = current_entries(&lines);
    let checked = checked();
    let tag = checked
        .model
        .tags
        .iter()
        .position(|t| t.name.text == "tag")
        .expect("the fixed project has `tag`");
    let plan = plan_tag(&checked.model, TagId(tag as u32), "tag", &current, &text);
    let _ = plan.text("`fuzz`");
    let _ = plan.json();
});
