//! `model.json` written with its IoV lines formatted directly: byte for byte
//! what `serde_json::to_writer` makes of an [`Export`] (a test holds the two
//! equal), without serde's per-field machinery where the bulk of the
//! document is. A conditions tag of a million IoV lines is nearly all of a
//! model's JSON, and each line is the same few fields: formatted from fixed
//! pieces they cost a fraction of what a serialiser call per key and value
//! does. Everything else still goes through serde, so that only the field
//! lists of a tag and a payload are repeated here.

use super::model::Export;
use crate::model::{GlobalTag, IovEntry, Model, Payload, Revision, RunId};
use serde::Serialize;
use std::io::{self, Write};

/// Writes `export` as compact JSON, as `serde_json::to_writer` would, and a
/// newline.
pub fn write(export: &Export<'_>, out: &mut dyn Write) -> io::Result<()> {
    // Buffered here, where the writer's type is known, so that each of the
    // small writes of the serialiser is inlined.
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    let w = &mut out;
    w.write_all(b"{\"schema\":")?;
    json(w, &export.schema)?;
    w.write_all(b",\"project\":")?;
    json(w, &export.project)?;
    w.write_all(b",\"model\":")?;
    write_model(w, export.model)?;
    w.write_all(b"}\n")?;
    out.flush()
}

/// How many bytes of IoV lines are collected before they are written.
const LINES_CHUNK: usize = 64 * 1024;

/// The fields of [`Model`] in declaration order, as serde writes them.
fn write_model(w: &mut impl Write, model: &Model) -> io::Result<()> {
    w.write_all(b"{\"releases\":")?;
    json(w, &model.releases)?;
    w.write_all(b",\"tags\":[")?;
    // The IoV lines are formatted into one buffer, reused.
    let mut lines = Vec::new();
    for (i, tag) in model.tags.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_tag(w, tag, &mut lines)?;
    }
    w.write_all(b"],\"calibrations\":")?;
    json(w, &model.calibrations)?;
    w.write_all(b",\"processings\":")?;
    json(w, &model.processings)?;
    w.write_all(b",\"campaigns\":")?;
    json(w, &model.campaigns)?;
    w.write_all(b",\"skims\":")?;
    json(w, &model.skims)?;
    w.write_all(b",\"layouts\":")?;
    json(w, &model.layouts)?;
    w.write_all(b",\"enums\":")?;
    json(w, &model.enums)?;
    w.write_all(b"}")
}

/// The serialised fields of [`GlobalTag`] in declaration order.
fn write_tag(w: &mut impl Write, tag: &GlobalTag, lines: &mut Vec<u8>) -> io::Result<()> {
    w.write_all(b"{\"name\":")?;
    json(w, &tag.name)?;
    w.write_all(b",\"docs\":")?;
    json(w, &tag.docs)?;
    w.write_all(b",\"id\":")?;
    json(w, &tag.id)?;
    w.write_all(b",\"type\":")?;
    json(w, &tag.ty)?;
    w.write_all(b",\"state\":")?;
    json(w, &tag.state)?;
    w.write_all(b",\"release\":")?;
    json(w, &tag.release)?;
    w.write_all(b",\"iov_policy\":")?;
    json(w, &tag.iov_policy)?;
    w.write_all(b",\"base\":")?;
    json(w, &tag.base)?;
    w.write_all(b",\"description\":")?;
    json(w, &tag.description)?;
    w.write_all(b",\"payloads\":[")?;
    for (i, payload) in tag.payloads.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_payload(w, payload, lines)?;
    }
    w.write_all(b"],\"is_std\":")?;
    json(w, &tag.is_std)?;
    w.write_all(b"}")
}

/// The serialised fields of [`Payload`] in declaration order.
fn write_payload(w: &mut impl Write, payload: &Payload, lines: &mut Vec<u8>) -> io::Result<()> {
    w.write_all(b"{\"name\":")?;
    json(w, &payload.name)?;
    w.write_all(b",\"docs\":")?;
    json(w, &payload.docs)?;
    w.write_all(b",\"release\":")?;
    json(w, &payload.release)?;
    w.write_all(b",\"optional\":")?;
    json(w, &payload.optional)?;
    w.write_all(b",\"iovs\":[")?;
    lines.clear();
    for (i, entry) in payload.iovs.iter().enumerate() {
        if i > 0 {
            lines.push(b',');
        }
        push_entry(lines, entry);
        // A payload imported from a dump can have a million lines: they
        // are handed on in pieces rather than held whole.
        if lines.len() >= LINES_CHUNK {
            w.write_all(lines)?;
            lines.clear();
        }
    }
    w.write_all(lines)?;
    w.write_all(b"]}")
}

/// One [`IovEntry`]:
/// `{"iov":{"start":{"exp":0,"run":0},"end":null},"revision":{"number":1},"imported":false}`.
fn push_entry(out: &mut Vec<u8>, entry: &IovEntry) {
    let iov = entry.iov();
    out.extend_from_slice(b"{\"iov\":{\"start\":");
    push_run(out, iov.start);
    out.extend_from_slice(b",\"end\":");
    match iov.end {
        Some(end) => push_run(out, end),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b"},\"revision\":");
    match &entry.revision {
        Revision::Number(number) => {
            out.extend_from_slice(b"{\"number\":");
            out.extend_from_slice(itoa::Buffer::new().format(*number).as_bytes());
            out.push(b'}');
        }
        Revision::Text(text) => {
            out.extend_from_slice(b"{\"text\":");
            serde_json::to_writer(&mut *out, text).expect("writing into memory cannot fail");
            out.push(b'}');
        }
    }
    out.extend_from_slice(if entry.imported() {
        b",\"imported\":true}"
    } else {
        b",\"imported\":false}"
    });
}

/// A [`RunId`]: `{"exp":1,"run":2}`.
fn push_run(out: &mut Vec<u8>, run: RunId) {
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(b"{\"exp\":");
    out.extend_from_slice(digits.format(run.exp).as_bytes());
    out.extend_from_slice(b",\"run\":");
    out.extend_from_slice(digits.format(run.run).as_bytes());
    out.push(b'}');
}

/// Any other value, through serde.
fn json(w: &mut impl Write, value: &(impl Serialize + ?Sized)) -> io::Result<()> {
    serde_json::to_writer(w, value).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MemoryVfs;

    /// The model of `files` (path, text) as this module writes it and as
    /// serde does.
    fn both(files: &[(&str, &str)]) -> (String, String) {
        let vfs = files
            .iter()
            .fold(MemoryVfs::new(), |vfs, (path, text)| vfs.with(path, *text));
        let checked = crate::check(&vfs).expect("the project loads");
        let export = Export {
            schema: "prodc.model/v1",
            project: "demo \"quoted\"".to_string(),
            model: &checked.model,
        };
        let direct = crate::chunks::to_string(|out| write(&export, out));
        let serde = serde_json::to_string(&export).expect("serialises") + "\n";
        (direct, serde)
    }

    #[test]
    fn the_direct_writer_writes_what_serde_writes() {
        let toml = "[project]\nname = \"demo\"\nsource = \".\"\n";
        let tags = r#"
## A tag with docs.
globaltag main {
  id          = 7
  type        = DEV
  state       = OPEN
  release     = ">= release-06-00-08"
  iov_policy  = strict
  description = "the \"main\" tag"

  ## A payload with docs.
  payload BeamSpot {
    release  = ">= release-06-00-08"
    optional = true
    0:0 ..= 0:*   rev 1
    1:0 ..= 1:10  rev 2
    1:11 ..       rev "v3-\u{e9}"
  }
  payload Empty {
    always rev 18446744073709551615
  }
}

globaltag other {
  id    = 8
  type  = DEV
  state = OPEN
  base  = main
}
"#;
        // A payload of more lines than one piece of the writer holds.
        let many: String = (0..1500)
            .map(|e| format!("    {e}:0 ..= {e}:*  rev {}\n", e + 1))
            .collect();
        let tags = tags.replace(
            "  payload Empty {",
            &format!("  payload Many {{\n{many}    1500:0 ..  rev 1501\n  }}\n  payload Empty {{"),
        );
        let (direct, serde) = both(&[("Prod.toml", toml), ("tags.prod", &tags)]);
        assert!(direct.len() > 2 * LINES_CHUNK, "{}", direct.len());
        assert!(direct.contains("\"iovs\":[{\"iov\""), "{direct}");
        assert!(
            direct.contains("\"end\":null"),
            "an open interval: {direct}"
        );
        assert!(
            direct.contains("{\"text\":\"v3-"),
            "a text revision: {direct}"
        );
        assert_eq!(direct, serde);
    }

    #[test]
    fn the_shipped_project_is_written_as_serde_writes_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
        // Its staging tag imports a payload dump: lines marked imported.
        let vfs = crate::disk::DiskVfs::open(&root).expect("the shipped project");
        let checked = crate::check(&vfs).expect("the shipped project loads");
        let imported = |t: &GlobalTag| {
            t.payloads
                .iter()
                .any(|p| p.iovs.iter().any(|e| e.imported()))
        };
        assert!(checked.model.tags.iter().any(imported));
        let export = Export {
            schema: "prodc.model/v1",
            project: "mc12".to_string(),
            model: &checked.model,
        };
        let direct = crate::chunks::to_string(|out| write(&export, out));
        let serde = serde_json::to_string(&export).expect("serialises") + "\n";
        assert_eq!(direct, serde);
    }
}
