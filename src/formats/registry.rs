//! TEMPORARY dispatch (GIfTI and NIfTI only) until the full registry lands.

use std::path::Path;

use super::{FormatError, Loaded};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Gifti,
    Nifti,
}

pub fn load(path: &Path) -> Result<Loaded, FormatError> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".gii") || name.ends_with(".gii.gz") {
        super::gifti::read(path)
    } else if name.ends_with(".nii") || name.ends_with(".nii.gz") {
        super::nifti::read(path)
    } else {
        std::fs::metadata(path).map_err(|e| FormatError::io(path, e))?;
        Err(FormatError::unsupported(path, "unknown file type"))
    }
}
