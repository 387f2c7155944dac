//! The compiler's diagnostics as LSP diagnostics: the code with a link to
//! its page of the book, the primary span as the range, the help appended
//! to the message, secondary labels as related information.

use super::position::{Encoding, LineIndex};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};
use std::collections::HashMap;
use std::str::FromStr;

/// Where the book (`mdbook build book`) is published. A diagnostic's code
/// links to `{BOOK_URL}errors/{CODE}.html`, the HTML page built from
/// `book/src/errors/{CODE}.md` (the page `prodc explain CODE` prints). A
/// client may point elsewhere, e.g. at a copy on an intranet, with the
/// initialisation option `bookUrl`.
pub const BOOK_URL: &str = "https://docs.example.invalid/prodc/";

/// The book page of a code under the book's base URL.
pub fn code_url(book_url: &str, code: Code) -> Option<Uri> {
    let base = if book_url.ends_with('/') {
        book_url.to_string()
    } else {
        format!("{book_url}/")
    };
    Uri::from_str(&format!("{base}errors/{}.html", code.as_str())).ok()
}

/// Converts diagnostics of one compilation, keeping one line index per file.
pub struct Converter<'a> {
    pub sources: &'a SourceMap,
    pub encoding: Encoding,
    pub book_url: &'a str,
    /// The URI of a file, `None` for one that editors cannot open.
    pub uri_of: &'a dyn Fn(FileId) -> Option<Uri>,
    lines: HashMap<FileId, LineIndex<'a>>,
}

impl<'a> Converter<'a> {
    pub fn new(
        sources: &'a SourceMap,
        encoding: Encoding,
        book_url: &'a str,
        uri_of: &'a dyn Fn(FileId) -> Option<Uri>,
    ) -> Converter<'a> {
        Converter {
            sources,
            encoding,
            book_url,
            uri_of,
            lines: HashMap::new(),
        }
    }

    /// The range of a span in its file.
    pub fn range(&mut self, span: Span) -> lsp_types::Range {
        let sources = self.sources;
        let index = self
            .lines
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(&sources.get(span.file).text));
        index.range(span.start as usize, span.end as usize, self.encoding)
    }

    pub fn location(&mut self, span: Span) -> Option<Location> {
        let uri = (self.uri_of)(span.file)?;
        Some(Location::new(uri, self.range(span)))
    }

    /// The LSP form of a diagnostic; its file is the primary span's.
    pub fn diagnostic(&mut self, diag: &Diagnostic) -> lsp_types::Diagnostic {
        let mut message = diag.message.clone();
        if let Some(help) = &diag.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let mut related = Vec::new();
        let primary = diag.primary.message.iter().map(|m| (diag.primary.span, m));
        let secondary = diag
            .secondary
            .iter()
            .filter_map(|l| l.message.as_ref().map(|m| (l.span, m)));
        for (span, label) in primary.chain(secondary) {
            if let Some(location) = self.location(span) {
                related.push(DiagnosticRelatedInformation {
                    location,
                    message: label.clone(),
                });
            }
        }
        lsp_types::Diagnostic {
            range: self.range(diag.primary.span),
            severity: Some(match diag.severity() {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(diag.code.as_str().to_string())),
            code_description: code_url(self.book_url, diag.code)
                .map(|href| CodeDescription { href }),
            source: Some("prodc".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_link_to_their_book_page() {
        let url = code_url(BOOK_URL, Code::E0401).expect("url");
        assert_eq!(
            url.as_str(),
            "https://docs.example.invalid/prodc/errors/E0401.html"
        );
        let url = code_url("https://intranet/book", Code::W0410).expect("url");
        assert_eq!(url.as_str(), "https://intranet/book/errors/W0410.html");
    }
}
