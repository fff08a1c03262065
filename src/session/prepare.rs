//! Opening files: the slow part (reading, meshing, normals, picking structures), done on any
//! thread before [`super::Session::apply`] adds the results to the Scene.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::data::SurfaceData;
use super::volumes::VolumeData;
use crate::formats::{self, FileKind, FormatError, Loaded};
use crate::geometry;
use crate::model::{Overlay, Source, Surface, Volume};

/// One opened file, loaded and prepared off the UI thread.
pub enum Prepared {
    /// A mesh (possibly with data arrays from the same file, e.g. a GIfTI with both).
    Surface {
        source: Source,
        data: Arc<SurfaceData>,
        overlays: Vec<Overlay>,
    },
    /// Per-vertex data, for a surface it fits.
    Overlays {
        source: Source,
        overlays: Vec<Overlay>,
    },
    /// Electrode positions for the recordings (a montage file).
    Montage {
        source: Source,
        electrodes: Vec<crate::model::Electrode>,
    },
    /// An electrode recording for the trace browser.
    Recording {
        source: Source,
        data: Arc<super::recordings::RecordingData>,
    },
    /// Sorted spikes for the raster.
    Spikes {
        source: Source,
        set: Box<crate::model::SpikeSet>,
    },
    /// Events for the spikes (an events table).
    Events {
        source: Source,
        events: Vec<crate::model::Event>,
    },
    /// A volume for the slice views (with the label table found next to an atlas).
    Volume {
        source: Source,
        data: Arc<VolumeData>,
        labels: Option<Source>,
    },
}

impl Prepared {
    fn vertex_count(&self) -> Option<usize> {
        match self {
            Prepared::Surface { data, .. } => Some(data.surface.n_vertices()),
            Prepared::Overlays { .. }
            | Prepared::Volume { .. }
            | Prepared::Recording { .. }
            | Prepared::Spikes { .. }
            | Prepared::Events { .. }
            | Prepared::Montage { .. } => None,
        }
    }
}

/// Level first offered for the isosurface of a volume: halfway between its minimum and maximum
/// (half the maximum for probability maps), a fair start for anything else.
pub fn default_iso_level(range: (f32, f32)) -> f32 {
    range.0 + (range.1 - range.0) * 0.5
}

/// Reads and prepares files (slow; any thread), in order. `known_vertex_counts` are those of
/// the surfaces already open: an MGH/MGZ file whose voxels per frame match one of them (or a
/// mesh opened before it in `paths`) is per-vertex data, not a volume. Paths are made absolute,
/// so that a saved session works from any folder. `progress` receives 0..1.
pub fn prepare_files(
    paths: &[PathBuf],
    known_vertex_counts: &[usize],
    progress: &(dyn Fn(f32) + Sync),
) -> Vec<Result<Prepared, FormatError>> {
    let n = paths.len().max(1) as f32;
    let mut counts = known_vertex_counts.to_vec();
    let mut results = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let result = prepare_file(&path, &counts);
        if let Some(n) = result.as_ref().ok().and_then(Prepared::vertex_count) {
            counts.push(n);
        }
        results.push(result);
        progress((i + 1) as f32 / n);
    }
    results
}

fn prepare_file(path: &Path, vertex_counts: &[usize]) -> Result<Prepared, FormatError> {
    let loaded = formats::load(path)?;
    let per_vertex_mgh = loaded.volume.as_ref().is_some_and(|v| {
        let n = v.dims.iter().product::<usize>();
        vertex_counts.contains(&n) && matches!(formats::detect(path), Ok(FileKind::Mgh))
    });
    if per_vertex_mgh {
        return prepare_loaded(path, formats::load_per_vertex(path)?);
    }
    prepare_loaded(path, loaded)
}

fn prepare_loaded(path: &Path, loaded: Loaded) -> Result<Prepared, FormatError> {
    if let Some(mut surface) = loaded.surface {
        surface
            .validate()
            .map_err(|e| FormatError::invalid(path, e))?;
        if surface.hemisphere.is_none() {
            surface.hemisphere = Surface::hemisphere_from_name(&path.to_string_lossy());
        }
        return Ok(Prepared::Surface {
            source: Source::file(path),
            data: Arc::new(SurfaceData::new(surface)),
            overlays: loaded.overlays,
        });
    }
    if !loaded.electrodes.is_empty() {
        return Ok(Prepared::Montage {
            source: Source::file(path),
            electrodes: loaded.electrodes,
        });
    }
    if let Some(set) = loaded.spikes {
        return Ok(Prepared::Spikes {
            source: Source::file(path),
            set: Box::new(set),
        });
    }
    if !loaded.events.is_empty() {
        return Ok(Prepared::Events {
            source: Source::file(path),
            events: loaded.events,
        });
    }
    if let Some(recording) = loaded.recording {
        return Ok(Prepared::Recording {
            source: Source::file(path),
            data: Arc::new(super::recordings::RecordingData::new(recording)),
        });
    }
    if let Some(volume) = loaded.volume {
        if !volume.affine_is_invertible() {
            return Err(FormatError::invalid(
                path,
                "its affine (sform/qform) is singular or not finite: the voxels cannot be placed in space",
            ));
        }
        // find_for_volume only offers tables that read; should one fail now, the volume still
        // opens, without names.
        let (labels, table) = match formats::lut::find_for_volume(path) {
            Some(table_path) => match formats::lut::read(&table_path) {
                Ok(table) => (Some(table_path), Some(table)),
                Err(_) => (None, None),
            },
            None => (None, None),
        };
        return Ok(Prepared::Volume {
            source: Source::file(path),
            data: Arc::new(VolumeData::new(volume, table)),
            labels: labels.map(Source::file),
        });
    }
    if loaded.overlays.is_empty() {
        return Err(FormatError::invalid(
            path,
            "the file holds no mesh, per-vertex data or volume",
        ));
    }
    Ok(Prepared::Overlays {
        source: Source::file(path),
        overlays: loaded.overlays,
    })
}

/// The isosurface of `volume` at `level`, named after its file.
pub fn isosurface(volume: &Volume, level: f32, path: &Path) -> Result<Surface, FormatError> {
    let opts = geometry::marching_cubes::IsosurfaceOptions {
        level,
        smoothing_iterations: 0,
        target_triangles: None,
    };
    let mut surface = geometry::marching_cubes::isosurface(volume, &opts);
    if surface.triangles.is_empty() {
        return Err(FormatError::invalid(
            path,
            format!("no surface at level {level}"),
        ));
    }
    surface.name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(surface)
}

/// Whether a per-vertex file is a curvature-like map that belongs under the overlays
/// (`lh.curv`, `lh.sulc`, `sulc_left.gii`, `curv.gii` …) rather than on top of them.
pub fn is_underlay_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.contains("curv") || name.contains("sulc")
}
