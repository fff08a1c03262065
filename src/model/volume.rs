//! Images on a voxel grid with a world transform: 3D and 4D, stored in the file's own data
//! type (a 256³ int16 scan stays 32 MB, not 128 MB of f64), scaled on read.

use glam::{DMat4, DVec3, DVec4};

/// Voxel values in their stored type, x fastest, then y, z and frame
/// (`index = x + nx * (y + ny * (z + nz * frame))`). 64-bit integers are kept as `F64`.
#[derive(Clone, Debug, PartialEq)]
pub enum Voxels {
    U8(Vec<u8>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    U16(Vec<u16>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Voxels {
    pub fn len(&self) -> usize {
        match self {
            Voxels::U8(v) => v.len(),
            Voxels::I8(v) => v.len(),
            Voxels::I16(v) => v.len(),
            Voxels::U16(v) => v.len(),
            Voxels::I32(v) => v.len(),
            Voxels::U32(v) => v.len(),
            Voxels::F32(v) => v.len(),
            Voxels::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored (unscaled) value at `index`; `NaN` past the end.
    #[inline]
    pub fn raw(&self, index: usize) -> f64 {
        fn at<T: Copy + Into<f64>>(v: &[T], i: usize) -> f64 {
            v.get(i).map_or(f64::NAN, |&x| x.into())
        }
        match self {
            Voxels::U8(v) => at(v, index),
            Voxels::I8(v) => at(v, index),
            Voxels::I16(v) => at(v, index),
            Voxels::U16(v) => at(v, index),
            Voxels::I32(v) => at(v, index),
            Voxels::U32(v) => at(v, index),
            Voxels::F32(v) => at(v, index),
            Voxels::F64(v) => at(v, index),
        }
    }

    /// Minimum and maximum of the finite stored values (unscaled); `None` when there are none.
    pub fn finite_min_max(&self) -> Option<(f64, f64)> {
        fn integer<T: Copy + Ord + Into<f64>>(v: &[T]) -> Option<(f64, f64)> {
            let lo = v.iter().copied().min()?;
            let hi = v.iter().copied().max()?;
            Some((lo.into(), hi.into()))
        }
        fn float<T: Copy + Into<f64>>(v: &[T]) -> Option<(f64, f64)> {
            let (lo, hi) = v
                .iter()
                .map(|&x| x.into())
                .filter(|x: &f64| x.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                    (lo.min(x), hi.max(x))
                });
            (lo <= hi).then_some((lo, hi))
        }
        match self {
            Voxels::U8(v) => integer(v),
            Voxels::I8(v) => integer(v),
            Voxels::I16(v) => integer(v),
            Voxels::U16(v) => integer(v),
            Voxels::I32(v) => integer(v),
            Voxels::U32(v) => integer(v),
            Voxels::F32(v) => float(v),
            Voxels::F64(v) => float(v),
        }
    }

    /// Bytes the values occupy.
    pub fn size_bytes(&self) -> usize {
        let each = match self {
            Voxels::U8(_) | Voxels::I8(_) => 1,
            Voxels::I16(_) | Voxels::U16(_) => 2,
            Voxels::I32(_) | Voxels::U32(_) | Voxels::F32(_) => 4,
            Voxels::F64(_) => 8,
        };
        self.len() * each
    }

    /// numpy's name of the stored type (`"uint8"`, `"int16"`, `"float32"` …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Voxels::U8(_) => "uint8",
            Voxels::I8(_) => "int8",
            Voxels::I16(_) => "int16",
            Voxels::U16(_) => "uint16",
            Voxels::I32(_) => "int32",
            Voxels::U32(_) => "uint32",
            Voxels::F32(_) => "float32",
            Voxels::F64(_) => "float64",
        }
    }
}

/// How values between voxel centres are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interpolation {
    /// Trilinear: continuous data (anatomy, statistics).
    #[default]
    Linear,
    /// The nearest voxel: labels, masks.
    Nearest,
}

/// A 3D or 4D image.
#[derive(Clone, Debug)]
pub struct Volume {
    pub name: String,
    /// Voxels along x, y, z.
    pub dims: [usize; 3],
    pub n_frames: usize,
    pub voxels: Voxels,
    /// `value = stored * slope + intercept`, when the file scales its values.
    pub scaling: Option<(f64, f64)>,
    /// Voxel indices → world RAS+ millimetres, as nibabel's `img.affine`.
    pub world_from_voxel: DMat4,
    /// Time between frames of a 4D series, when the file says.
    pub frame_secs: Option<f64>,
}

impl Volume {
    /// A single-frame float volume.
    pub fn from_f32(
        name: impl Into<String>,
        dims: [usize; 3],
        data: Vec<f32>,
        world_from_voxel: DMat4,
    ) -> Self {
        Volume {
            name: name.into(),
            dims,
            n_frames: 1,
            voxels: Voxels::F32(data),
            scaling: None,
            world_from_voxel,
            frame_secs: None,
        }
    }

    /// Voxels in one frame.
    pub fn n_voxels(&self) -> usize {
        self.dims.iter().product()
    }

    /// The scaled value at a flat index of a frame.
    #[inline]
    pub fn value(&self, frame: usize, index: usize) -> f32 {
        let raw = self.voxels.raw(frame * self.n_voxels() + index);
        match self.scaling {
            Some((slope, inter)) => (raw * slope + inter) as f32,
            None => raw as f32,
        }
    }

    /// The scaled value at integer voxel coordinates, `None` outside the grid.
    pub fn value_at(&self, frame: usize, [x, y, z]: [i64; 3]) -> Option<f32> {
        let [nx, ny, nz] = self.dims.map(|d| d as i64);
        if x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz || frame >= self.n_frames {
            return None;
        }
        Some(self.value(frame, (x + nx * (y + ny * z)) as usize))
    }

    /// One frame's scaled values as f32 (a copy; frames past the end give the last one).
    pub fn frame_f32(&self, frame: usize) -> Vec<f32> {
        let frame = frame.min(self.n_frames.saturating_sub(1));
        let n = self.n_voxels();
        let start = frame * n;
        match (&self.voxels, self.scaling) {
            (Voxels::F32(v), None) => v
                .get(start..start + n)
                .map(<[f32]>::to_vec)
                .unwrap_or_default(),
            _ => (0..n).map(|i| self.value(frame, i)).collect(),
        }
    }

    /// Whether the affine can map world points back to voxels (finite, not singular).
    pub fn affine_is_invertible(&self) -> bool {
        let m = self.world_from_voxel;
        m.is_finite() && m.determinant().abs() > 1e-12
    }

    /// The voxel size along the voxel axis most aligned with a world direction (mm).
    pub fn voxel_size_along(&self, direction: DVec3) -> f64 {
        let m = self.world_from_voxel;
        [
            m.x_axis.truncate(),
            m.y_axis.truncate(),
            m.z_axis.truncate(),
        ]
        .into_iter()
        .max_by(|a, b| {
            a.normalize_or_zero()
                .dot(direction)
                .abs()
                .total_cmp(&b.normalize_or_zero().dot(direction).abs())
        })
        .map_or(1.0, |axis| axis.length())
    }

    pub fn voxel_from_world(&self) -> DMat4 {
        self.world_from_voxel.inverse()
    }

    /// The continuous voxel coordinate of a world point.
    pub fn voxel_of(&self, world: DVec3) -> DVec3 {
        (self.voxel_from_world() * world.extend(1.0)).truncate()
    }

    /// The value at a world point (RAS mm), `None` outside the image.
    pub fn sample(&self, frame: usize, world: DVec3, interpolation: Interpolation) -> Option<f32> {
        let p = self.voxel_of(world);
        if !p.is_finite() {
            return None;
        }
        match interpolation {
            // Halves round up, as the GPU's floor(v + 0.5) does, so both pick the same voxel.
            Interpolation::Nearest => {
                self.value_at(frame, (p + 0.5).floor().as_i64vec3().to_array())
            }
            Interpolation::Linear => self.trilinear(frame, p),
        }
    }

    fn trilinear(&self, frame: usize, p: DVec3) -> Option<f32> {
        let [nx, ny, nz] = self.dims.map(|d| d as f64);
        // Half a voxel of grace at the border, clamped, as slice viewers draw edge voxels whole.
        if p.x < -0.5
            || p.y < -0.5
            || p.z < -0.5
            || p.x > nx - 0.5
            || p.y > ny - 0.5
            || p.z > nz - 0.5
        {
            return None;
        }
        let q = p.clamp(DVec3::ZERO, DVec3::new(nx - 1.0, ny - 1.0, nz - 1.0));
        let base = q.floor();
        let f = q - base;
        let [x0, y0, z0] = base.as_i64vec3().to_array();
        let mut sum = 0.0f64;
        for corner in 0..8 {
            let (dx, dy, dz) = (corner & 1, (corner >> 1) & 1, corner >> 2);
            let w = (if dx == 1 { f.x } else { 1.0 - f.x })
                * (if dy == 1 { f.y } else { 1.0 - f.y })
                * (if dz == 1 { f.z } else { 1.0 - f.z });
            if w == 0.0 {
                continue;
            }
            let clamp = |v: i64, n: f64| v.min(n as i64 - 1);
            let v = self.value_at(
                frame,
                [clamp(x0 + dx, nx), clamp(y0 + dy, ny), clamp(z0 + dz, nz)],
            )?;
            sum += w * f64::from(v);
        }
        Some(sum as f32)
    }

    /// World position of the volume's centre.
    /// The centre of the voxel at `dims / 2` (a voxel centre, so a crosshair placed there
    /// samples one slice rather than a blend of two).
    pub fn centre_mm(&self) -> DVec3 {
        let c = DVec3::from_array(self.dims.map(|d| (d / 2) as f64));
        (self.world_from_voxel * DVec4::from((c, 1.0))).truncate()
    }

    /// World bounds of the box the voxels cover, edges included (min, max).
    pub fn bounds_mm(&self) -> (DVec3, DVec3) {
        let [nx, ny, nz] = self.dims.map(|d| d.max(1) as f64 - 0.5);
        let mut lo = DVec3::splat(f64::INFINITY);
        let mut hi = DVec3::splat(f64::NEG_INFINITY);
        for i in 0..8 {
            let c = DVec3::new(
                if i & 1 == 0 { -0.5 } else { nx },
                if i & 2 == 0 { -0.5 } else { ny },
                if i & 4 == 0 { -0.5 } else { nz },
            );
            let w = self.world_from_voxel.transform_point3(c);
            lo = lo.min(w);
            hi = hi.max(w);
        }
        (lo, hi)
    }

    pub fn voxel_size_mm(&self) -> [f64; 3] {
        let m = self.world_from_voxel;
        [
            m.x_axis.truncate().length(),
            m.y_axis.truncate().length(),
            m.z_axis.truncate().length(),
        ]
    }

    /// The first frame at half resolution: each voxel the mean of a 2×2×2 block (a trailing odd
    /// slice is dropped), with the affine moved to the block centres.
    pub fn downsampled_2x(&self) -> Volume {
        let [nx, ny, nz] = self.dims;
        let dims = [nx / 2, ny / 2, nz / 2];
        let full = self.frame_f32(0);
        let mut data = Vec::with_capacity(dims[0] * dims[1] * dims[2]);
        for z in 0..dims[2] {
            for y in 0..dims[1] {
                for x in 0..dims[0] {
                    let mut sum = 0.0;
                    for (dx, dy, dz) in (0..8).map(|i| (i & 1, (i >> 1) & 1, i >> 2)) {
                        sum += full[(2 * x + dx) + nx * ((2 * y + dy) + ny * (2 * z + dz))];
                    }
                    data.push(sum / 8.0);
                }
            }
        }
        // New voxel i covers old voxels 2i and 2i + 1: its centre is old index 2i + 0.5.
        let old_from_new =
            DMat4::from_translation(DVec3::splat(0.5)) * DMat4::from_scale(DVec3::splat(2.0));
        Volume::from_f32(
            self.name.clone(),
            dims,
            data,
            self.world_from_voxel * old_from_new,
        )
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

    /// Finite minimum and maximum of the scaled values, over all frames.
    pub fn finite_range(&self) -> Option<(f32, f32)> {
        let (lo, hi) = self.voxels.finite_min_max()?;
        let (lo, hi) = match self.scaling {
            Some((slope, inter)) => {
                let (a, b) = (lo * slope + inter, hi * slope + inter);
                (a.min(b), a.max(b))
            }
            None => (lo, hi),
        };
        Some((lo as f32, hi as f32))
    }

    /// The `p`th percentile (0..=100, nearest rank) of the finite scaled values of a frame.
    pub fn percentile(&self, frame: usize, p: f64) -> Option<f32> {
        self.percentiles(frame, &[p]).map(|v| v[0])
    }

    /// Several percentiles of a frame at once, over at most about 262,000 evenly spaced voxels
    /// (exact for smaller volumes; for larger ones within a fraction of a percent, plenty for
    /// display windows and default thresholds).
    pub fn percentiles(&self, frame: usize, ps: &[f64]) -> Option<Vec<f32>> {
        let n = self.n_voxels();
        let step = (n >> 18).max(1);
        let mut values: Vec<f32> = (0..n)
            .step_by(step)
            .map(|i| self.value(frame, i))
            .filter(|v| v.is_finite())
            .collect();
        if values.is_empty() {
            return None;
        }
        let last = values.len() - 1;
        Some(
            ps.iter()
                .map(|p| {
                    let rank = ((last as f64) * p.clamp(0.0, 100.0) / 100.0).round() as usize;
                    *values.select_nth_unstable_by(rank, f32::total_cmp).1
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_blocks_and_keeps_world_positions() {
        let dims = [4, 4, 2];
        let data = (0..32).map(|i| i as f32).collect();
        let v = Volume::from_f32(
            "ramp",
            dims,
            data,
            DMat4::from_scale(DVec3::new(-1.0, 1.0, 2.0)),
        );
        let half = v.downsampled_2x();
        assert_eq!(half.dims, [2, 2, 1]);
        // Block (0,0,0) holds voxels 0, 1, 4, 5, 16, 17, 20, 21.
        assert_eq!(
            half.value(0, 0),
            (1 + 4 + 5 + 16 + 17 + 20 + 21) as f32 / 8.0
        );
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

#[cfg(test)]
mod sampling_tests {
    use super::*;

    fn ramp() -> Volume {
        // value = x + 10 y + 100 z, stored as int16 with slope 0.5 and intercept 1.
        let dims = [3, 3, 3];
        let raw: Vec<i16> = (0..27)
            .map(|i| ((i % 3) + 10 * ((i / 3) % 3) + 100 * (i / 9)) as i16)
            .collect();
        Volume {
            name: "ramp".into(),
            dims,
            n_frames: 1,
            voxels: Voxels::I16(raw),
            scaling: Some((0.5, 1.0)),
            world_from_voxel: DMat4::from_translation(DVec3::new(-10.0, 0.0, 0.0))
                * DMat4::from_scale(DVec3::splat(2.0)),
            frame_secs: None,
        }
    }

    #[test]
    fn values_are_scaled_and_sampled_in_world_space() {
        let v = ramp();
        assert_eq!(v.value_at(0, [1, 2, 0]), Some(21.0 * 0.5 + 1.0));
        assert_eq!(v.value_at(0, [3, 0, 0]), None);
        // World (-8, 2, 2) is voxel (1, 1, 1): 111 → 56.5.
        assert_eq!(
            v.sample(0, DVec3::new(-8.0, 2.0, 2.0), Interpolation::Nearest),
            Some(56.5)
        );
        // Halfway between voxels (1,1,1) and (2,1,1): linear in x.
        let mid = v
            .sample(0, DVec3::new(-7.0, 2.0, 2.0), Interpolation::Linear)
            .unwrap();
        assert!((mid - (111.5 * 0.5 + 1.0)).abs() < 1e-4, "{mid}");
        assert_eq!(
            v.sample(0, DVec3::new(50.0, 0.0, 0.0), Interpolation::Linear),
            None
        );
        assert_eq!(v.frame_f32(0)[5], (2.0 + 10.0) * 0.5 + 1.0);
        assert_eq!(v.voxels.size_bytes(), 54);
    }
}
