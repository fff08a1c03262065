//! NIfTI-1 and NIfTI-2 volumes (`.nii`, `.nii.gz`, `.hdr`/`.img` pairs, either byte order), and
//! Analyze 7.5 `.hdr`/`.img` pairs (a `.hdr` without a NIfTI magic string).
//!
//! The header parsers are our own (the `nifti` crate reads NIfTI-1 only). Every frame is kept in
//! the file's own type (int16 stays `i16`; int64/uint64 become `f64`), read straight into its
//! final storage by `formats::voxel_io`, so peak memory is the decoded data (gzipped or
//! not). `scl_slope`/`scl_inter` become [`Volume::scaling`], applied on read as nibabel applies
//! them. The affine follows nibabel's `img.affine` exactly: sform, else qform, else the base
//! affine from `pixdim`. The [`ArrayInfo`] reports the full shape and the range and mean of the
//! scaled values of all frames.
//!
//! What it does not do: complex, float128 and 1-bit data (an "unsupported" error); NIfTI
//! extensions are skipped. RGB24/RGBA32 voxels become `u8` luminance (0.299 R + 0.587 G +
//! 0.114 B, rounded; alpha ignored).

use std::io::Read;
use std::path::{Path, PathBuf};

use glam::{DMat4, DVec4};

use super::voxel_io::{self, Stream, open_stream, read_full};
use super::{ArrayInfo, FormatError, Loaded, MAX_DECODED_BYTES};
use crate::model::Volume;

/// Which header layout the file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NiftiVersion {
    /// Analyze 7.5: a 348-byte `.hdr` without a NIfTI magic string (no scaling, no transforms).
    Analyze,
    Nifti1,
    Nifti2,
}

/// Voxel types Glia reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    U8,
    I8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
    Rgb24,
    Rgba32,
}

impl Dtype {
    /// The NIfTI `datatype` code for this type; `Err` names codes Glia does not read.
    pub fn from_code(code: i32) -> Result<Dtype, String> {
        Ok(match code {
            2 => Dtype::U8,
            4 => Dtype::I16,
            8 => Dtype::I32,
            16 => Dtype::F32,
            64 => Dtype::F64,
            128 => Dtype::Rgb24,
            256 => Dtype::I8,
            512 => Dtype::U16,
            768 => Dtype::U32,
            1024 => Dtype::I64,
            1280 => Dtype::U64,
            2304 => Dtype::Rgba32,
            1 => return Err("1-bit (binary) voxels are not supported".into()),
            32 | 1792 | 2048 => return Err("complex-valued voxels are not supported".into()),
            1536 => return Err("float128 voxels are not supported".into()),
            0 => return Err("the header gives no voxel data type (datatype 0)".into()),
            other => return Err(format!("unknown voxel data type code {other}")),
        })
    }

    pub fn size_bytes(self) -> usize {
        match self {
            Dtype::U8 | Dtype::I8 => 1,
            Dtype::I16 | Dtype::U16 => 2,
            Dtype::Rgb24 => 3,
            Dtype::I32 | Dtype::U32 | Dtype::F32 | Dtype::Rgba32 => 4,
            Dtype::I64 | Dtype::U64 | Dtype::F64 => 8,
        }
    }

    /// The name numpy gives the type, as nibabel's `img.get_data_dtype()` prints it: `"int16"` for
    /// little-endian (native) data, `">i2"` for big-endian.
    pub fn numpy_name(self, big_endian: bool) -> String {
        let (name, code) = match self {
            Dtype::U8 => ("uint8", "u1"),
            Dtype::I8 => ("int8", "i1"),
            Dtype::I16 => ("int16", "i2"),
            Dtype::U16 => ("uint16", "u2"),
            Dtype::I32 => ("int32", "i4"),
            Dtype::U32 => ("uint32", "u4"),
            Dtype::I64 => ("int64", "i8"),
            Dtype::U64 => ("uint64", "u8"),
            Dtype::F32 => ("float32", "f4"),
            Dtype::F64 => ("float64", "f8"),
            Dtype::Rgb24 => return "RGB24".into(),
            Dtype::Rgba32 => return "RGBA32".into(),
        };
        if big_endian && self.size_bytes() > 1 {
            format!(">{code}")
        } else {
            name.into()
        }
    }
}

/// The parsed header, for `glia info` and for reading the data.
#[derive(Clone, Debug, PartialEq)]
pub struct NiftiHeader {
    pub version: NiftiVersion,
    pub big_endian: bool,
    /// The image shape, `dim[1..=dim[0]]`.
    pub shape: Vec<usize>,
    /// `pixdim[0..8]`, with `pixdim[1..4]` fixed as nibabel fixes them on load (0 → 1, negative →
    /// absolute value).
    pub pixdim: [f64; 8],
    /// The raw `datatype` code (see [`Dtype::from_code`]).
    pub datatype: i32,
    /// Byte offset of the voxel data in the image file (at least the header size for `.nii`).
    pub vox_offset: u64,
    pub scl_slope: f64,
    pub scl_inter: f64,
    pub qform_code: i32,
    pub sform_code: i32,
    /// `quatern_b, quatern_c, quatern_d`.
    pub quatern_bcd: [f64; 3],
    pub qoffset: [f64; 3],
    /// `srow_x, srow_y, srow_z`.
    pub srow: [[f64; 4]; 3],
    /// World (RAS+ mm) from voxel indices, as nibabel's `img.affine`.
    pub world_from_voxel: DMat4,
    pub intent_code: i32,
    pub intent_name: String,
    pub descrip: String,
    pub xyzt_units: i32,
    /// True when the header came from a `.hdr` whose data are in a separate `.img`.
    pub is_pair: bool,
}

impl NiftiHeader {
    pub fn dtype(&self) -> Result<Dtype, String> {
        Dtype::from_code(self.datatype)
    }

    /// numpy's name for the stored type (`"int16"`, `">i2"`), as nibabel prints it.
    pub fn dtype_name(&self) -> String {
        self.dtype()
            .map(|d| d.numpy_name(self.big_endian))
            .unwrap_or_else(|_| format!("datatype {}", self.datatype))
    }

    /// `(slope, intercept)` when the data are scaled, as nibabel's `get_slope_inter`: a slope of 0
    /// or a non-finite slope means no scaling (Analyze files are never scaled), and so does the
    /// identity (1, 0).
    pub fn scaling(&self) -> Option<(f64, f64)> {
        let usable = self.version != NiftiVersion::Analyze
            && self.scl_slope != 0.0
            && self.scl_slope.is_finite()
            && self.scl_inter.is_finite()
            && (self.scl_slope, self.scl_inter) != (1.0, 0.0);
        usable.then_some((self.scl_slope, self.scl_inter))
    }

    /// Seconds between frames: `pixdim[4]` in the time unit of `xyzt_units` (seconds when the
    /// unit is unset), for images with a fourth dimension and a positive step.
    pub fn frame_secs(&self) -> Option<f64> {
        if self.shape.len() < 4 {
            return None;
        }
        let per_unit = match self.xyzt_units & 0x38 {
            0 | 8 => 1.0,
            16 => 1e-3,
            24 => 1e-6,
            _ => return None, // Hz, ppm, rad/s: not a time step
        };
        let step = self.pixdim[4];
        (step.is_finite() && step > 0.0).then_some(step * per_unit)
    }

    /// `pixdim[1..4]`, the voxel size nibabel's `get_zooms()[:3]` reports.
    pub fn voxel_size_mm(&self) -> [f64; 3] {
        [self.pixdim[1], self.pixdim[2], self.pixdim[3]]
    }

    /// The first three dimensions (missing ones are 1).
    pub fn dims3(&self) -> [usize; 3] {
        let d = |i: usize| self.shape.get(i).copied().unwrap_or(1);
        [d(0), d(1), d(2)]
    }

    pub fn voxels_per_frame(&self) -> usize {
        self.dims3().iter().product()
    }

    /// Number of 3D frames (the product of the dimensions after the third).
    pub fn n_frames(&self) -> usize {
        self.shape.iter().skip(3).product()
    }

    fn header_size(&self) -> u64 {
        match self.version {
            NiftiVersion::Nifti2 => 540,
            _ => 348,
        }
    }
}

/// Reads a NIfTI image: the volume (all frames) and one [`ArrayInfo`] describing it.
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    let files = PairPaths::of(path)?;
    let mut header_stream = open_stream(&files.header, "NIfTI")?;
    let header =
        parse_header(&mut header_stream.reader, files.is_pair).map_err(|p| p.at(&files.header))?;
    let mut data_stream = match (&files.image, header.is_pair) {
        (Some(image), true) => open_stream(image, "NIfTI")?,
        (None, true) => {
            return Err(FormatError::invalid(
                path,
                "this .hdr holds only a header, and its .img data file is missing",
            ));
        }
        _ => header_stream,
    };
    let data_path = files
        .image
        .as_deref()
        .filter(|_| header.is_pair)
        .unwrap_or(&files.header);
    let name = file_name(path);
    decode_volume(&mut data_stream, &header, name)
        .map(|(volume, info)| Loaded {
            volume: Some(volume),
            arrays: vec![info],
            ..Default::default()
        })
        .map_err(|p| p.at(data_path))
}

/// Reads the header alone (for a pair, the `.hdr`).
pub fn read_header(path: &Path) -> Result<NiftiHeader, FormatError> {
    let files = PairPaths::of(path)?;
    let mut stream = open_stream(&files.header, "NIfTI")?;
    parse_header(&mut stream.reader, files.is_pair).map_err(|p| p.at(&files.header))
}

/// Reads a single-file NIfTI image held in memory (gzipped or not), e.g. one compiled into the
/// binary. `name` names the volume and appears in nothing else.
pub fn read_bytes(bytes: &[u8], name: &str) -> Result<Volume, String> {
    let mut stream = Stream::of_bytes(bytes);
    let header = parse_header(&mut stream.reader, false).map_err(|p| p.message())?;
    if header.is_pair {
        return Err("this is a header-only NIfTI (.hdr); its data are in a separate .img".into());
    }
    decode_volume(&mut stream, &header, name.to_owned())
        .map(|(volume, _)| volume)
        .map_err(|p| p.message())
}

// ---------------------------------------------------------------------------------------------
// Problems (turned into a FormatError once the file they concern is known)

enum Problem {
    Invalid(String),
    Unsupported(String),
}

impl Problem {
    fn at(self, path: &Path) -> FormatError {
        match self {
            Problem::Invalid(m) => FormatError::invalid(path, m),
            Problem::Unsupported(m) => FormatError::unsupported(path, m),
        }
    }

    fn message(self) -> String {
        match self {
            Problem::Invalid(m) | Problem::Unsupported(m) => m,
        }
    }
}

fn invalid<T>(message: impl Into<String>) -> Result<T, Problem> {
    Err(Problem::Invalid(message.into()))
}

// ---------------------------------------------------------------------------------------------
// Files and streams

/// Where the header and the data of an image live.
struct PairPaths {
    header: PathBuf,
    /// The `.img` of a pair (None if it does not exist, or for a single file).
    image: Option<PathBuf>,
    is_pair: bool,
}

impl PairPaths {
    fn of(path: &Path) -> Result<PairPaths, FormatError> {
        let lower = path.to_string_lossy().to_ascii_lowercase();
        let stem_of = |ext: &str| {
            lower
                .strip_suffix(ext)
                .map(|s| path.to_string_lossy()[..s.len()].to_owned())
        };
        if let Some(stem) = stem_of(".hdr").or_else(|| stem_of(".hdr.gz")) {
            let image = existing(&stem, &[".img", ".img.gz", ".IMG"]);
            return Ok(PairPaths {
                header: path.to_owned(),
                image,
                is_pair: true,
            });
        }
        if let Some(stem) = stem_of(".img").or_else(|| stem_of(".img.gz")) {
            let header = existing(&stem, &[".hdr", ".hdr.gz", ".HDR"]).ok_or_else(|| {
                FormatError::invalid(path, "the .hdr header that goes with this .img is missing")
            })?;
            return Ok(PairPaths {
                header,
                image: Some(path.to_owned()),
                is_pair: true,
            });
        }
        Ok(PairPaths {
            header: path.to_owned(),
            image: None,
            is_pair: false,
        })
    }
}

fn existing(stem: &str, extensions: &[&str]) -> Option<PathBuf> {
    extensions
        .iter()
        .map(|ext| PathBuf::from(format!("{stem}{ext}")))
        .find(|p| p.is_file())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// Header

/// Little helper reading fixed-offset fields in the header's byte order.
struct Fields<'a> {
    bytes: &'a [u8],
    big_endian: bool,
}

impl Fields<'_> {
    fn array<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[at..at + N]);
        if self.big_endian {
            out.reverse();
        }
        out
    }
    fn i16(&self, at: usize) -> i16 {
        i16::from_le_bytes(self.array(at))
    }
    fn i32(&self, at: usize) -> i32 {
        i32::from_le_bytes(self.array(at))
    }
    fn i64(&self, at: usize) -> i64 {
        i64::from_le_bytes(self.array(at))
    }
    fn f32(&self, at: usize) -> f64 {
        f32::from_le_bytes(self.array(at)) as f64
    }
    fn f64(&self, at: usize) -> f64 {
        f64::from_le_bytes(self.array(at))
    }
    fn text(&self, at: usize, len: usize) -> String {
        let raw = &self.bytes[at..at + len];
        let end = raw.iter().position(|&b| b == 0).unwrap_or(len);
        String::from_utf8_lossy(&raw[..end]).trim_end().to_owned()
    }
}

/// The header fields both versions share, before validation.
struct RawHeader {
    version: NiftiVersion,
    dim: [i64; 8],
    pixdim: [f64; 8],
    datatype: i32,
    vox_offset: f64,
    scl: (f64, f64),
    codes: (i32, i32),
    quatern_bcd: [f64; 3],
    qoffset: [f64; 3],
    srow: [[f64; 4]; 3],
    intent_code: i32,
    intent_name: String,
    descrip: String,
    xyzt_units: i32,
    is_pair: bool,
}

/// Reads and validates the header from the start of `reader`, leaving it just after the header
/// (348 or 540 bytes in).
fn parse_header(reader: &mut dyn Read, expect_pair: bool) -> Result<NiftiHeader, Problem> {
    let mut bytes = vec![0u8; 540];
    let got = read_full(reader, &mut bytes[..4], false).map_err(Problem::Invalid)?;
    if got < 4 {
        return invalid("file too short to be NIfTI (no header)");
    }
    let size_le = i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let size_be = i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let (size, big_endian) = match (size_le, size_be) {
        (348 | 540, _) => (size_le as usize, false),
        (_, 348 | 540) => (size_be as usize, true),
        _ => {
            return invalid(format!(
                "not a NIfTI or Analyze file (header size field is {size_le}, expected 348 or 540)"
            ));
        }
    };
    let got = read_full(reader, &mut bytes[4..size], false).map_err(Problem::Invalid)?;
    if got < size - 4 {
        return invalid(format!(
            "truncated header: {} of {size} header bytes present",
            got + 4
        ));
    }
    let fields = Fields {
        bytes: &bytes[..size],
        big_endian,
    };
    let raw = if size == 348 {
        raw_nifti1(&fields, expect_pair)?
    } else {
        raw_nifti2(&fields)?
    };
    validate(raw, big_endian)
}

fn raw_nifti1(f: &Fields, expect_pair: bool) -> Result<RawHeader, Problem> {
    let magic = &f.bytes[344..348];
    let (version, is_pair) = match magic {
        b"n+1\0" => (NiftiVersion::Nifti1, false),
        b"ni1\0" => (NiftiVersion::Nifti1, true),
        _ if expect_pair => (NiftiVersion::Analyze, true),
        _ => return invalid("not a NIfTI-1 file (magic string is not \"n+1\")"),
    };
    let nifti = version == NiftiVersion::Nifti1;
    let pick = |v: f64| if nifti { v } else { 0.0 };
    Ok(RawHeader {
        version,
        dim: std::array::from_fn(|i| f.i16(40 + 2 * i) as i64),
        pixdim: std::array::from_fn(|i| f.f32(76 + 4 * i)),
        datatype: f.i16(70) as i32,
        vox_offset: f.f32(108),
        scl: (pick(f.f32(112)), pick(f.f32(116))),
        codes: if nifti {
            (f.i16(252) as i32, f.i16(254) as i32)
        } else {
            (0, 0)
        },
        quatern_bcd: [f.f32(256), f.f32(260), f.f32(264)],
        qoffset: [f.f32(268), f.f32(272), f.f32(276)],
        srow: std::array::from_fn(|r| std::array::from_fn(|c| f.f32(280 + 16 * r + 4 * c))),
        intent_code: if nifti { f.i16(68) as i32 } else { 0 },
        intent_name: if nifti {
            f.text(328, 16)
        } else {
            String::new()
        },
        descrip: f.text(148, 80),
        xyzt_units: if nifti { f.bytes[123] as i32 } else { 0 },
        is_pair,
    })
}

fn raw_nifti2(f: &Fields) -> Result<RawHeader, Problem> {
    let is_pair = match &f.bytes[4..8] {
        b"n+2\0" => false,
        b"ni2\0" => true,
        _ => return invalid("not a NIfTI-2 file (magic string is not \"n+2\")"),
    };
    Ok(RawHeader {
        version: NiftiVersion::Nifti2,
        dim: std::array::from_fn(|i| f.i64(16 + 8 * i)),
        pixdim: std::array::from_fn(|i| f.f64(104 + 8 * i)),
        datatype: f.i16(12) as i32,
        vox_offset: f.i64(168) as f64,
        scl: (f.f64(176), f.f64(184)),
        codes: (f.i32(344), f.i32(348)),
        quatern_bcd: [f.f64(352), f.f64(360), f.f64(368)],
        qoffset: [f.f64(376), f.f64(384), f.f64(392)],
        srow: std::array::from_fn(|r| std::array::from_fn(|c| f.f64(400 + 32 * r + 8 * c))),
        intent_code: f.i32(504),
        intent_name: f.text(508, 16),
        descrip: f.text(240, 80),
        xyzt_units: f.i32(500),
        is_pair,
    })
}

/// Largest number of voxels a header may claim before we call it absurd (2^40).
const MAX_VOXELS: u64 = 1 << 40;

fn validate(raw: RawHeader, big_endian: bool) -> Result<NiftiHeader, Problem> {
    let shape = shape_of(&raw.dim)?;
    let mut pixdim = raw.pixdim;
    for p in &mut pixdim[1..4] {
        // nibabel's load-time fix: zero sizes become 1, negative ones their absolute value.
        *p = if *p == 0.0 { 1.0 } else { p.abs() };
    }
    let header_size = if raw.version == NiftiVersion::Nifti2 {
        540
    } else {
        348
    };
    if !(raw.vox_offset.is_finite() && raw.vox_offset >= 0.0 && raw.vox_offset < 1e15) {
        return invalid(format!(
            "invalid data offset (vox_offset = {})",
            raw.vox_offset
        ));
    }
    let mut vox_offset = raw.vox_offset as u64;
    if !raw.is_pair {
        // A single file's data cannot start inside the header (+ 4 extension-flag bytes).
        vox_offset = vox_offset.max(header_size + 4);
    }
    let mut header = NiftiHeader {
        version: raw.version,
        big_endian,
        shape,
        pixdim,
        datatype: raw.datatype,
        vox_offset,
        scl_slope: raw.scl.0,
        scl_inter: raw.scl.1,
        qform_code: raw.codes.0,
        sform_code: raw.codes.1,
        quatern_bcd: raw.quatern_bcd,
        qoffset: raw.qoffset,
        srow: raw.srow,
        world_from_voxel: DMat4::IDENTITY,
        intent_code: raw.intent_code,
        intent_name: raw.intent_name,
        descrip: raw.descrip,
        xyzt_units: raw.xyzt_units,
        is_pair: raw.is_pair,
    };
    header.world_from_voxel = best_affine(&header)?;
    Ok(header)
}

fn shape_of(dim: &[i64; 8]) -> Result<Vec<usize>, Problem> {
    let ndim = dim[0];
    if !(1..=7).contains(&ndim) {
        return invalid(format!(
            "invalid number of dimensions (dim[0] = {ndim}, expected 1 to 7)"
        ));
    }
    let shape = &dim[1..=ndim as usize];
    if let Some((i, d)) = shape.iter().enumerate().find(|(_, d)| **d <= 0) {
        return invalid(format!(
            "dimension {} has size {d}; sizes must be positive",
            i + 1
        ));
    }
    let total = shape
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
        .filter(|&t| t <= MAX_VOXELS);
    if total.is_none() {
        return invalid(format!(
            "absurd image size {shape:?}: more than 2^40 voxels"
        ));
    }
    Ok(shape.iter().map(|&d| d as usize).collect())
}

// ---------------------------------------------------------------------------------------------
// Affine (nibabel's rules: sform, else qform, else base affine)

fn best_affine(h: &NiftiHeader) -> Result<DMat4, Problem> {
    if h.sform_code > 0 {
        let r = h.srow;
        return Ok(DMat4::from_cols(
            DVec4::new(r[0][0], r[1][0], r[2][0], 0.0),
            DVec4::new(r[0][1], r[1][1], r[2][1], 0.0),
            DVec4::new(r[0][2], r[1][2], r[2][2], 0.0),
            DVec4::new(r[0][3], r[1][3], r[2][3], 1.0),
        ));
    }
    if h.qform_code > 0 {
        return qform_affine(h);
    }
    Ok(base_affine(h))
}

/// The qform: rotation from the unit quaternion (w ≥ 0 filled in), times the voxel sizes with
/// `qfac` on z, plus the offsets. As nibabel, `qfac` is -1 only when `pixdim[0]` is exactly -1.
fn qform_affine(h: &NiftiHeader) -> Result<DMat4, Problem> {
    let [b, c, d] = h.quatern_bcd;
    let threshold = if h.version == NiftiVersion::Nifti2 {
        f64::EPSILON * 3.0
    } else {
        f32::EPSILON as f64 * 3.0
    };
    let w2 = 1.0 - (b * b + c * c + d * d);
    let a = if w2.abs() < threshold {
        0.0
    } else if w2 < 0.0 {
        return invalid(format!(
            "the qform quaternion ({b}, {c}, {d}) is longer than 1, so it is not a rotation"
        ));
    } else {
        w2.sqrt()
    };
    let rotation = quaternion_matrix(a, b, c, d);
    let qfac = if h.pixdim[0] == -1.0 { -1.0 } else { 1.0 };
    let zooms = [h.pixdim[1], h.pixdim[2], h.pixdim[3] * qfac];
    let col = |j: usize| {
        DVec4::new(
            rotation[0][j] * zooms[j],
            rotation[1][j] * zooms[j],
            rotation[2][j] * zooms[j],
            0.0,
        )
    };
    let [x, y, z] = h.qoffset;
    Ok(DMat4::from_cols(
        col(0),
        col(1),
        col(2),
        DVec4::new(x, y, z, 1.0),
    ))
}

/// Rotation matrix (row-major) of the quaternion (w, x, y, z), as nibabel's `quat2mat`.
fn quaternion_matrix(w: f64, x: f64, y: f64, z: f64) -> [[f64; 3]; 3] {
    let n = w * w + x * x + y * y + z * z;
    if n < f64::EPSILON {
        return [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    }
    let s = 2.0 / n;
    let (xs, ys, zs) = (x * s, y * s, z * s);
    let (wx, wy, wz) = (w * xs, w * ys, w * zs);
    let (xx, xy, xz) = (x * xs, x * ys, x * zs);
    let (yy, yz, zz) = (y * ys, y * zs, z * zs);
    [
        [1.0 - (yy + zz), xy - wz, xz + wy],
        [xy + wz, 1.0 - (xx + zz), yz - wx],
        [xz - wy, yz + wx, 1.0 - (xx + yy)],
    ]
}

/// nibabel's `get_base_affine`: voxel sizes on the diagonal with x negated, and the centre voxel
/// at the origin.
fn base_affine(h: &NiftiHeader) -> DMat4 {
    let dims = h.dims3();
    let zooms: [f64; 3] = std::array::from_fn(|i| {
        if i < h.shape.len() {
            h.pixdim[i + 1]
        } else {
            1.0
        }
    });
    let zooms = [-zooms[0], zooms[1], zooms[2]];
    let t: [f64; 3] = std::array::from_fn(|i| -((dims[i] as f64 - 1.0) / 2.0) * zooms[i]);
    DMat4::from_cols(
        DVec4::new(zooms[0], 0.0, 0.0, 0.0),
        DVec4::new(0.0, zooms[1], 0.0, 0.0),
        DVec4::new(0.0, 0.0, zooms[2], 0.0),
        DVec4::new(t[0], t[1], t[2], 1.0),
    )
}

// ---------------------------------------------------------------------------------------------
// Data

/// Skips to the data, checks there is enough of it, and reads every frame in its stored type.
fn decode_volume(
    stream: &mut Stream,
    header: &NiftiHeader,
    name: String,
) -> Result<(Volume, ArrayInfo), Problem> {
    let dtype = header.dtype().map_err(Problem::Unsupported)?;
    let consumed = if header.is_pair {
        0
    } else {
        header.header_size()
    };
    let n_total = header.shape.iter().product::<usize>() as u64;
    let size = dtype.size_bytes() as u64;
    if let Some(len) = stream.plain_len {
        check_plain_length(len, header.vox_offset, n_total, size)?;
    }
    let data_bytes = n_total.saturating_mul(size);
    if stream.gzipped && data_bytes.saturating_add(header.vox_offset) > MAX_DECODED_BYTES {
        return invalid(format!(
            "the header promises {n_total} values ({:.1} GiB), more than the 4 GiB Glia decompresses",
            data_bytes as f64 / (1u64 << 30) as f64
        ));
    }
    let n = usize::try_from(n_total)
        .map_err(|_| Problem::Invalid(format!("{n_total} values do not fit in memory")))?;
    let to_skip = header.vox_offset.saturating_sub(consumed);
    let skipped = stream.skip(to_skip).map_err(Problem::Invalid)?;
    if skipped < to_skip {
        return invalid(format!(
            "the data should start at byte {}, beyond the end of the file",
            header.vox_offset
        ));
    }
    let likely = stream
        .size_hint
        .map_or(1 << 20, |h| h.saturating_sub(header.vox_offset) / size);
    let likely = usize::try_from(likely).unwrap_or(usize::MAX);
    let (voxels, stats) = voxel_io::read_voxels(stream, dtype, header.big_endian, n, likely)
        .map_err(Problem::Invalid)?;
    stream.check_gzip_end().map_err(Problem::Invalid)?;
    let scaling = match dtype {
        Dtype::Rgb24 | Dtype::Rgba32 => None,
        _ => header.scaling(),
    };
    let (min, max, mean) = stats.summary(scaling);
    let info = ArrayInfo {
        intent: "volume".into(),
        shape: header.shape.clone(),
        min,
        max,
        mean,
    };
    let volume = Volume {
        name,
        dims: header.dims3(),
        n_frames: header.n_frames(),
        voxels,
        scaling,
        world_from_voxel: header.world_from_voxel,
        frame_secs: header.frame_secs(),
    };
    Ok((volume, info))
}

fn check_plain_length(len: u64, vox_offset: u64, n_total: u64, size: u64) -> Result<(), Problem> {
    if vox_offset > len {
        return invalid(format!(
            "the data should start at byte {vox_offset}, beyond the end of the file ({len} bytes)"
        ));
    }
    let holds = (len - vox_offset) / size;
    if holds < n_total {
        return invalid(format!(
            "truncated: header promises {n_total} values, data holds {holds}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Voxels;

    /// A little-endian single-file NIfTI-1 header with the given shape and datatype.
    fn header1(dim: &[i16], datatype: i16, pixdim: [f32; 4]) -> Vec<u8> {
        let mut h = vec![0u8; 352];
        h[0..4].copy_from_slice(&348i32.to_le_bytes());
        h[40..42].copy_from_slice(&(dim.len() as i16).to_le_bytes());
        for (i, d) in dim.iter().enumerate() {
            h[42 + 2 * i..44 + 2 * i].copy_from_slice(&d.to_le_bytes());
        }
        h[70..72].copy_from_slice(&datatype.to_le_bytes());
        for (i, p) in pixdim.iter().enumerate() {
            h[76 + 4 * i..80 + 4 * i].copy_from_slice(&p.to_le_bytes());
        }
        h[108..112].copy_from_slice(&352f32.to_le_bytes());
        h[344..348].copy_from_slice(b"n+1\0");
        h
    }

    fn set_f32(h: &mut [u8], at: usize, v: f32) {
        h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    #[test]
    fn base_affine_centres_the_volume() {
        // CONVENTIONS.md: 64x64x10 at 3 mm → diagonal −3, 3, 3; translation 94.5, −94.5, −13.5.
        let mut file = header1(&[64, 64, 10], 2, [1.0, 3.0, 3.0, 3.0]);
        file.extend(std::iter::repeat_n(7u8, 64 * 64 * 10));
        let v = read_bytes(&file, "t").unwrap();
        let m = v.world_from_voxel;
        assert_eq!(m.x_axis.x, -3.0);
        assert_eq!(m.w_axis.truncate().to_array(), [94.5, -94.5, -13.5]);
        assert_eq!(v.voxels, Voxels::U8(vec![7; 64 * 64 * 10]));
        assert_eq!((v.n_frames, v.scaling, v.frame_secs), (1, None, None));
    }

    #[test]
    fn scaling_and_big_values() {
        let mut file = header1(&[2, 1, 1], 4, [1.0; 4]);
        set_f32(&mut file, 112, 2.0);
        set_f32(&mut file, 116, -1.0);
        file.extend_from_slice(&(-3i16).to_le_bytes());
        file.extend_from_slice(&(1000i16).to_le_bytes());
        let v = read_bytes(&file, "t").unwrap();
        assert_eq!(v.frame_f32(0), vec![-7.0, 1999.0]);
        assert_eq!(v.voxels, Voxels::I16(vec![-3, 1000]));
        assert_eq!(v.scaling, Some((2.0, -1.0)));
        // A slope of 0 (or NaN), or the identity, means "not scaled".
        for slope in [0.0, f32::NAN, 1.0] {
            set_f32(&mut file, 112, slope);
            set_f32(&mut file, 116, if slope == 1.0 { 0.0 } else { -1.0 });
            let v = read_bytes(&file, "t").unwrap();
            assert_eq!(v.frame_f32(0), vec![-3.0, 1000.0]);
            assert_eq!(v.scaling, None);
        }
    }

    #[test]
    fn every_datatype_decodes() {
        let cases: [(i16, Vec<u8>, f32, &str); 12] = [
            (2, vec![200], 200.0, "uint8"),
            (256, vec![0xff], -1.0, "int8"),
            (4, (-300i16).to_le_bytes().to_vec(), -300.0, "int16"),
            (512, 60000u16.to_le_bytes().to_vec(), 60000.0, "uint16"),
            (8, (-70000i32).to_le_bytes().to_vec(), -70000.0, "int32"),
            (768, 4_000_000_000u32.to_le_bytes().to_vec(), 4e9, "uint32"),
            (1024, (-5i64).to_le_bytes().to_vec(), -5.0, "float64"),
            (1280, 7u64.to_le_bytes().to_vec(), 7.0, "float64"),
            (16, 1.5f32.to_le_bytes().to_vec(), 1.5, "float32"),
            (64, (-2.25f64).to_le_bytes().to_vec(), -2.25, "float64"),
            (128, vec![100, 100, 100], 100.0, "uint8"),
            (2304, vec![0, 0, 200, 255], 23.0, "uint8"),
        ];
        for (code, bytes, expected, stored) in cases {
            let mut file = header1(&[1, 1, 1], code, [1.0; 4]);
            file.extend(bytes);
            let v = read_bytes(&file, "t").unwrap();
            assert_eq!(v.value(0, 0), expected, "datatype {code}");
            assert_eq!(v.voxels.type_name(), stored, "datatype {code}");
        }
    }

    #[test]
    fn big_endian_header_and_data() {
        let mut h = vec![0u8; 352];
        h[0..4].copy_from_slice(&348i32.to_be_bytes());
        for (i, d) in [3i16, 2, 1, 1].iter().enumerate() {
            h[40 + 2 * i..42 + 2 * i].copy_from_slice(&d.to_be_bytes());
        }
        h[70..72].copy_from_slice(&4i16.to_be_bytes());
        h[108..112].copy_from_slice(&352f32.to_be_bytes());
        h[344..348].copy_from_slice(b"n+1\0");
        h.extend_from_slice(&(-2i16).to_be_bytes());
        h.extend_from_slice(&(513i16).to_be_bytes());
        let v = read_bytes(&h, "t").unwrap();
        assert_eq!(v.voxels, Voxels::I16(vec![-2, 513]));
        assert_eq!(v.dims, [2, 1, 1]);
    }

    #[test]
    fn nan_is_kept_but_not_summarised() {
        let mut file = header1(&[3, 1, 1], 16, [1.0; 4]);
        for v in [1.0f32, f32::NAN, 4.0] {
            file.extend(v.to_le_bytes());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nan.nii");
        std::fs::write(&path, &file).unwrap();
        let loaded = read(&path).unwrap();
        let data = loaded.volume.as_ref().unwrap().frame_f32(0);
        assert!(data[1].is_nan() && data[2] == 4.0);
        let info = &loaded.arrays[0];
        assert_eq!((info.min, info.max, info.mean), (1.0, 4.0, Some(2.5)));
    }

    #[test]
    fn four_d_keeps_every_frame() {
        let mut file = header1(&[2, 1, 1, 3], 2, [1.0; 4]);
        file.extend([1, 2, 3, 4, 5, 6]);
        let v = read_bytes(&file, "t").unwrap();
        assert_eq!((v.dims, v.n_frames), ([2, 1, 1], 3));
        assert_eq!(v.voxels, Voxels::U8(vec![1, 2, 3, 4, 5, 6]));
        assert_eq!(v.frame_f32(2), vec![5.0, 6.0]);
        // No time step in the header: no frame duration.
        assert_eq!(v.frame_secs, None);
    }

    #[test]
    fn frame_secs_follow_the_time_unit() {
        let mut file = header1(&[2, 1, 1, 2], 2, [1.0; 4]);
        set_f32(&mut file, 76 + 16, 2500.0); // pixdim[4]
        file.extend([1, 2, 3, 4]);
        for (units, secs) in [
            (0u8, Some(2500.0)),
            (8 + 2, Some(2500.0)),
            (16 + 2, Some(2.5)),
            (24, Some(0.0025)),
            (32, None),
        ] {
            file[123] = units;
            assert_eq!(
                read_bytes(&file, "t").unwrap().frame_secs,
                secs,
                "xyzt_units {units}"
            );
        }
        // A 3D image has no frames to time.
        let mut three_d = header1(&[2, 1, 1], 2, [1.0; 4]);
        set_f32(&mut three_d, 76 + 16, 2.0);
        three_d.extend([1, 2]);
        assert_eq!(read_bytes(&three_d, "t").unwrap().frame_secs, None);
    }

    #[test]
    fn bad_headers_are_errors() {
        let good = {
            let mut f = header1(&[2, 2, 2], 2, [1.0; 4]);
            f.extend([0; 8]);
            f
        };
        assert!(read_bytes(&good, "t").is_ok());
        let err = |f: &[u8]| read_bytes(f, "t").unwrap_err();
        assert!(err(&good[..7]).contains("truncated header"));
        assert!(err(&good[..355]).contains("header promises 8 values, data holds 3"));
        let mut absurd = header1(&[32767, 32767, 32767, 32767], 16, [1.0; 4]);
        absurd.extend([0; 16]);
        assert!(err(&absurd).contains("absurd"), "{}", err(&absurd));
        let mut huge = header1(&[1000, 1000, 1000], 16, [1.0; 4]);
        huge.extend([0; 16]);
        assert!(err(&huge).contains("promises 1000000000 values, data holds 4"));
        let mut zero = good.clone();
        zero[44..46].copy_from_slice(&0i16.to_le_bytes());
        assert!(err(&zero).contains("dimension 2 has size 0"));
        let mut ndim = good.clone();
        ndim[40..42].copy_from_slice(&9i16.to_le_bytes());
        assert!(err(&ndim).contains("dim[0] = 9"));
        let mut dtype = good.clone();
        dtype[70..72].copy_from_slice(&32i16.to_le_bytes());
        assert!(err(&dtype).contains("complex"));
        let mut unknown = good.clone();
        unknown[70..72].copy_from_slice(&3i16.to_le_bytes());
        assert!(err(&unknown).contains("unknown voxel data type code 3"));
        let mut offset = good.clone();
        set_f32(&mut offset, 108, 1e6);
        assert!(err(&offset).contains("beyond the end"));
        let mut magic = good.clone();
        magic[344..348].copy_from_slice(b"abcd");
        assert!(err(&magic).contains("magic"));
        assert!(err(b"hello world").contains("not a NIfTI"));
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        use std::io::Write;
        let mut file = header1(&[16, 16, 16], 16, [1.0; 4]);
        file.extend((0..4096).flat_map(|i| (i as f32).to_le_bytes()));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&file).unwrap();
        let gz = gz.finish().unwrap();
        let v = read_bytes(&gz, "t").unwrap();
        assert_eq!(v.value(0, 4095), 4095.0);
        for cut in [10, 100, gz.len() / 2, gz.len() - 5] {
            assert!(read_bytes(&gz[..cut], "t").is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn qform_with_qfac() {
        // 90° about z: b = c = 0, d = sin(45°); qfac −1 flips z.
        let mut file = header1(&[1, 1, 1], 2, [-1.0, 2.0, 3.0, 4.0]);
        file[252..254].copy_from_slice(&1i16.to_le_bytes());
        set_f32(&mut file, 264, std::f32::consts::FRAC_1_SQRT_2);
        set_f32(&mut file, 268, 10.0);
        file.push(0);
        let m = read_bytes(&file, "t").unwrap().world_from_voxel;
        assert!((m.x_axis.y - 2.0).abs() < 1e-6 && m.x_axis.x.abs() < 1e-6);
        assert!((m.y_axis.x + 3.0).abs() < 1e-6);
        assert_eq!(m.z_axis.z, -4.0);
        assert_eq!(m.w_axis.x, 10.0);
    }
}
