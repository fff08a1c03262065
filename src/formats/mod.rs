//! File readers. One file per format, each with `read(path) -> Result<Loaded, FormatError>`;
//! [`registry`] picks the reader from the extension and the first bytes.
//!
//! Readers never trust a header: counts are checked against the bytes actually present before
//! anything is allocated, so a lying or truncated file gives a [`FormatError`] naming the file
//! and the problem, never a panic or a huge allocation.

pub mod bids;
pub mod brainvision;
pub mod edf;
pub mod freesurfer;
pub mod gifti;
pub mod lut;
pub mod mesh_obj;
pub mod mesh_ply;
pub mod mesh_stl;
pub mod mgh;
pub mod montage;
pub mod nifti;
pub mod npy;
pub mod nwb;
pub mod phy;
pub mod registry;
pub mod spike_text;
pub(crate) mod voxel_io;

pub use registry::{FileKind, detect, load, load_per_vertex};

use std::path::{Path, PathBuf};

use crate::model::{Overlay, Surface, Volume};

/// What a file held. A GIfTI file can hold a mesh and data arrays together; most formats fill
/// one field.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub surface: Option<Surface>,
    pub overlays: Vec<Overlay>,
    pub volume: Option<Volume>,
    /// An electrode recording (EDF/BDF/BrainVision), its samples read on demand.
    pub recording: Option<crate::model::Recording>,
    /// The arrays as stored in the file, for `glia info`.
    pub arrays: Vec<ArrayInfo>,
    /// Label names, for `glia info` (GIfTI label tables, `.annot` colour tables).
    pub label_names: Vec<String>,
    /// Electrode positions from a montage file, for the recordings they belong to.
    pub electrodes: Vec<crate::model::Electrode>,
    /// Sorted spikes (phy/Kilosort folders, NWB units, text spike trains).
    pub spikes: Option<crate::model::SpikeSet>,
    /// Events for the spikes they are opened with (events tables).
    pub events: Vec<crate::model::Event>,
}

/// One stored array as `glia info` reports it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ArrayInfo {
    /// NIfTI intent label as nibabel prints it (`intent_codes.label`: `pointset`, `triangle`,
    /// `shape`, `label`, `time series` …), or a short description for formats without intents
    /// (`volume`, `per-vertex`, `roi`, `vertex property NAME`).
    pub intent: String,
    pub shape: Vec<usize>,
    pub min: f64,
    pub max: f64,
    /// Mean of the finite values, where the reader computed it (volumes: over all frames, which
    /// [`Volume`] does not keep).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
}

impl ArrayInfo {
    /// Summarises values (non-finite values are skipped; all-NaN gives NaN min and max, and no
    /// mean).
    pub fn of_values<T: Copy + Into<f64>>(intent: &str, shape: Vec<usize>, values: &[T]) -> Self {
        let (mut min, mut max, mut sum, mut count) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0u64);
        for &v in values {
            let v: f64 = v.into();
            if v.is_finite() {
                min = min.min(v);
                max = max.max(v);
                sum += v;
                count += 1;
            }
        }
        if count == 0 {
            (min, max) = (f64::NAN, f64::NAN);
        }
        ArrayInfo {
            intent: intent.to_owned(),
            shape,
            min,
            max,
            mean: (count > 0).then(|| sum / count as f64),
        }
    }
}

/// The `pointset` and `triangle` entries `glia info` shows for a mesh read from a format without
/// arrays of its own (OBJ, PLY, STL, FreeSurfer).
pub(crate) fn surface_arrays(surface: &Surface) -> Vec<ArrayInfo> {
    let coords: Vec<f32> = surface
        .positions
        .iter()
        .flat_map(|p| p.to_array())
        .collect();
    let indices: Vec<u32> = surface.triangles.iter().flatten().copied().collect();
    vec![
        ArrayInfo::of_values("pointset", vec![surface.n_vertices(), 3], &coords),
        ArrayInfo::of_values("triangle", vec![surface.n_faces(), 3], &indices),
    ]
}

/// A file that could not be read. The message always starts with the file's path.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not what it claims to be: truncated, corrupt, inconsistent.
    #[error("{}: {problem}", path.display())]
    Invalid { path: PathBuf, problem: String },
    /// A valid file using something Glia does not read (yet), or an unknown file type.
    #[error("{}: {what}", path.display())]
    Unsupported { path: PathBuf, what: String },
}

impl FormatError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        FormatError::Io {
            path: path.to_owned(),
            source,
        }
    }

    pub fn invalid(path: &Path, problem: impl Into<String>) -> Self {
        FormatError::Invalid {
            path: path.to_owned(),
            problem: problem.into(),
        }
    }

    pub fn unsupported(path: &Path, what: impl Into<String>) -> Self {
        FormatError::Unsupported {
            path: path.to_owned(),
            what: what.into(),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            FormatError::Io { path, .. }
            | FormatError::Invalid { path, .. }
            | FormatError::Unsupported { path, .. } => path,
        }
    }
}

/// Largest decompressed size any reader accepts (4 GiB): guards against gzip bombs and headers
/// that claim absurd sizes.
pub const MAX_DECODED_BYTES: u64 = 4 << 30;

/// Reads a whole file, transparently gunzipping `.gz` (by magic bytes), at most
/// [`MAX_DECODED_BYTES`].
pub fn read_maybe_gzipped(path: &Path) -> Result<Vec<u8>, FormatError> {
    use std::io::Read;
    let raw = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                FormatError::invalid(path, format!("corrupt or truncated gzip data ({e})"))
            })?;
        if out.len() as u64 > MAX_DECODED_BYTES {
            return Err(FormatError::invalid(
                path,
                "decompresses to more than 4 GiB; refusing to load it",
            ));
        }
        Ok(out)
    } else {
        Ok(raw)
    }
}
