//! The File › Open recent list, kept in `$GLIA_CONFIG_DIR` (or `$XDG_CONFIG_HOME/glia`,
//! `~/.config/glia`) as one path per line.

use std::path::{Path, PathBuf};

const MAX_RECENT: usize = 12;

#[derive(Default)]
pub struct RecentFiles {
    pub paths: Vec<PathBuf>,
    file: Option<PathBuf>,
}

fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GLIA_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(dir).join("glia"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("glia"))
}

impl RecentFiles {
    /// Reads the list; a missing or unreadable file gives an empty list.
    pub fn load() -> Self {
        let file = config_dir().map(|d| d.join("recent.txt"));
        let paths = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| {
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        RecentFiles { paths, file }
    }

    /// Puts `path` first and saves (quietly: a read-only config dir only loses the list).
    pub fn push(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        self.paths.retain(|p| *p != path);
        self.paths.insert(0, path);
        self.paths.truncate(MAX_RECENT);
        if let Some(file) = &self.file {
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let text: String = self
                .paths
                .iter()
                .map(|p| format!("{}\n", p.display()))
                .collect();
            let _ = std::fs::write(file, text);
        }
    }
}
