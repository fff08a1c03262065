//! Images on a voxel grid with a world transform.

use glam::{DMat4, DVec3};

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

    /// The volume at half resolution: each voxel the mean of a 2×2×2 block (a trailing odd
    /// slice is dropped), with the affine moved to the block centres.
    pub fn downsampled_2x(&self) -> Volume {
        let [nx, ny, nz] = self.dims;
        let dims = [nx / 2, ny / 2, nz / 2];
        let mut data = Vec::with_capacity(dims[0] * dims[1] * dims[2]);
        for z in 0..dims[2] {
            for y in 0..dims[1] {
                for x in 0..dims[0] {
                    let mut sum = 0.0;
                    for (dx, dy, dz) in (0..8).map(|i| (i & 1, (i >> 1) & 1, i >> 2)) {
                        sum += self.data[(2 * x + dx) + nx * ((2 * y + dy) + ny * (2 * z + dz))];
                    }
                    data.push(sum / 8.0);
                }
            }
        }
        // New voxel i covers old voxels 2i and 2i + 1: its centre is old index 2i + 0.5.
        let old_from_new =
            DMat4::from_translation(DVec3::splat(0.5)) * DMat4::from_scale(DVec3::splat(2.0));
        Volume {
            name: self.name.clone(),
            dims,
            data,
            world_from_voxel: self.world_from_voxel * old_from_new,
        }
    }

    /// Axis codes of the voxel axes in world space, as nibabel's `aff2axcodes` gives them for
    /// the affines met in practice (`"RAS"`, `"LAS"`, `"LPS"` …): each voxel axis is named by the
    /// world axis it runs most along, taking the strongest pairings first so that oblique
    /// affines still name three different axes.
    pub fn orientation(&self) -> String {
        let m = self.world_from_voxel;
        let columns = [
            m.x_axis.truncate(),
            m.y_axis.truncate(),
            m.z_axis.truncate(),
        ];
        let mut pairs: Vec<(f64, usize, usize)> = (0..3)
            .flat_map(|voxel| (0..3).map(move |world| (voxel, world)))
            .map(|(voxel, world)| (columns[voxel][world].abs(), voxel, world))
            .collect();
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut codes = ['?'; 3];
        let (mut voxel_used, mut world_used) = ([false; 3], [false; 3]);
        for (_, voxel, world) in pairs {
            if voxel_used[voxel] || world_used[world] {
                continue;
            }
            (voxel_used[voxel], world_used[world]) = (true, true);
            let positive = columns[voxel][world] >= 0.0;
            codes[voxel] = match (world, positive) {
                (0, true) => 'R',
                (0, false) => 'L',
                (1, true) => 'A',
                (1, false) => 'P',
                (2, true) => 'S',
                _ => 'I',
            };
        }
        codes.iter().collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_blocks_and_keeps_world_positions() {
        let dims = [4, 4, 2];
        let data = (0..32).map(|i| i as f32).collect();
        let v = Volume {
            name: "ramp".into(),
            dims,
            data,
            world_from_voxel: DMat4::from_scale(DVec3::new(-1.0, 1.0, 2.0)),
        };
        let half = v.downsampled_2x();
        assert_eq!(half.dims, [2, 2, 1]);
        // Block (0,0,0) holds voxels 0, 1, 4, 5, 16, 17, 20, 21.
        assert_eq!(half.data[0], (1 + 4 + 5 + 16 + 17 + 20 + 21) as f32 / 8.0);
        // Its centre, old voxel (0.5, 0.5, 0.5), keeps its world position.
        let centre = half.world_from_voxel.transform_point3(DVec3::ZERO);
        assert_eq!(
            centre,
            v.world_from_voxel.transform_point3(DVec3::splat(0.5))
        );
        assert_eq!(half.voxel_size_mm(), [2.0, 2.0, 4.0]);
        assert_eq!(v.orientation(), "LAS");
    }
}
