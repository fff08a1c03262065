//! Per-vertex data shown on a surface: scalar maps (one or many frames) and label parcellations.

/// One labelled region of a parcellation.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub key: i32,
    pub name: String,
    /// Colour in 0..1, straight (not premultiplied) alpha.
    pub rgba: [f32; 4],
}

/// Key → name and colour, as in a GIfTI `LabelTable` or a FreeSurfer `.annot` colour table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelTable {
    pub labels: Vec<Label>,
}

impl LabelTable {
    pub fn get(&self, key: i32) -> Option<&Label> {
        self.labels.iter().find(|l| l.key == key)
    }
}

/// The values of an overlay.
#[derive(Clone, Debug)]
pub enum OverlayData {
    /// Scalars, `n_frames` frames of `n_vertices` values, frame-major
    /// (`values[frame * n_vertices + vertex]`). One frame for a static map; several for a
    /// time series (GIfTI with several arrays, MGH with `nframes > 1`).
    Scalar {
        n_vertices: usize,
        n_frames: usize,
        values: Vec<f32>,
    },
    /// One key per vertex, looked up in `table`. Keys missing from the table draw nothing.
    Labels { keys: Vec<i32>, table: LabelTable },
    /// A region given as a list of vertices (FreeSurfer `.label`): shown in `rgba` where present.
    /// It becomes a per-vertex layer once the surface it belongs to is known.
    Roi {
        vertices: Vec<u32>,
        values: Vec<f32>,
        rgba: [f32; 4],
    },
}

/// Per-vertex data read from a file (or made up by the demo).
#[derive(Clone, Debug)]
pub struct Overlay {
    pub name: String,
    pub data: OverlayData,
}

impl Overlay {
    /// Number of vertices the overlay needs its surface to have; `None` for an [`OverlayData::Roi`]
    /// which only needs its largest index to exist.
    pub fn n_vertices(&self) -> Option<usize> {
        match &self.data {
            OverlayData::Scalar { n_vertices, .. } => Some(*n_vertices),
            OverlayData::Labels { keys, .. } => Some(keys.len()),
            OverlayData::Roi { .. } => None,
        }
    }

    pub fn n_frames(&self) -> usize {
        match &self.data {
            OverlayData::Scalar { n_frames, .. } => *n_frames,
            _ => 1,
        }
    }

    /// The scalar values of one frame (clamped to the last frame), if this is a scalar overlay.
    pub fn frame(&self, frame: usize) -> Option<&[f32]> {
        match &self.data {
            OverlayData::Scalar {
                n_vertices,
                n_frames,
                values,
            } => {
                let f = frame.min(n_frames.saturating_sub(1));
                values.get(f * n_vertices..(f + 1) * n_vertices)
            }
            _ => None,
        }
    }

    /// Checks the overlay fits a surface with `n_vertices` vertices; the message says how not.
    pub fn check_fits(&self, n_vertices: usize) -> Result<(), String> {
        match &self.data {
            OverlayData::Roi { vertices, .. } => match vertices.iter().max() {
                Some(&m) if m as usize >= n_vertices => Err(format!(
                    "the label refers to vertex {m}, but the surface has {n_vertices} vertices"
                )),
                _ => Ok(()),
            },
            _ => match self.n_vertices() {
                Some(n) if n != n_vertices => Err(format!(
                    "it has {n} values per frame, but the surface has {n_vertices} vertices"
                )),
                _ => Ok(()),
            },
        }
    }

    /// Finite minimum and maximum over all frames; `None` for label data or all-NaN data.
    pub fn finite_range(&self) -> Option<(f32, f32)> {
        let values: &[f32] = match &self.data {
            OverlayData::Scalar { values, .. } => values,
            OverlayData::Roi { values, .. } => values,
            OverlayData::Labels { .. } => return None,
        };
        let (lo, hi) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        (lo <= hi).then_some((lo, hi))
    }
}
