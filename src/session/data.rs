//! Loaded data in the form views use: meshes with their normals, curvature and picking
//! structure; overlays with their label colours precomputed.

use std::sync::atomic::{AtomicU64, Ordering};

use glam::Vec3;

use crate::geometry;
use crate::model::{Overlay, OverlayData, Surface};

/// Frames a dataset's key range holds: frame `f` of a dataset keyed `k` is drawn under `k + f`.
pub const KEY_FRAMES: u64 = 1 << 20;

/// Distinct keys for GPU caching, unique for the life of the process: every loaded dataset (and
/// every animation step) gets its own range of [`KEY_FRAMES`] keys.
pub fn next_key() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(KEY_FRAMES);
    NEXT.fetch_add(KEY_FRAMES, Ordering::Relaxed)
}

/// A mesh ready to draw and pick: the surface plus what is derived from it once.
pub struct SurfaceData {
    pub key: u64,
    pub surface: Surface,
    pub normals: Vec<Vec3>,
    /// Mean curvature, FreeSurfer's sign (positive = sulcal), for the underlay.
    pub curvature: Vec<f32>,
    pub picker: geometry::picking::PickAccel,
    /// How the triangles face (closed, consistent meshes are drawn with back faces culled).
    pub orientation: geometry::orientation::Orientation,
}

impl SurfaceData {
    /// Computes normals, curvature and the picking structure (slow for big meshes: call it off
    /// the UI thread).
    pub fn new(surface: Surface) -> Self {
        let normals = geometry::normals::vertex_normals(&surface.positions, &surface.triangles);
        let curvature =
            geometry::curvature::mean_curvature(&surface.positions, &surface.triangles, &normals);
        let picker = geometry::picking::PickAccel::build(&surface.positions, &surface.triangles);
        let orientation =
            geometry::orientation::orientation(&surface.positions, &surface.triangles);
        SurfaceData {
            key: next_key(),
            surface,
            normals,
            curvature,
            picker,
            orientation,
        }
    }
}

/// Per-vertex data attached to a surface, in the form the renderer takes.
pub struct OverlayValuesData {
    pub key: u64,
    pub overlay: Overlay,
    /// Per-vertex colours for label data (precomputed once).
    pub rgba: Option<Vec<[u8; 4]>>,
    /// Per-vertex keys for label data, for the Inspector.
    pub label_keys: Option<Vec<i32>>,
}

impl OverlayValuesData {
    /// Makes an overlay drawable on a surface of `n_vertices` vertices (a `.label` ROI becomes a
    /// per-vertex layer here). Fails when the overlay does not fit the surface.
    pub fn new(overlay: Overlay, n_vertices: usize) -> Result<Self, String> {
        overlay.check_fits(n_vertices)?;
        let (rgba, label_keys) = match &overlay.data {
            OverlayData::Labels { keys, table } => {
                let colors = keys
                    .iter()
                    .map(|&k| table.get(k).map_or([0; 4], |l| rgba8(l.rgba)))
                    .collect();
                (Some(colors), Some(keys.clone()))
            }
            OverlayData::Roi { vertices, rgba, .. } => {
                let mut colors = vec![[0u8; 4]; n_vertices];
                let mut keys = vec![0; n_vertices];
                for &v in vertices {
                    colors[v as usize] = rgba8(*rgba);
                    keys[v as usize] = 1;
                }
                (Some(colors), Some(keys))
            }
            OverlayData::Scalar { .. } => (None, None),
        };
        Ok(OverlayValuesData {
            key: next_key(),
            overlay,
            rgba,
            label_keys,
        })
    }

    pub fn is_scalar(&self) -> bool {
        self.rgba.is_none()
    }

    /// Name of the label at `vertex`, for label overlays.
    pub fn label_name(&self, vertex: usize) -> Option<String> {
        let key = *self.label_keys.as_ref()?.get(vertex)?;
        match &self.overlay.data {
            OverlayData::Labels { table, .. } => table.get(key).map(|l| l.name.clone()),
            OverlayData::Roi { .. } => (key == 1).then(|| self.overlay.name.clone()),
            OverlayData::Scalar { .. } => None,
        }
    }
}

fn rgba8(c: [f32; 4]) -> [u8; 4] {
    c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
}
