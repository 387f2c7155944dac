//! The registry of diagnostic codes.
//!
//! Every code the compiler can emit is declared here exactly once, with its
//! short title and its page of the book, embedded at build time. Because the
//! page is embedded with `include_str!`, a code without a page does not even
//! compile, and `prodc explain` prints the same Markdown as the book.

use serde::Serialize;

macro_rules! codes {
    ($($code:ident => $title:literal,)*) => {
        /// A diagnostic code of LANGUAGE.md §5 (or one of ours, documented in the book).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as written in diagnostics and the book, e.g. `E0401`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// Short lower-case title, the heading of the book page.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$code => $title,)*
                }
            }

            /// The code's page of the book (Markdown).
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/../book/src/errors/", stringify!($code), ".md"
                    )),)*
                }
            }
        }
    };
}

codes! {
    E0101 => "unexpected token",
    E0102 => "unterminated string literal",
    E0103 => "integer or quantity beyond 64 bits",
    E0104 => "malformed line in a `payloads from` import file",
    E0105 => "`payloads from` file missing, unreadable or outside the project",
    E0106 => "output directory is the project's source directory or contains it",
    E0107 => "invalid `Prod.toml`",
    E0108 => "invalid escape sequence in a string",
    E0109 => "unexpected character",
    E0110 => "nesting too deep",
    E0111 => "file is not valid manifest text",
    E0112 => "unknown unit suffix on a number",
    E0113 => "unclosed delimiter",
    E0114 => "block not allowed here",
    E0115 => "template of an emitted artifact failed",
    E0118 => "input too large or not a regular file",
    E0201 => "duplicate item name",
    E0202 => "unknown reference",
    E0203 => "reference to an item of the wrong kind",
    E0301 => "unknown field",
    E0302 => "missing required field",
    E0303 => "wrong type or unknown enum value",
    E0304 => "quantity of the wrong dimension",
    E0305 => "both or neither of two alternative fields",
    E0306 => "field required by its use",
    E0307 => "count that is not whole",
    E0308 => "field given more than once",
    E0401 => "overlapping intervals of validity",
    E0402 => "gap between intervals of validity",
    E0403 => "last interval of validity not open",
    E0404 => "run not covered by a payload of the tag stack",
    E0405 => "interval of validity starts after its end",
    E0406 => "`*` in a start bound",
    E0407 => "run range spans experiments",
    E0408 => "run appears twice in a processing",
    E0409 => "published or invalid tag content differs from current state",
    W0410 => "tag in state open used by a processing or campaign",
    E0411 => "invalid tag used",
    E0412 => "tag's declared state not reachable from current state",
    E0413 => "running-tag update breaks running-update rules",
    E0414 => "stale saved plan",
    E0501 => "malformed release string or release constraint",
    E0502 => "release does not satisfy a constraint",
    E0504 => "undeclared release",
    W0505 => "deprecated release used",
    E0506 => "yanked release used",
    E0507 => "light release compared with full release",
    E0601 => "cycle in `after`",
    E0602 => "cycle in `base` chain",
    E0603 => "calibration hierarchy violated",
    E0604 => "payload in `produces` absent from `into` tag",
    E0605 => "two calibrations produce the same payload into the same tag",
    E0701 => "unknown/unavailable placeholder, or missing skim_path",
    E0702 => "padded value needs more digits than the padding",
    E0703 => "two outputs expand to the same path",
    E0704 => "invalid expanded path or path component",
    E0705 => "project expands to too many output paths",
    E0801 => "production id reused",
    E0802 => "fractions of a sample's productions do not sum to 1",
    E0803 => "events split by fraction not whole",
    W0804 => "declared size differs from the estimate by more than 10 %",
    E0805 => "malformed event type",
    E0806 => "physics skim code missing, malformed or reused",
    E0807 => "invalid or non-unique gbasf2 project name",
}

impl Code {
    /// Looks a code up by its text, accepting any letter case (`e0401`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Codes starting with `W` are warnings; all others are errors.
    pub fn is_warning(self) -> bool {
        self.as_str().starts_with('W')
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
