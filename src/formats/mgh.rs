//! FreeSurfer MGH volumes and their gzipped form MGZ (`.mgh`, `.mgz`): big-endian header, data at
//! byte 284, voxel types uchar, int, float, short and ushort, then an optional footer whose first
//! value is the repetition time TR in milliseconds.
//!
//! The affine is nibabel's `MGHHeader.get_affine()`: direction cosines times voxel sizes, with the
//! centre offset `Pxyz_c` placed at half the dimensions (nibabel's default transform when
//! `goodRASFlag` is 0). A file shaped like per-vertex data (height = depth = 1) becomes a scalar
//! overlay with one frame per MGH frame; anything else a [`Volume`] holding every frame in the
//! stored type (read straight into place, byte order fixed in place), with `frame_secs` from TR
//! when there are several frames. The [`ArrayInfo`] reports the full shape and the range and
//! mean of all frames.
//!
//! What it does not do: the rest of the footer (flip angle, TE, TI, FoV, tags) is ignored.

use std::path::Path;

use glam::{DMat4, DVec4};

use super::nifti::Dtype;
use super::voxel_io::{self, Stream, open_stream};
use super::{ArrayInfo, FormatError, Loaded, MAX_DECODED_BYTES};
use crate::model::{Overlay, OverlayData, Volume, Voxels};

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
    let mut stream = open_stream(path, "MGH")?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    read_stream(&mut stream, name, per_vertex).map_err(|p| FormatError::invalid(path, p))
}

/// Reads the header, every frame and the footer's TR from a stream.
fn read_stream(
    stream: &mut Stream,
    name: String,
    per_vertex: Option<bool>,
) -> Result<Loaded, String> {
    let mut head = [0u8; DATA_OFFSET];
    let got = stream.read_full(&mut head)?;
    let header = parse_header(&head[..got])?;
    let per_vertex = per_vertex.unwrap_or_else(|| header.looks_per_vertex());
    let total = header.dims.iter().product::<usize>();
    if got < DATA_OFFSET {
        return Err(format!(
            "truncated: header promises {total} values, data holds 0"
        ));
    }
    let (voxels, info, tr_ms) = decode(stream, &header, per_vertex)?;
    Ok(if per_vertex {
        per_vertex_loaded(&header, voxels, info, name)
    } else {
        volume_loaded(&header, voxels, info, name, tr_ms)
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

/// The stored type of an MGH data type code (already validated by [`parse_header`]).
fn dtype(data_type: i32) -> Dtype {
    match data_type {
        0 => Dtype::U8,
        1 => Dtype::I32,
        4 => Dtype::I16,
        10 => Dtype::U16,
        _ => Dtype::F32,
    }
}

/// Reads every frame (the stream is just past the header) and summarises them; also the TR in
/// milliseconds from the footer, when present.
fn decode(
    stream: &mut Stream,
    h: &MghHeader,
    per_vertex: bool,
) -> Result<(Voxels, ArrayInfo, Option<f64>), String> {
    let total: usize = h.dims.iter().product();
    let size = h.bytes_per_voxel();
    let data_bytes = (total as u64).saturating_mul(size as u64);
    if let Some(len) = stream.plain_len {
        let available = len.saturating_sub(DATA_OFFSET as u64) / size as u64;
        if available < total as u64 {
            return Err(format!(
                "truncated: header promises {total} values, data holds {available}"
            ));
        }
    } else if data_bytes.saturating_add(DATA_OFFSET as u64) > MAX_DECODED_BYTES {
        return Err(format!(
            "the header promises {total} values ({:.1} GiB), more than the 4 GiB Glia decompresses",
            data_bytes as f64 / (1u64 << 30) as f64
        ));
    }
    let likely = stream.size_hint.map_or(1 << 20, |hint| {
        hint.saturating_sub(DATA_OFFSET as u64) / size as u64
    });
    let likely = usize::try_from(likely).unwrap_or(usize::MAX);
    let (voxels, stats) = voxel_io::read_voxels(stream, dtype(h.data_type), true, total, likely)?;
    let mut footer = [0u8; 4];
    let tr_ms = (stream.read_full(&mut footer)? == 4).then(|| f32::from_be_bytes(footer) as f64);
    stream.check_gzip_end()?;
    let (min, max, mean) = stats.summary(None);
    let info = ArrayInfo {
        intent: if per_vertex { "per-vertex" } else { "volume" }.into(),
        shape: h.shape(),
        min,
        max,
        mean,
    };
    Ok((voxels, info, tr_ms))
}

fn volume_loaded(
    h: &MghHeader,
    voxels: Voxels,
    info: ArrayInfo,
    name: String,
    tr_ms: Option<f64>,
) -> Loaded {
    let n_frames = h.dims[3];
    let frame_secs = tr_ms
        .filter(|&tr| n_frames > 1 && tr.is_finite() && tr > 0.0)
        .map(|tr| tr / 1000.0);
    Loaded {
        volume: Some(Volume {
            name,
            dims: [h.dims[0], h.dims[1], h.dims[2]],
            n_frames,
            voxels,
            scaling: None,
            world_from_voxel: h.world_from_voxel,
            frame_secs,
        }),
        arrays: vec![info],
        ..Default::default()
    }
}

fn per_vertex_loaded(h: &MghHeader, voxels: Voxels, info: ArrayInfo, name: String) -> Loaded {
    let values = match voxels {
        Voxels::F32(v) => v,
        other => (0..other.len()).map(|i| other.raw(i) as f32).collect(),
    };
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

    fn from_bytes(bytes: &[u8], per_vertex: Option<bool>) -> Result<Loaded, String> {
        read_stream(&mut Stream::of_bytes(bytes), "t".into(), per_vertex)
    }

    #[test]
    fn frames_and_tr_from_the_footer() {
        let data: Vec<u8> = (0..16u16).flat_map(|v| v.to_be_bytes()).collect();
        let mut bytes = mgh_bytes([2, 2, 2, 2], 10, &data);
        bytes.extend(2000f32.to_be_bytes()); // TR in ms
        bytes.extend([0u8; 12]);
        let v = from_bytes(&bytes, None).unwrap().volume.unwrap();
        assert_eq!(
            (v.dims, v.n_frames, v.frame_secs),
            ([2, 2, 2], 2, Some(2.0))
        );
        assert_eq!(v.voxels, Voxels::U16((0..16).collect()));
        assert_eq!(v.frame_f32(1)[0], 8.0);
    }

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
        let loaded = from_bytes(&bytes, None).unwrap();
        let v = loaded.volume.unwrap();
        assert_eq!(v.voxels, Voxels::U8(vec![1, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!((v.n_frames, v.frame_secs), (1, None));
        let info = &loaded.arrays[0];
        assert_eq!((info.min, info.max, info.mean), (1.0, 8.0, Some(4.5)));
    }

    #[test]
    fn types_and_errors() {
        let shorts: Vec<u8> = [-3i16, 7].iter().flat_map(|v| v.to_be_bytes()).collect();
        let bytes = mgh_bytes([2, 1, 1, 1], 4, &shorts);
        let h = parse_header(&bytes).unwrap();
        assert!(h.looks_per_vertex());
        let loaded = from_bytes(&bytes, None).unwrap();
        let OverlayData::Scalar { values, .. } = &loaded.overlays[0].data else {
            panic!("not scalar")
        };
        assert_eq!(values, &[-3.0, 7.0]);
        let volume = from_bytes(&bytes, Some(false)).unwrap().volume.unwrap();
        assert_eq!(volume.voxels, Voxels::I16(vec![-3, 7]));
        assert!(
            from_bytes(&bytes[..bytes.len() - 1], None)
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
        assert!(
            from_bytes(&huge, None)
                .unwrap_err()
                .contains("data holds 2")
        );
        let mut not_mgh = bytes.clone();
        not_mgh[3] = 2;
        assert!(parse_header(&not_mgh).unwrap_err().contains("not an MGH"));
    }
}
