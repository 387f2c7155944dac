//! The project as the editor sees it: the files on disk, with the text of
//! every open document in place of its file (saved or not, and also when
//! it does not exist on disk yet).

use crate::project::{ReadError, Vfs};
use std::collections::BTreeMap;

/// A [`Vfs`] whose open documents overlay another one (the disk).
pub struct OverlayVfs<'a> {
    pub base: &'a dyn Vfs,
    /// Open documents by project-relative path.
    pub overlay: &'a BTreeMap<String, String>,
}

impl Vfs for OverlayVfs<'_> {
    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        match self.overlay.get(path) {
            Some(text) if text.len() > limit => Err(ReadError::TooLarge {
                size: text.len() as u64,
                limit,
            }),
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.base.read(path, limit),
        }
    }

    fn list_prod_files(&self, dir: &str, skip: &[String]) -> Result<Vec<String>, ReadError> {
        let mut files = self.base.list_prod_files(dir, skip)?;
        let under = |path: &str, d: &str| d.is_empty() || path.starts_with(&format!("{d}/"));
        files.extend(
            self.overlay
                .keys()
                .filter(|p| p.ends_with(".prod") && under(p, dir))
                .filter(|p| !skip.iter().any(|s| !s.is_empty() && under(p, s)))
                .filter(|p| !p.split('/').any(|c| c.starts_with('.')))
                .cloned(),
        );
        files.sort();
        files.dedup();
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MemoryVfs;

    #[test]
    fn open_documents_replace_and_add_files() {
        let disk = MemoryVfs::new()
            .with("src/a.prod", "disk a")
            .with("src/b.prod", "disk b");
        let mut open = BTreeMap::new();
        open.insert("src/a.prod".to_string(), "open a".to_string());
        open.insert("src/new.prod".to_string(), "new".to_string());
        open.insert("out/x.prod".to_string(), "skipped".to_string());
        let vfs = OverlayVfs {
            base: &disk,
            overlay: &open,
        };
        assert_eq!(vfs.read("src/a.prod", 100), Ok(b"open a".to_vec()));
        assert_eq!(vfs.read("src/b.prod", 100), Ok(b"disk b".to_vec()));
        assert_eq!(
            vfs.list_prod_files("", &["out".to_string()]),
            Ok(vec![
                "src/a.prod".to_string(),
                "src/b.prod".to_string(),
                "src/new.prod".to_string()
            ])
        );
    }
}
