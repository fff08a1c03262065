//! Images on a voxel grid with a world transform.

use glam::DMat4;

/// A 3D image (one frame of a 4D series is enough for what uses it so far: isosurfaces).
/// `data` is x-fastest (`data[x + nx * (y + ny * z)]`), already scaled (slope/intercept applied).
#[derive(Clone, Debug)]
pub struct Volume {
    pub name: String,
    pub dims: [usize; 3],
    pub data: Vec<f32>,
    /// Voxel indices → world RAS+ millimetres, as nibabel's `img.affine`.
    pub world_from_voxel: DMat4,
}

impl Volume {
    pub fn voxel_size_mm(&self) -> [f64; 3] {
        let m = self.world_from_voxel;
        [
            m.x_axis.truncate().length(),
            m.y_axis.truncate().length(),
            m.z_axis.truncate().length(),
        ]
    }

    /// Finite minimum and maximum.
    pub fn finite_range(&self) -> Option<(f32, f32)> {
        let (lo, hi) = self
            .data
            .iter()
            .filter(|v| v.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        (lo <= hi).then_some((lo, hi))
    }
}
