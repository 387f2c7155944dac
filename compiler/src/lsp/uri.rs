//! `file://` URIs and paths.
//!
//! The server only serves documents on the local file system: a URI of
//! another scheme (`untitled:`, `git:`) has no path, so it gets syntax
//! diagnostics and formatting but no project. Paths are percent-encoded
//! byte by byte (RFC 3986, as VS Code writes them), and decoding accepts
//! any case of hex digits and an empty or `localhost` authority.

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The local path of a `file://` URI.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = strip_prefix_ignore_case(text, "file://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let slash = rest.find('/')?;
    let authority = &rest[..slash];
    if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let decoded = percent_decode(&rest[slash..])?;
    // `/C:/dir/file` on Windows is the path `C:/dir/file`.
    if cfg!(windows) {
        let bytes = decoded.as_bytes();
        if bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
            return Some(PathBuf::from(&decoded[1..]));
        }
    }
    Some(PathBuf::from(decoded))
}

/// The `file://` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut out = String::from("file://");
    let text = text.replace('\\', "/");
    if !text.starts_with('/') {
        // `C:/dir` becomes `file:///C:/dir`.
        out.push('/');
    }
    for byte in text.bytes() {
        let plain = byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte);
        if plain {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_percent_encoding() {
        let path = Path::new("/tmp/a dir/µ#1.prod");
        let uri = from_path(path).expect("uri");
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/%C2%B5%231.prod");
        assert_eq!(to_path(&uri).as_deref(), Some(path));
        let upper = Uri::from_str("FILE://localhost/tmp/x%2fy.prod").expect("uri");
        assert_eq!(to_path(&upper), Some(PathBuf::from("/tmp/x/y.prod")));
        let other = Uri::from_str("untitled:Untitled-1").expect("uri");
        assert_eq!(to_path(&other), None);
        let remote = Uri::from_str("file://server/share/a.prod").expect("uri");
        assert_eq!(to_path(&remote), None);
    }
}
