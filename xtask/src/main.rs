//! Developer tasks of the `prodc` workspace, run as
//! `cargo run -p xtask --release -- TASK …`.
//!
//! `gen-big --scale S --out DIR` writes the synthetic project of the
//! production-scale benchmark (`scripts/bench.sh`):
//!
//! - `DIR/Prod.toml` (project `big`, sources in `manifests/`, output `out/`);
//! - `DIR/manifests/tags/tagNN.prod`: 10 strict global tags of 1,000 payloads
//!   with 100 IoVs each at scale 1 (1M IoV lines), every payload covering
//!   `0:0 ..` without gap or overlap;
//! - `DIR/manifests/campaigns/campNN.prod`: 20 campaigns of 500 samples with
//!   2 productions each at scale 1 (20,000 productions), all in the layout
//!   `std.mc_lpn`;
//! - `DIR/big.json`: the same facts as one JSON document, for comparing
//!   `prodc` with reading the same information in another tool.
//!
//! The scale multiplies the payloads per tag and the samples per campaign;
//! the numbers of tags, campaigns and IoVs per payload stay fixed. The output
//! depends on the scale only, so two runs write identical files.
//!
//! `gen-chains --calibrations N --tags M [--cycle] --out DIR` writes the
//! project of the stress test (`.ci/stress.sh`): a chain of N calibrations,
//! each `after` the one before, and a chain of M global tags, each the
//! `base` of the next (`chains.rs`).

mod chains;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo run -p xtask --release -- gen-big [--scale S] --out DIR
       cargo run -p xtask --release -- gen-chains --calibrations N --tags M [--cycle] --out DIR

gen-big:
Writes a synthetic prodc project for the production-scale benchmark into DIR:
DIR/Prod.toml, DIR/manifests/tags/tagNN.prod, DIR/manifests/campaigns/campNN.prod
and the same facts as one JSON document, DIR/big.json.

At scale 1.0 (the default): 10 tags x 1,000 payloads x 100 IoVs (1M IoV lines)
and 20 campaigns x 500 samples x 2 productions (20,000 productions). The scale
multiplies the payloads per tag and the samples per campaign (0 < S <= 100).

DIR must not exist, be empty, or hold an earlier gen-big project (which is
replaced).

gen-chains:
Writes the project of the stress test into DIR: N calibrations, each `after`
the one before it, M global tags, each based on the one before it, and a
processing after the last calibration using the last tag (N, M >= 1). With
--cycle the first calibration also waits for the last one (one `after`
cycle through all of them). DIR must not exist, be empty, or hold an earlier
gen-chains project (which is replaced).";

/// The number of global tags, whatever the scale.
const TAGS: usize = 10;
/// The payloads of each tag at scale 1.
const PAYLOADS: usize = 1_000;
/// The IoV lines of each payload, whatever the scale.
const IOVS: usize = 100;
/// The number of campaigns, whatever the scale.
const CAMPAIGNS: usize = 20;
/// The samples of each campaign at scale 1.
const SAMPLES: usize = 500;
/// The largest accepted scale (100M IoV lines, about 2.5 GB of manifests).
const MAX_SCALE: f64 = 100.0;

/// The release of every campaign.
const RELEASE: &str = "release-06-00-08";
/// The experiment of every campaign (run-independent MC, run 0).
const EXPERIMENT: u64 = 1004;
/// The beam of every campaign.
const BEAM: &str = "Y4S";
/// The layout of every campaign: one layout for the whole project.
const LAYOUT: &str = "std.mc_lpn";
/// The output tier of every campaign.
const TIER: &str = "mdst";
/// The output size per event, as written in the manifests and in bytes.
const EVENT_SIZE: (&str, u64) = ("10kB", 10_000);
/// The events of every sample, as written in the manifests and as a number.
const EVENTS: (&str, u64) = ("1M", 1_000_000);
/// The event type of the first sample of a campaign; sample `i` has this plus `i`.
const FIRST_EVENT_TYPE: u64 = 1_100_000_000;
/// The productions of every sample: background level and fraction as written.
const PRODUCTIONS: [(&str, &str); 2] = [("BGx0", "0.2"), ("BGx1", "0.8")];
/// The `Prod.toml` of a generated project, by which an earlier output of
/// `gen-big` is recognised.
const PROD_TOML: &str = "# Synthetic project of the production-scale benchmark, written by `cargo run -p xtask -- gen-big`.
[project]
name   = \"big\"
source = \"manifests\"

[build]
out = \"out\"
";

/// The size of a generated project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    tags: usize,
    payloads: usize,
    iovs: usize,
    campaigns: usize,
    samples: usize,
}

impl Shape {
    /// The shape at a scale: payloads per tag and samples per campaign are
    /// multiplied and rounded, and at least one of each is kept.
    fn at_scale(scale: f64) -> Result<Shape, String> {
        if !scale.is_finite() || scale <= 0.0 || scale > MAX_SCALE {
            return Err(format!(
                "the scale must be a number above 0 and at most {MAX_SCALE}, not {scale}"
            ));
        }
        // The scale is at most `MAX_SCALE`, so the products fit a `usize`.
        let scaled = |n: usize| ((n as f64 * scale).round() as usize).max(1);
        Ok(Shape {
            tags: TAGS,
            payloads: scaled(PAYLOADS),
            iovs: IOVS,
            campaigns: CAMPAIGNS,
            samples: scaled(SAMPLES),
        })
    }

    /// The digits of payload and sample numbers in their names (at least 4).
    fn width(&self) -> usize {
        let largest = self.payloads.max(self.samples).saturating_sub(1);
        largest.to_string().len().max(4)
    }

    /// The project-wide unique id of production `b` of sample `s` of
    /// campaign `c`, counting from 1.
    fn production_id(&self, c: usize, s: usize, b: usize) -> usize {
        1 + (c * self.samples + s) * PRODUCTIONS.len() + b
    }
}

/// One IoV line of a generated payload: `exp:0 ..= exp:* rev exp+1`, or
/// `exp:0 .. rev exp+1` for the last one.
struct Iov {
    exp: usize,
    open: bool,
    revision: usize,
}

/// The IoV lines of every payload: one experiment each, the last one open,
/// so that the strict rules (no overlap, no gap, last open) hold.
fn iovs(shape: &Shape) -> impl Iterator<Item = Iov> {
    let n = shape.iovs;
    (0..n).map(move |exp| Iov {
        exp,
        open: exp + 1 == n,
        revision: exp + 1,
    })
}

fn tag_name(t: usize) -> String {
    format!("tag{t:02}")
}

fn campaign_name(c: usize) -> String {
    format!("camp{c:02}")
}

fn payload_name(shape: &Shape, p: usize) -> String {
    format!("P{p:0w$}", w = shape.width())
}

fn sample_name(shape: &Shape, s: usize) -> String {
    format!("S{s:0w$}", w = shape.width())
}

/// Writes the manifest of tag `t`, in the layout of `prodc fmt` (the
/// revisions of a payload in one column).
fn write_tag(w: &mut impl Write, shape: &Shape, t: usize) -> io::Result<()> {
    // Every payload has the same IoV lines, so they are formatted once.
    let bounds: Vec<(String, usize)> = iovs(shape)
        .map(|iov| {
            let text = if iov.open {
                format!("{}:0 ..", iov.exp)
            } else {
                format!("{e}:0 ..= {e}:*", e = iov.exp)
            };
            (text, iov.revision)
        })
        .collect();
    let width = bounds.iter().map(|(text, _)| text.len()).max().unwrap_or(0);
    let lines: String = bounds
        .iter()
        .map(|(text, revision)| format!("    {text:width$}  rev {revision}\n"))
        .collect();
    writeln!(
        w,
        "# Synthetic global tag of the production-scale benchmark (xtask gen-big)."
    )?;
    writeln!(w, "globaltag {} {{", tag_name(t))?;
    writeln!(w, "  id    = {t}")?;
    writeln!(w, "  state = TESTING")?;
    for p in 0..shape.payloads {
        writeln!(w, "\n  payload {} {{", payload_name(shape, p))?;
        w.write_all(lines.as_bytes())?;
        writeln!(w, "  }}")?;
    }
    writeln!(w, "}}")
}

/// Writes the manifest of campaign `c`.
fn write_campaign(w: &mut impl Write, shape: &Shape, c: usize) -> io::Result<()> {
    writeln!(
        w,
        "# Synthetic MC campaign of the production-scale benchmark (xtask gen-big)."
    )?;
    writeln!(w, "campaign {} {{", campaign_name(c))?;
    writeln!(w, "  release    = \"{RELEASE}\"")?;
    writeln!(w, "  globaltags = [{}]", tag_name(0))?;
    writeln!(w, "  experiment = {EXPERIMENT}")?;
    writeln!(w, "  beam       = {BEAM}")?;
    writeln!(w, "  layout     = {LAYOUT}")?;
    writeln!(w, "  tier       = {TIER}")?;
    writeln!(w, "  event_size = {}", EVENT_SIZE.0)?;
    for s in 0..shape.samples {
        writeln!(w, "\n  sample {} {{", sample_name(shape, s))?;
        writeln!(w, "    event_type = {}", FIRST_EVENT_TYPE + s as u64)?;
        writeln!(w, "    events     = {}", EVENTS.0)?;
        for (b, (background, fraction)) in PRODUCTIONS.iter().enumerate() {
            writeln!(
                w,
                "    production {} {{ background = {background}  fraction = {fraction} }}",
                shape.production_id(c, s, b)
            )?;
        }
        writeln!(w, "  }}")?;
    }
    writeln!(w, "}}")
}

/// A JSON string literal.
fn json_str(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises to JSON")
}

/// Writes the facts of the whole project as one JSON document: global tags
/// with their payloads and IoVs, campaigns with their samples and
/// productions. An IoV has the bounds of the conditions database: an end
/// run of -1 is the last run of the end experiment, and an end experiment of
/// -1 means the IoV never ends. One payload or sample per line.
fn write_json(w: &mut impl Write, shape: &Shape) -> io::Result<()> {
    write!(w, "{{\"project\":{},\"globaltags\":[", json_str("big"))?;
    for t in 0..shape.tags {
        let comma = if t == 0 { "" } else { "," };
        write!(
            w,
            "{comma}\n{{\"name\":{},\"id\":{t},\"state\":\"TESTING\",\"payloads\":[",
            json_str(&tag_name(t))
        )?;
        for p in 0..shape.payloads {
            let comma = if p == 0 { "" } else { "," };
            write!(
                w,
                "{comma}\n{{\"name\":{},\"iovs\":[",
                json_str(&payload_name(shape, p))
            )?;
            for (i, iov) in iovs(shape).enumerate() {
                let comma = if i == 0 { "" } else { "," };
                let (exp_end, run_end) = if iov.open {
                    (-1, -1)
                } else {
                    (iov.exp as i64, -1)
                };
                write!(
                    w,
                    "{comma}{{\"exp_start\":{},\"run_start\":0,\"exp_end\":{exp_end},\"run_end\":{run_end},\"revision\":{}}}",
                    iov.exp, iov.revision
                )?;
            }
            write!(w, "]}}")?;
        }
        write!(w, "]}}")?;
    }
    write!(w, "],\"campaigns\":[")?;
    for c in 0..shape.campaigns {
        let comma = if c == 0 { "" } else { "," };
        write!(
            w,
            "{comma}\n{{\"name\":{},\"release\":{},\"globaltags\":[{}],\"experiment\":{EXPERIMENT},\"beam\":{},\"layout\":{},\"tier\":{},\"event_size_bytes\":{},\"samples\":[",
            json_str(&campaign_name(c)),
            json_str(RELEASE),
            json_str(&tag_name(0)),
            json_str(BEAM),
            json_str(LAYOUT),
            json_str(TIER),
            EVENT_SIZE.1
        )?;
        for s in 0..shape.samples {
            let comma = if s == 0 { "" } else { "," };
            write!(
                w,
                "{comma}\n{{\"name\":{},\"event_type\":{},\"events\":{},\"productions\":[",
                json_str(&sample_name(shape, s)),
                FIRST_EVENT_TYPE + s as u64,
                EVENTS.1
            )?;
            for (b, (background, fraction)) in PRODUCTIONS.iter().enumerate() {
                let comma = if b == 0 { "" } else { "," };
                write!(
                    w,
                    "{comma}{{\"id\":{},\"background\":{},\"fraction\":{fraction}}}",
                    shape.production_id(c, s, b),
                    json_str(background)
                )?;
            }
            write!(w, "]}}")?;
        }
        write!(w, "]}}")?;
    }
    writeln!(w, "]}}")
}

/// Creates `path` and fills it through `fill`, buffered.
fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> Result<(), String> {
    let fail = |err: io::Error| format!("cannot write `{}`: {err}", path.display());
    let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path).map_err(fail)?);
    fill(&mut w).map_err(fail)?;
    w.flush().map_err(fail)
}

/// Makes `out` ready for a new project: it must not exist, be empty, or
/// hold an earlier output of `gen-big`, whose manifests are removed so that
/// no file of another scale is left behind (the other files are rewritten).
fn prepare_out(out: &Path) -> Result<(), String> {
    let fail = |what: &str, path: &Path, err: io::Error| {
        format!("cannot {what} `{}`: {err}", path.display())
    };
    match fs::read_dir(out) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(fail("read", out, err)),
        Ok(mut entries) => {
            let empty = entries.next().is_none();
            let ours = fs::read_to_string(out.join("Prod.toml")).is_ok_and(|t| t == PROD_TOML);
            if !empty && !ours {
                return Err(format!(
                    "`{}` is neither empty nor a project written by gen-big; choose another directory",
                    out.display()
                ));
            }
            let manifests = out.join("manifests");
            if manifests.exists() {
                fs::remove_dir_all(&manifests).map_err(|e| fail("remove", &manifests, e))?;
            }
        }
    }
    for dir in ["manifests/tags", "manifests/campaigns"] {
        let dir = out.join(dir);
        fs::create_dir_all(&dir).map_err(|e| fail("create", &dir, e))?;
    }
    Ok(())
}

/// `gen-big`: writes the project and its JSON twin into `out`.
fn gen_big(scale: f64, out: &Path) -> Result<(), String> {
    let shape = Shape::at_scale(scale)?;
    prepare_out(out)?;
    write_file(&out.join("Prod.toml"), |w| {
        w.write_all(PROD_TOML.as_bytes())
    })?;
    for t in 0..shape.tags {
        let path = out.join(format!("manifests/tags/{}.prod", tag_name(t)));
        write_file(&path, |w| write_tag(w, &shape, t))?;
    }
    for c in 0..shape.campaigns {
        let path = out.join(format!("manifests/campaigns/{}.prod", campaign_name(c)));
        write_file(&path, |w| write_campaign(w, &shape, c))?;
    }
    write_file(&out.join("big.json"), |w| write_json(w, &shape))?;
    println!(
        "wrote {}: {} tags x {} payloads x {} IoVs ({} IoV lines), {} campaigns x {} samples x {} productions ({} productions), and big.json",
        out.display(),
        shape.tags,
        shape.payloads,
        shape.iovs,
        shape.tags * shape.payloads * shape.iovs,
        shape.campaigns,
        shape.samples,
        PRODUCTIONS.len(),
        shape.campaigns * shape.samples * PRODUCTIONS.len()
    );
    Ok(())
}

/// The options of `gen-big`.
struct GenBig {
    scale: f64,
    out: PathBuf,
}

/// Parses the arguments after `gen-big`, as `--name value` or `--name=value`.
fn parse_gen_big(args: &[String]) -> Result<GenBig, String> {
    let mut scale = 1.0;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match name {
            "--scale" => {
                let text = value()?;
                scale = text
                    .parse()
                    .map_err(|_| format!("the scale must be a number, not `{text}`"))?;
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    let out = out.ok_or("`--out DIR` is required")?;
    Ok(GenBig { scale, out })
}

/// The options of `gen-chains`.
struct GenChains {
    chains: chains::Chains,
    out: PathBuf,
}

/// Parses the arguments after `gen-chains`.
fn parse_gen_chains(args: &[String]) -> Result<GenChains, String> {
    let mut calibrations = None;
    let mut tags = None;
    let mut cycle = false;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        let count = |text: String| match text.parse::<usize>() {
            Ok(n) if (1..=10_000_000).contains(&n) => Ok(n),
            _ => Err(format!(
                "`{name}` takes a count from 1 to 10000000, not `{text}`"
            )),
        };
        match name {
            "--calibrations" => calibrations = Some(count(value()?)?),
            "--tags" => tags = Some(count(value()?)?),
            "--cycle" if inline.is_none() => cycle = true,
            "--out" => out = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    Ok(GenChains {
        chains: chains::Chains {
            calibrations: calibrations.ok_or("`--calibrations N` is required")?,
            tags: tags.ok_or("`--tags M` is required")?,
            cycle,
        },
        out: out.ok_or("`--out DIR` is required")?,
    })
}

/// `gen-chains`: writes the chain project into `out`, replacing an earlier
/// one (its manifests are removed first, so no file of a longer chain is
/// left behind).
fn gen_chains(options: &GenChains) -> Result<(), String> {
    let out = &options.out;
    let fail = |what: &str, path: &Path, err: io::Error| {
        format!("cannot {what} `{}`: {err}", path.display())
    };
    match fs::read_dir(out) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(fail("read", out, err)),
        Ok(mut entries) => {
            let empty = entries.next().is_none();
            let ours =
                fs::read_to_string(out.join("Prod.toml")).is_ok_and(|t| t == chains::PROD_TOML);
            if !empty && !ours {
                return Err(format!(
                    "`{}` is neither empty nor a project written by gen-chains; choose another directory",
                    out.display()
                ));
            }
            let manifests = out.join("manifests");
            if manifests.exists() {
                fs::remove_dir_all(&manifests).map_err(|e| fail("remove", &manifests, e))?;
            }
        }
    }
    let mut bytes = 0;
    for (path, text) in options.chains.files() {
        let path = out.join(path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| fail("create", dir, e))?;
        }
        bytes += text.len();
        write_file(&path, |w| w.write_all(text.as_bytes()))?;
    }
    let chains = options.chains;
    println!(
        "wrote {}: {} chained calibrations, {} chained tags{} ({bytes} bytes)",
        out.display(),
        chains.calibrations,
        chains.tags,
        if chains.cycle {
            ", the first calibration after the last"
        } else {
            ""
        }
    );
    Ok(())
}

/// A task with its options.
enum Task {
    Big(GenBig),
    Chains(GenChains),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str);
    match task {
        Some("gen-big" | "gen-chains") => {}
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("error: unknown task `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
        None => {
            eprintln!("error: no task given\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    if args[1..].iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let run = if task == Some("gen-chains") {
        parse_gen_chains(&args[1..]).map(Task::Chains)
    } else {
        parse_gen_big(&args[1..]).map(Task::Big)
    };
    let run = match run {
        Ok(run) => run,
        Err(err) => {
            eprintln!("error: {err}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let done = match run {
        Task::Big(options) => gen_big(options.scale, &options.out),
        Task::Chains(options) => gen_chains(&options),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
