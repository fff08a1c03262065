//! NumPy `.npy` arrays (format versions 1–3), memory-mapped and read as one column of numbers.
//!
//! Kilosort and phy store every per-spike array this way. Only what those folders hold is read:
//! little- or big-endian integers and floats of 1–8 bytes, C order (or any order for arrays
//! with one non-trivial axis), shapes `(n,)`, `(n, 1)` and `(n, k)`.

use std::path::Path;

use super::FormatError;

/// An element type (`descr` in the header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl Dtype {
    fn parse(descr: &str) -> Option<(Dtype, bool)> {
        let (order, code) = (descr.get(..1)?, descr.get(1..)?);
        let big = match order {
            "<" | "|" | "=" => false,
            ">" => true,
            _ => return None,
        };
        let t = match code {
            "i1" => Dtype::I8,
            "u1" | "b1" => Dtype::U8,
            "i2" => Dtype::I16,
            "u2" => Dtype::U16,
            "i4" => Dtype::I32,
            "u4" => Dtype::U32,
            "i8" => Dtype::I64,
            "u8" => Dtype::U64,
            "f4" => Dtype::F32,
            "f8" => Dtype::F64,
            _ => return None,
        };
        Some((t, big))
    }

    pub fn size(self) -> usize {
        match self {
            Dtype::I8 | Dtype::U8 => 1,
            Dtype::I16 | Dtype::U16 => 2,
            Dtype::I32 | Dtype::U32 | Dtype::F32 => 4,
            Dtype::I64 | Dtype::U64 | Dtype::F64 => 8,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, Dtype::F32 | Dtype::F64)
    }

    /// numpy's name for the type.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::I8 => "int8",
            Dtype::U8 => "uint8",
            Dtype::I16 => "int16",
            Dtype::U16 => "uint16",
            Dtype::I32 => "int32",
            Dtype::U32 => "uint32",
            Dtype::I64 => "int64",
            Dtype::U64 => "uint64",
            Dtype::F32 => "float32",
            Dtype::F64 => "float64",
        }
    }
}

/// A memory-mapped `.npy` array.
pub struct Npy {
    map: memmap2::Mmap,
    data_offset: usize,
    pub dtype: Dtype,
    big_endian: bool,
    pub shape: Vec<usize>,
    fortran: bool,
}

impl Npy {
    /// Opens and checks an array: the header parses and the file holds every element it
    /// promises.
    pub fn open(path: &Path) -> Result<Npy, FormatError> {
        let file = std::fs::File::open(path).map_err(|e| FormatError::io(path, e))?;
        // SAFETY: the map is read-only; a file truncated while mapped is the usual mmap caveat,
        // shared with every memory-mapped reader (numpy's included).
        // Populated at once: one bulk read-ahead instead of a page fault per 4 kB.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }
            .map_err(|e| FormatError::io(path, e))?;
        let bad = |p: &str| FormatError::invalid(path, p.to_string());
        if map.len() < 10 || &map[..6] != b"\x93NUMPY" {
            return Err(bad("not a NumPy .npy file (no \\x93NUMPY signature)"));
        }
        let major = map[6];
        let (header_len, start) = match major {
            1 => (u16::from_le_bytes([map[8], map[9]]) as usize, 10usize),
            2 | 3 => {
                if map.len() < 12 {
                    return Err(bad("the .npy header is truncated"));
                }
                (
                    u32::from_le_bytes([map[8], map[9], map[10], map[11]]) as usize,
                    12,
                )
            }
            v => return Err(bad(&format!("unknown .npy format version {v}"))),
        };
        let data_offset = start
            .checked_add(header_len)
            .filter(|&end| end <= map.len())
            .ok_or_else(|| bad("the .npy header is truncated"))?;
        let header = std::str::from_utf8(&map[start..data_offset])
            .map_err(|_| bad("the .npy header is not text"))?;
        let descr = dict_value(header, "descr")
            .and_then(|v| {
                v.trim()
                    .strip_prefix('\'')?
                    .strip_suffix('\'')
                    .map(str::to_owned)
            })
            .ok_or_else(|| bad("the .npy header has no 'descr'"))?;
        let (dtype, big_endian) = Dtype::parse(&descr).ok_or_else(|| {
            FormatError::unsupported(path, format!("NumPy element type '{descr}' is not read"))
        })?;
        let fortran = dict_value(header, "fortran_order")
            .map(|v| v.trim().starts_with("True"))
            .unwrap_or(false);
        let shape_text = dict_value(header, "shape")
            .and_then(|v| {
                v.trim()
                    .strip_prefix('(')?
                    .split(')')
                    .next()
                    .map(str::to_owned)
            })
            .ok_or_else(|| bad("the .npy header has no 'shape'"))?;
        let mut shape = Vec::new();
        for part in shape_text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            shape.push(
                part.trim_end_matches('L')
                    .parse::<usize>()
                    .map_err(|_| bad(&format!("bad .npy shape ({shape_text})")))?,
            );
        }
        let n = shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| bad("the .npy shape overflows"))?;
        let need = n
            .checked_mul(dtype.size())
            .ok_or_else(|| bad("the .npy shape overflows"))?;
        let have = map.len() - data_offset;
        if have < need {
            return Err(bad(&format!(
                "truncated: the header promises {n} {} values ({need} bytes) but the file holds {have} bytes",
                dtype.name()
            )));
        }
        Ok(Npy {
            map,
            data_offset,
            dtype,
            big_endian,
            shape,
            fortran,
        })
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows and columns: `(n,)` is n × 1, `(n, k)` is n × k, a scalar 1 × 1.
    pub fn rows_cols(&self) -> (usize, usize) {
        match self.shape.as_slice() {
            [] => (1, 1),
            [n] => (*n, 1),
            [n, rest @ ..] => (*n, rest.iter().product()),
        }
    }

    fn raw(&self) -> &[u8] {
        &self.map[self.data_offset..self.data_offset + self.len() * self.dtype.size()]
    }

    /// Element `i` in storage order as f64 (exact for integers below 2^53).
    fn get_f64(&self, i: usize) -> f64 {
        let s = self.dtype.size();
        let b = &self.raw()[i * s..(i + 1) * s];
        let mut a = [0u8; 8];
        a[..s].copy_from_slice(b);
        if self.big_endian {
            a[..s].reverse();
        }
        match self.dtype {
            Dtype::I8 => a[0] as i8 as f64,
            Dtype::U8 => a[0] as f64,
            Dtype::I16 => i16::from_le_bytes([a[0], a[1]]) as f64,
            Dtype::U16 => u16::from_le_bytes([a[0], a[1]]) as f64,
            Dtype::I32 => i32::from_le_bytes([a[0], a[1], a[2], a[3]]) as f64,
            Dtype::U32 => u32::from_le_bytes([a[0], a[1], a[2], a[3]]) as f64,
            Dtype::F32 => f32::from_le_bytes([a[0], a[1], a[2], a[3]]) as f64,
            Dtype::I64 => i64::from_le_bytes(a) as f64,
            Dtype::U64 => u64::from_le_bytes(a) as f64,
            Dtype::F64 => f64::from_le_bytes(a),
        }
    }

    /// The array as a column of f64 (one value per row; for `(n, k)` arrays, column `col`).
    pub fn column_f64(&self, col: usize) -> Vec<f64> {
        let (rows, cols) = self.rows_cols();
        let col = col.min(cols.saturating_sub(1));
        if cols == 1 && !self.big_endian {
            return self.all_f64_le();
        }
        (0..rows)
            .map(|r| {
                let i = if self.fortran {
                    col * rows + r
                } else {
                    r * cols + col
                };
                self.get_f64(i)
            })
            .collect()
    }

    /// A 1-D or 2-D array as a row-major matrix of f64: (rows, columns, values).
    pub fn matrix_f64(&self) -> (usize, usize, Vec<f64>) {
        let (rows, cols) = self.rows_cols();
        let mut out = Vec::with_capacity(rows * cols);
        let columns: Vec<Vec<f64>> = (0..cols).map(|c| self.column_f64(c)).collect();
        for r in 0..rows {
            for col in &columns {
                out.push(col[r]);
            }
        }
        (rows, cols, out)
    }

    /// Every element, little-endian fast path (the common case for millions of spikes).
    fn all_f64_le(&self) -> Vec<f64> {
        let raw = self.raw();
        macro_rules! conv {
            ($t:ty, $n:expr) => {
                raw.chunks_exact($n)
                    .map(|c| <$t>::from_le_bytes(c.try_into().unwrap_or([0; $n])) as f64)
                    .collect()
            };
        }
        match self.dtype {
            Dtype::I8 => raw.iter().map(|&b| b as i8 as f64).collect(),
            Dtype::U8 => raw.iter().map(|&b| b as f64).collect(),
            Dtype::I16 => conv!(i16, 2),
            Dtype::U16 => conv!(u16, 2),
            Dtype::I32 => conv!(i32, 4),
            Dtype::U32 => conv!(u32, 4),
            Dtype::F32 => conv!(f32, 4),
            Dtype::I64 => conv!(i64, 8),
            Dtype::U64 => conv!(u64, 8),
            Dtype::F64 => conv!(f64, 8),
        }
    }

    /// Integers in one column, or an error naming `what` and the file.
    fn check_int_column(&self, path: &Path, what: &str) -> Result<(), FormatError> {
        if self.dtype.is_float() {
            return Err(FormatError::invalid(
                path,
                format!(
                    "{what} must be integers, but the array holds {}",
                    self.dtype.name()
                ),
            ));
        }
        if self.rows_cols().1 != 1 {
            return Err(FormatError::invalid(
                path,
                format!(
                    "{what} must be one column, but the array's shape is {:?}",
                    self.shape
                ),
            ));
        }
        Ok(())
    }

    /// An integer column in place: the memory-mapped values themselves when they are
    /// little-endian 32- or 64-bit integers (no copy), else converted to i64. Float arrays and
    /// arrays of more than one column are refused, naming `what`.
    pub fn int_column(&self, path: &Path, what: &str) -> Result<IntColumn<'_>, FormatError> {
        self.check_int_column(path, what)?;
        let raw = self.raw();
        if !self.big_endian {
            let column = match self.dtype {
                Dtype::I64 => bytemuck::try_cast_slice(raw).ok().map(IntColumn::I64),
                Dtype::U64 => bytemuck::try_cast_slice(raw).ok().map(IntColumn::U64),
                Dtype::I32 => bytemuck::try_cast_slice(raw).ok().map(IntColumn::I32),
                Dtype::U32 => bytemuck::try_cast_slice(raw).ok().map(IntColumn::U32),
                _ => None,
            };
            if let Some(c) = column {
                return Ok(c);
            }
        }
        Ok(IntColumn::Owned(self.to_i64(path, what)?))
    }

    /// An integer array as i64 (a float array is refused: ids and sample indices must be
    /// integers). Unsigned values beyond i64 are refused too.
    pub fn to_i64(&self, path: &Path, what: &str) -> Result<Vec<i64>, FormatError> {
        self.check_int_column(path, what)?;
        let (rows, _) = self.rows_cols();
        let raw = self.raw();
        let s = self.dtype.size();
        let mut out = Vec::with_capacity(rows);
        if !self.big_endian {
            match self.dtype {
                Dtype::I64 => out.extend(
                    raw.chunks_exact(8)
                        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8]))),
                ),
                Dtype::U64 => {
                    for c in raw.chunks_exact(8) {
                        let v = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
                        out.push(i64::try_from(v).map_err(|_| {
                            FormatError::invalid(path, format!("{what}: value {v} is too large"))
                        })?);
                    }
                }
                Dtype::I32 => out.extend(
                    raw.chunks_exact(4)
                        .map(|c| i32::from_le_bytes(c.try_into().unwrap_or([0; 4])) as i64),
                ),
                Dtype::U32 => out.extend(
                    raw.chunks_exact(4)
                        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])) as i64),
                ),
                _ => out.extend((0..rows).map(|i| self.get_f64(i) as i64)),
            }
        } else {
            for i in 0..rows {
                let b = &raw[i * s..(i + 1) * s];
                let mut a = [0u8; 8];
                a[8 - s..].copy_from_slice(b);
                let v = match self.dtype {
                    Dtype::I8 | Dtype::I16 | Dtype::I32 | Dtype::I64 => {
                        i64::from_be_bytes(a) << (64 - 8 * s) >> (64 - 8 * s)
                    }
                    _ => {
                        let u = u64::from_be_bytes(a);
                        i64::try_from(u).map_err(|_| {
                            FormatError::invalid(path, format!("{what}: value {u} is too large"))
                        })?
                    }
                };
                out.push(v);
            }
        }
        Ok(out)
    }
}

/// An integer column of an `.npy`, read in place where its type allows.
pub enum IntColumn<'a> {
    I64(&'a [i64]),
    U64(&'a [u64]),
    I32(&'a [i32]),
    U32(&'a [u32]),
    Owned(Vec<i64>),
}

impl IntColumn<'_> {
    pub fn len(&self) -> usize {
        match self {
            IntColumn::I64(s) => s.len(),
            IntColumn::U64(s) => s.len(),
            IntColumn::I32(s) => s.len(),
            IntColumn::U32(s) => s.len(),
            IntColumn::Owned(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Integers that read as i64 (u64 beyond i64 wraps negative, where callers refuse it).
pub trait AsI64: Copy + Send + Sync {
    fn as_i64(self) -> i64;
}

impl AsI64 for i64 {
    fn as_i64(self) -> i64 {
        self
    }
}

impl AsI64 for u64 {
    fn as_i64(self) -> i64 {
        self as i64
    }
}

impl AsI64 for i32 {
    fn as_i64(self) -> i64 {
        self as i64
    }
}

impl AsI64 for u32 {
    fn as_i64(self) -> i64 {
        self as i64
    }
}

/// Runs `$body` with `$s` bound to the column's slice, whatever its type.
#[macro_export]
macro_rules! with_int_column {
    ($col:expr, |$s:ident| $body:expr) => {
        match $col {
            $crate::formats::npy::IntColumn::I64($s) => $body,
            $crate::formats::npy::IntColumn::U64($s) => $body,
            $crate::formats::npy::IntColumn::I32($s) => $body,
            $crate::formats::npy::IntColumn::U32($s) => $body,
            $crate::formats::npy::IntColumn::Owned(v) => {
                let $s: &[i64] = v;
                $body
            }
        }
    };
}

/// The text after `'key':` in a Python dict literal, up to the next top-level comma.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("'{key}'");
    let at = header.find(&pat)? + pat.len();
    let rest = header[at..].trim_start().strip_prefix(':')?;
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' | '}' if depth == 0 => return Some(&rest[..i]),
            _ => {}
        }
    }
    Some(rest)
}

/// Writes a 1-D little-endian float64 array.
pub fn write_f64(path: &Path, values: &[f64]) -> std::io::Result<()> {
    let mut out = header("<f8", &[values.len()]);
    out.extend(values.iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(path, out)
}

/// The magic, version and header (padded to 64 bytes) of a format 1.0 C-order array with the
/// given numpy `descr` and shape; the little-endian data follow it.
pub fn header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let shape_text = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}");
    // Magic (6) + version (2) + length (2) + header + '\n', padded to a multiple of 64.
    let total = 10 + header.len() + 1;
    header.push_str(&" ".repeat((64 - total % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out
}
