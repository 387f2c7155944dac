//! No input panics: at least 10,000 deterministic mutations of the fixtures
//! and the shipped manifests, plus hand-made hostile inputs, go through the
//! whole pipeline and every renderer. Each run must end with "no errors" or
//! with errors that carry a diagnostic located inside its file.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::project::MemoryVfs;
use std::path::Path;
use std::process::Command;

const MUTATIONS: usize = 10_500;
const CONFIG: &str = "[project]\nname = \"fuzz\"\nsource = \"src\"\n";

/// SplitMix64: a tiny deterministic generator, so that a failure names the
/// case that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seeds = Vec::new();
    for dir in [
        "tests/fixtures/syntax/valid",
        "tests/fixtures/syntax/invalid",
        "stdlib",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("fixture dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        paths.sort();
        seeds.extend(paths.iter().map(|p| std::fs::read(p).expect("readable")));
    }
    let mut manifests: Vec<_> = walkdir::WalkDir::new(root.join("manifests"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "prod"))
        .map(|e| std::fs::read(e.path()).expect("readable"))
        .collect();
    seeds.append(&mut manifests);
    seeds
}

/// Bytes that matter to the grammar, to make mutations reach deep.
const INTERESTING: &[u8] = b"{}[]=,.:*#\"\\\n 0123456789_aZ/kMGB";

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => {
                let n = 1 + rng.below(16.min(len - at.min(len - 1)));
                bytes.drain(at.min(len - 1)..(at.min(len - 1) + n).min(len));
            }
            1 => bytes.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 => bytes.insert(at, rng.next() as u8),
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let chunk = bytes[start..end].to_vec();
                bytes.splice(at..at, chunk);
            }
            4 => {
                bytes.splice(at..at, [0xC3, 0x28, 0xFF]);
            }
            5 => bytes.insert(at, 0),
            6 => bytes.truncate(at),
            7 if len > 1 => {
                let other = rng.below(len);
                bytes.swap(at.min(len - 1), other);
            }
            _ => {
                let open = [b'{', b'['][rng.below(2)];
                bytes.splice(at..at, std::iter::repeat_n(open, 1 + rng.below(200)));
            }
        }
    }
    bytes
}

/// Runs the whole pipeline on one file and checks the invariants.
fn run_case(name: &str, bytes: Vec<u8>, render_human: bool) {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with("src/case.prod", bytes)
        .with("src/dumps/bucket6.txt", "dbstore/A 1 0,0,-1,-1\n")
        .with("src/dumps/other.txt", "dbstore/A x 0,0\n");
    let checked = std::panic::catch_unwind(|| prodc::check(&vfs))
        .unwrap_or_else(|_| panic!("{name}: the compiler panicked"))
        .unwrap_or_else(|e| panic!("{name}: project failed to load: {e}"));
    let sources = &checked.project.sources;
    for diag in &checked.diagnostics {
        for label in std::iter::once(&diag.primary).chain(&diag.secondary) {
            let file = sources.get(label.span.file);
            assert!(
                label.span.end as usize <= file.text.len(),
                "{name}: span past the end: {diag:?}"
            );
        }
        assert!(
            !diag.message.is_empty() && !diag.message.ends_with('.'),
            "{name}: {diag:?}"
        );
    }
    if checked.has_errors() {
        assert!(checked.diagnostics.iter().any(|d| d.is_error()), "{name}");
    }
    for format in [MessageFormat::Json, MessageFormat::Github] {
        let out = render_all(&checked.diagnostics, sources, format, HumanStyle::default());
        assert_eq!(out.is_empty(), checked.diagnostics.is_empty(), "{name}");
    }
    if render_human {
        // As the command line shows them by default, the first 200, in
        // snippets whose size does not depend on the length of the lines.
        let shown = &checked.diagnostics[..checked.diagnostics.len().min(200)];
        let style = HumanStyle::default();
        let out = render_all(shown, sources, MessageFormat::Human, style);
        assert_eq!(out.is_empty(), shown.is_empty(), "{name}");
        assert!(
            out.len() <= shown.len() * 40 * style.width,
            "{name}: {} bytes for {} diagnostics",
            out.len(),
            shown.len()
        );
    }
}

#[test]
fn ten_thousand_mutations_never_panic() {
    let seeds = seeds();
    assert!(seeds.len() >= 20, "too few seeds: {}", seeds.len());
    let mut rng = Rng(0x5EED);
    for case in 0..MUTATIONS {
        let seed = &seeds[case % seeds.len()];
        let bytes = mutate(&mut rng, seed);
        run_case(&format!("mutation {case}"), bytes, case % 10 == 0);
    }
}

/// Hand-made hostile inputs, as (name, bytes).
fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let ten_mb = 10 * 1024 * 1024;
    let repeat = |s: &str, n: usize| s.repeat(n).into_bytes();
    vec![
        ("deep lists", format!("layout l {{ path = {} }}", "[".repeat(100_000)).into_bytes()),
        ("deep braces", repeat("{", 100_000)),
        ("deep samples", format!("campaign c {{ {} }}", "sample s { ".repeat(20_000)).into_bytes()),
        ("closing brackets", repeat("]}", 100_000)),
        ("10 MB identifier", format!("skim {} {{ kind = hlt }}", "a".repeat(ten_mb)).into_bytes()),
        ("10 MB string", format!("skim s {{ wg = \"{}\" }}", "x".repeat(ten_mb)).into_bytes()),
        ("10 MB unterminated string", format!("skim s {{ wg = \"{}", "x".repeat(ten_mb)).into_bytes()),
        ("10 MB comment", format!("# {}\nskim s {{ kind = hlt }}", "c".repeat(ten_mb)).into_bytes()),
        ("10 MB number", format!("skim s {{ code = {} }}", "9".repeat(ten_mb)).into_bytes()),
        ("10 MB of junk", repeat("@$%&", ten_mb / 4)),
        ("10 MB of multibyte junk", repeat("µ§", ten_mb / 4)),
        ("many doc comments", repeat("## doc\n", 200_000)),
        ("many items", repeat("skim s { kind = hlt }\n", 100_000)),
        ("many broken fields", repeat("skim s { kind hlt }\n", 20_000)),
        ("NUL bytes", vec![0; 1000]),
        ("invalid UTF-8", vec![0xFF, 0xFE, 0xFD]),
        ("BOM and CRLF", b"\xEF\xBB\xBFskim s {\r\n kind = hlt\r\n}\r\n".to_vec()),
        ("lone CR", b"skim s {\r kind = hlt\r}".to_vec()),
        ("empty", Vec::new()),
        ("imports", b"globaltag g { payloads from \"dumps/other.txt\" payloads from \"/etc/passwd\" payloads from \"../../x\" }".to_vec()),
    ]
}

#[test]
fn hostile_inputs_are_diagnosed_not_crashed() {
    for (name, bytes) in hostile() {
        run_case(name, bytes, true);
    }
}

#[test]
fn the_binary_exits_0_or_1_on_hostile_input() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    for (i, (name, bytes)) in hostile().into_iter().enumerate() {
        let project = dir.join(i.to_string());
        let _ = std::fs::remove_dir_all(&project);
        std::fs::create_dir_all(project.join("src")).expect("mkdir");
        std::fs::write(project.join("Prod.toml"), CONFIG).expect("write");
        std::fs::write(project.join("src/case.prod"), &bytes).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_prodc"))
            .args(["check", "--message-format", "json"])
            .current_dir(&project)
            .output()
            .expect("prodc runs");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{name}: exit {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if code == Some(1) {
            assert!(
                out.stdout.starts_with(b"{\"code\":\"E"),
                "{name}: no diagnostic printed"
            );
        }
    }
}
