//! FreeSurfer MGH volumes and their gzipped form MGZ (`.mgh`, `.mgz`): big-endian header, data at
//! byte 284, voxel types uchar, int, float, short and ushort.
//!
//! The affine is nibabel's `MGHHeader.get_affine()`: direction cosines times voxel sizes, with the
//! centre offset `Pxyz_c` placed at half the dimensions (nibabel's default transform when
//! `goodRASFlag` is 0). A file shaped like per-vertex data (height = depth = 1) becomes a scalar
//! overlay with one frame per MGH frame; anything else a [`Volume`] holding frame 0 (the
//! [`ArrayInfo`] reports the full shape and the range and mean of all frames).
//!
//! What it does not do: the optional footer (TR, flip angle, TE, TI, FoV, tags) is ignored.

use std::path::Path;

use glam::{DMat4, DVec4};

use super::{ArrayInfo, FormatError, Loaded, read_maybe_gzipped};
use crate::model::{Overlay, OverlayData, Volume};

/// Byte offset of the voxel data.
pub const DATA_OFFSET: usize = 284;

/// The fixed header fields.
#[derive(Clone, Debug, PartialEq)]
pub struct MghHeader {
    /// width, height, depth, frames.
    pub dims: [usize; 4],
    /// 0 uchar, 1 int32, 3 float32, 4 int16, 10 uint16.
    pub data_type: i32,
    pub dof: i32,
    pub good_ras: bool,
    /// Voxel sizes (nibabel's `delta`).
    pub delta: [f32; 3],
    /// Rows are the x, y and z direction cosines (as stored; nibabel's `Mdc`).
    pub mdc: [[f32; 3]; 3],
    /// World position of the volume centre (`Pxyz_c`).
    pub c_ras: [f32; 3],
    pub world_from_voxel: DMat4,
}

impl MghHeader {
    fn bytes_per_voxel(&self) -> usize {
        match self.data_type {
            0 => 1,
            4 | 10 => 2,
            _ => 4,
        }
    }

    pub fn n_voxels_per_frame(&self) -> usize {
        self.dims[..3].iter().product()
    }

    /// The shape nibabel reports: the frame axis is dropped when there is one frame.
    pub fn shape(&self) -> Vec<usize> {
        let n = if self.dims[3] == 1 { 3 } else { 4 };
        self.dims[..n].to_vec()
    }

    /// Whether the file holds per-vertex data (a vertices × 1 × 1 × frames array).
    pub fn looks_per_vertex(&self) -> bool {
        self.dims[1] == 1 && self.dims[2] == 1 && self.dims[0] > 1
    }
}

/// Reads an MGH/MGZ file: a volume, or a per-vertex overlay when height = depth = 1.
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    read_as(path, None)
}

/// Reads an MGH/MGZ file as per-vertex data whatever its shape (width × height × depth values
/// per frame), e.g. for a file the user loads onto a surface.
pub fn read_per_vertex(path: &Path) -> Result<Loaded, FormatError> {
    read_as(path, Some(true))
}

fn read_as(path: &Path, per_vertex: Option<bool>) -> Result<Loaded, FormatError> {
    let bytes = read_maybe_gzipped(path)?;
    let header = parse_header(&bytes).map_err(|p| FormatError::invalid(path, p))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let per_vertex = per_vertex.unwrap_or_else(|| header.looks_per_vertex());
    let (values, info) =
        decode(&bytes, &header, per_vertex).map_err(|p| FormatError::invalid(path, p))?;
    Ok(if per_vertex {
        per_vertex_loaded(&header, values, info, name)
    } else {
        volume_loaded(&header, values, info, name)
    })
}

/// Parses the 284-byte header region (at least its first 90 bytes must be present).
pub fn parse_header(bytes: &[u8]) -> Result<MghHeader, String> {
    if bytes.len() < 90 {
        return Err(format!(
            "truncated header: {} of at least 90 header bytes present",
            bytes.len()
        ));
    }
    let i32_at =
        |at: usize| i32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let f32_at =
        |at: usize| f32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = i32_at(0);
    if version != 1 {
        return Err(format!(
            "not an MGH file (version field is {version}, expected 1)"
        ));
    }
    let mut dims = [0usize; 4];
    for (i, d) in dims.iter_mut().enumerate() {
        let v = i32_at(4 + 4 * i);
        *d = usize::try_from(v)
            .ok()
            .filter(|&d| d > 0)
            .ok_or_else(|| format!("dimension {} has size {v}; sizes must be positive", i + 1))?;
    }
    let total = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d as u64));
    if total.is_none_or(|t| t > 1 << 40) {
        return Err(format!("absurd image size {dims:?}: more than 2^40 values"));
    }
    let data_type = i32_at(20);
    if ![0, 1, 3, 4, 10].contains(&data_type) {
        return Err(format!(
            "unknown MGH data type {data_type} (expected 0 uchar, 1 int, 3 float, 4 short or 10 ushort)"
        ));
    }
    let good_ras = i16::from_be_bytes([bytes[28], bytes[29]]) != 0;
    let (delta, mdc, c_ras) = if good_ras {
        (
            std::array::from_fn(|i| f32_at(30 + 4 * i)),
            std::array::from_fn(|r| std::array::from_fn(|c| f32_at(42 + 12 * r + 4 * c))),
            std::array::from_fn(|i| f32_at(78 + 4 * i)),
        )
    } else {
        // nibabel's default: 1 mm voxels, coronal (LIA) orientation, centred at 0.
        (
            [1.0; 3],
            [[-1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]],
            [0.0; 3],
        )
    };
    let mut header = MghHeader {
        dims,
        data_type,
        dof: i32_at(24),
        good_ras,
        delta,
        mdc,
        c_ras,
        world_from_voxel: DMat4::IDENTITY,
    };
    header.world_from_voxel = affine(&header);
    Ok(header)
}

/// nibabel: `MdcD = Mdc.T * delta` (float32), translation `Pxyz_c - MdcD @ dims[:3] / 2`.
fn affine(h: &MghHeader) -> DMat4 {
    let column =
        |j: usize| -> [f64; 3] { std::array::from_fn(|i| (h.mdc[j][i] * h.delta[j]) as f64) };
    let cols = [column(0), column(1), column(2)];
    let centre: [f64; 3] =
        std::array::from_fn(|i| (0..3).map(|j| cols[j][i] * h.dims[j] as f64).sum::<f64>() / 2.0);
    let t: [f64; 3] = std::array::from_fn(|i| h.c_ras[i] as f64 - centre[i]);
    let col4 = |c: [f64; 3]| DVec4::new(c[0], c[1], c[2], 0.0);
    DMat4::from_cols(
        col4(cols[0]),
        col4(cols[1]),
        col4(cols[2]),
        DVec4::new(t[0], t[1], t[2], 1.0),
    )
}

/// Decodes frame 0 (or every frame, for per-vertex data) and summarises all frames.
fn decode(bytes: &[u8], h: &MghHeader, all_frames: bool) -> Result<(Vec<f32>, ArrayInfo), String> {
    let per_frame = h.n_voxels_per_frame();
    let total: usize = h.dims.iter().product();
    let size = h.bytes_per_voxel();
    let available = bytes.len().saturating_sub(DATA_OFFSET) / size;
    if available < total {
        return Err(format!(
            "truncated: header promises {total} values, data holds {available}"
        ));
    }
    let data = &bytes[DATA_OFFSET..DATA_OFFSET + total * size];
    let keep = if all_frames { total } else { per_frame };
    let mut values = Vec::with_capacity(keep);
    let (mut min, mut max, mut sum, mut count) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0u64);
    for (i, v) in voxels(data, h.data_type).enumerate() {
        if v.is_finite() {
            min = min.min(v);
            max = max.max(v);
            sum += v;
            count += 1;
        }
        if i < keep {
            values.push(v as f32);
        }
    }
    let empty = count == 0;
    let info = ArrayInfo {
        intent: if all_frames { "per-vertex" } else { "volume" }.into(),
        shape: h.shape(),
        min: if empty { f64::NAN } else { min },
        max: if empty { f64::NAN } else { max },
        mean: (!empty).then(|| sum / count as f64),
    };
    Ok((values, info))
}

fn voxels(data: &[u8], data_type: i32) -> Box<dyn Iterator<Item = f64> + '_> {
    match data_type {
        0 => Box::new(data.iter().map(|&b| b as f64)),
        4 => Box::new(
            data.chunks_exact(2)
                .map(|b| i16::from_be_bytes([b[0], b[1]]) as f64),
        ),
        10 => Box::new(
            data.chunks_exact(2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]) as f64),
        ),
        1 => Box::new(
            data.chunks_exact(4)
                .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64),
        ),
        _ => Box::new(
            data.chunks_exact(4)
                .map(|b| f32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64),
        ),
    }
}

fn volume_loaded(h: &MghHeader, data: Vec<f32>, info: ArrayInfo, name: String) -> Loaded {
    Loaded {
        volume: Some(Volume {
            name,
            dims: [h.dims[0], h.dims[1], h.dims[2]],
            data,
            world_from_voxel: h.world_from_voxel,
        }),
        arrays: vec![info],
        ..Default::default()
    }
}

fn per_vertex_loaded(h: &MghHeader, values: Vec<f32>, info: ArrayInfo, name: String) -> Loaded {
    Loaded {
        overlays: vec![Overlay {
            name,
            data: OverlayData::Scalar {
                n_vertices: h.n_voxels_per_frame(),
                n_frames: h.dims[3],
                values,
            },
        }],
        arrays: vec![info],
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mgh_bytes(dims: [i32; 4], data_type: i32, data: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; DATA_OFFSET];
        b[0..4].copy_from_slice(&1i32.to_be_bytes());
        for (i, d) in dims.iter().enumerate() {
            b[4 + 4 * i..8 + 4 * i].copy_from_slice(&d.to_be_bytes());
        }
        b[20..24].copy_from_slice(&data_type.to_be_bytes());
        b.extend_from_slice(data);
        b
    }

    #[test]
    fn default_affine_when_ras_is_not_good() {
        let bytes = mgh_bytes([2, 2, 2, 1], 0, &[1, 2, 3, 4, 5, 6, 7, 8]);
        let h = parse_header(&bytes).unwrap();
        // LIA, centre at 0: translation = −(Mdc.T · dims) / 2.
        let m = h.world_from_voxel.to_cols_array_2d();
        assert_eq!(m[0][..3], [-1.0, 0.0, 0.0]);
        assert_eq!(m[1][..3], [0.0, 0.0, 1.0]);
        assert_eq!(m[2][..3], [0.0, -1.0, 0.0]);
        assert_eq!(m[3][..3], [1.0, 1.0, -1.0]);
        let (values, info) = decode(&bytes, &h, false).unwrap();
        assert_eq!(values, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        assert_eq!((info.min, info.max, info.mean), (1.0, 8.0, Some(4.5)));
    }

    #[test]
    fn types_and_errors() {
        let shorts: Vec<u8> = [-3i16, 7].iter().flat_map(|v| v.to_be_bytes()).collect();
        let bytes = mgh_bytes([2, 1, 1, 1], 4, &shorts);
        let h = parse_header(&bytes).unwrap();
        assert!(h.looks_per_vertex());
        assert_eq!(decode(&bytes, &h, true).unwrap().0, vec![-3.0, 7.0]);
        assert!(
            decode(&bytes[..bytes.len() - 1], &h, true)
                .unwrap_err()
                .contains("promises 2 values, data holds 1")
        );
        assert!(
            parse_header(&mgh_bytes([2, 0, 1, 1], 4, &[]))
                .unwrap_err()
                .contains("dimension 2 has size 0")
        );
        assert!(
            parse_header(&mgh_bytes([2, 1, 1, 1], 2, &[]))
                .unwrap_err()
                .contains("unknown MGH data type 2")
        );
        assert!(
            parse_header(&bytes[..50])
                .unwrap_err()
                .contains("truncated header")
        );
        let absurd = mgh_bytes([i32::MAX, i32::MAX, i32::MAX, i32::MAX], 3, &[0; 8]);
        assert!(parse_header(&absurd).unwrap_err().contains("absurd"));
        let huge = mgh_bytes([10000, 10000, 1000, 1], 3, &[0; 8]);
        let h = parse_header(&huge).unwrap();
        assert!(
            decode(&huge, &h, false)
                .unwrap_err()
                .contains("data holds 2")
        );
        let mut not_mgh = bytes.clone();
        not_mgh[3] = 2;
        assert!(parse_header(&not_mgh).unwrap_err().contains("not an MGH"));
    }
}
