//! Reading voxel arrays (NIfTI, MGH) straight into their typed storage.
//!
//! The stream is read (gunzipped when it starts with the gzip magic) directly into the bytes of
//! the final `Vec<i16>`/`Vec<f32>`/…, so peak memory is the decoded data itself. Byte order is
//! fixed in place, and the finite minimum, maximum and sum are taken, chunk by chunk on rayon
//! while the next chunk is still being inflated: inflating is serial, everything else overlaps
//! with it. 64-bit integers become `f64` in place (same width); RGB24/RGBA32 become `u8`
//! luminance through a small scratch buffer.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use super::nifti::Dtype;
use super::{FormatError, MAX_DECODED_BYTES};
use crate::model::Voxels;

pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A byte stream over a file or buffer, gunzipped if it starts with the gzip magic.
pub(crate) struct Stream<'a> {
    pub reader: Box<dyn Read + 'a>,
    /// The total length when not gzipped (what is left after the header is known exactly).
    pub plain_len: Option<u64>,
    /// Likely decompressed length, to size buffers (never more than the data could hold).
    pub size_hint: Option<u64>,
    pub gzipped: bool,
}

impl<'a> Stream<'a> {
    /// A stream over bytes held in memory.
    pub fn of_bytes(bytes: &'a [u8]) -> Stream<'a> {
        if bytes.starts_with(&GZIP_MAGIC) {
            let gz = flate2::bufread::MultiGzDecoder::new(bytes).take(MAX_DECODED_BYTES);
            let trailer = bytes.len().checked_sub(4).map(|at| &bytes[at..]);
            Stream {
                reader: Box::new(gz),
                plain_len: None,
                size_hint: gzip_size_hint(bytes.len() as u64, trailer),
                gzipped: true,
            }
        } else {
            Stream {
                reader: Box::new(bytes),
                plain_len: Some(bytes.len() as u64),
                size_hint: Some(bytes.len() as u64),
                gzipped: false,
            }
        }
    }

    /// Reads until `buf` is full or the stream ends; returns how many bytes were read.
    pub fn read_full(&mut self, buf: &mut [u8]) -> Result<usize, String> {
        read_full(&mut self.reader, buf, self.gzipped)
    }

    /// Skips `n` bytes; returns how many could be skipped.
    pub fn skip(&mut self, n: u64) -> Result<u64, String> {
        io::copy(&mut (&mut self.reader).take(n), &mut io::sink()).map_err(|e| self.error(e))
    }

    /// Reads a gzip stream to its end so that a cut-off file (missing its checksum) is noticed.
    pub fn check_gzip_end(&mut self) -> Result<(), String> {
        if !self.gzipped {
            return Ok(());
        }
        io::copy(&mut self.reader, &mut io::sink())
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    fn error(&self, e: io::Error) -> String {
        if self.gzipped {
            format!("corrupt or truncated gzip data ({e})")
        } else {
            format!("read error ({e})")
        }
    }
}

/// Decompressed size a gzip stream probably has: its ISIZE trailer, capped by what deflate can
/// expand the compressed bytes to, so a lying file cannot make us reserve much.
fn gzip_size_hint(compressed_len: u64, trailer: Option<&[u8]>) -> Option<u64> {
    let t = trailer?;
    let isize = u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as u64;
    Some(isize.min(compressed_len.saturating_mul(1032)))
}

fn file_trailer(file: &mut File) -> Option<[u8; 4]> {
    use std::io::{Seek, SeekFrom};
    let mut t = [0u8; 4];
    file.seek(SeekFrom::End(-4)).ok()?;
    file.read_exact(&mut t).ok()?;
    file.seek(SeekFrom::Start(0)).ok()?;
    Some(t)
}

/// Opens a file as a [`Stream`]; `what` names the format in the "is a folder" message.
pub(crate) fn open_stream(path: &Path, what: &str) -> Result<Stream<'static>, FormatError> {
    let mut file = File::open(path).map_err(|e| FormatError::io(path, e))?;
    let meta = file.metadata().map_err(|e| FormatError::io(path, e))?;
    if meta.is_dir() {
        return Err(FormatError::invalid(
            path,
            format!("is a folder, not a {what} file"),
        ));
    }
    let trailer = file_trailer(&mut file);
    let mut buffered = BufReader::with_capacity(1 << 18, file);
    let start = buffered.fill_buf().map_err(|e| FormatError::io(path, e))?;
    Ok(if start.starts_with(&GZIP_MAGIC) {
        Stream {
            reader: Box::new(
                flate2::bufread::MultiGzDecoder::new(buffered).take(MAX_DECODED_BYTES),
            ),
            plain_len: None,
            size_hint: gzip_size_hint(meta.len(), trailer.as_ref().map(|t| &t[..])),
            gzipped: true,
        }
    } else {
        Stream {
            reader: Box::new(buffered),
            plain_len: Some(meta.len()),
            size_hint: Some(meta.len()),
            gzipped: false,
        }
    })
}

/// Reads until `buf` is full or the stream ends; returns how many bytes were read.
pub(crate) fn read_full(
    reader: &mut dyn Read,
    buf: &mut [u8],
    gzipped: bool,
) -> Result<usize, String> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if gzipped => return Err(format!("corrupt or truncated gzip data ({e})")),
            Err(e) => return Err(format!("read error ({e})")),
        }
    }
    Ok(filled)
}

/// Finite minimum, maximum, sum and count of stored (unscaled) values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct RawStats {
    pub min: f64,
    pub max: f64,
    pub sum: f64,
    pub count: u64,
}

impl Default for RawStats {
    fn default() -> Self {
        RawStats {
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum: 0.0,
            count: 0,
        }
    }
}

impl RawStats {
    fn merge(self, o: RawStats) -> RawStats {
        RawStats {
            min: self.min.min(o.min),
            max: self.max.max(o.max),
            sum: self.sum + o.sum,
            count: self.count + o.count,
        }
    }

    /// Minimum, maximum and mean of the scaled values (`stored · slope + intercept`); NaN and no
    /// mean when nothing was finite.
    pub fn summary(&self, scaling: Option<(f64, f64)>) -> (f64, f64, Option<f64>) {
        if self.count == 0 {
            return (f64::NAN, f64::NAN, None);
        }
        let (slope, inter) = scaling.unwrap_or((1.0, 0.0));
        let (a, b) = (self.min * slope + inter, self.max * slope + inter);
        let mean = (self.sum * slope + inter * self.count as f64) / self.count as f64;
        (a.min(b), a.max(b), Some(mean))
    }
}

/// Values per chunk handed to a worker (fixing byte order and summarising).
const CHUNK: usize = 1 << 20;

/// Reads `n` values of `dtype` from `stream` into typed storage, and summarises them. `likely`
/// is how many values the stream probably holds (from the gzip trailer or the file length): no
/// more than that is allocated before the data arrive.
pub(crate) fn read_voxels(
    stream: &mut Stream,
    dtype: Dtype,
    big_endian: bool,
    n: usize,
    likely: usize,
) -> Result<(Voxels, RawStats), String> {
    let s = stream;
    Ok(match dtype {
        Dtype::U8 => wrap(read_typed(s, n, likely, big_endian, fix_u8), Voxels::U8)?,
        Dtype::I8 => wrap(read_typed(s, n, likely, big_endian, fix_i8), Voxels::I8)?,
        Dtype::I16 => wrap(read_typed(s, n, likely, big_endian, fix_i16), Voxels::I16)?,
        Dtype::U16 => wrap(read_typed(s, n, likely, big_endian, fix_u16), Voxels::U16)?,
        Dtype::I32 => wrap(read_typed(s, n, likely, big_endian, fix_i32), Voxels::I32)?,
        Dtype::U32 => wrap(read_typed(s, n, likely, big_endian, fix_u32), Voxels::U32)?,
        Dtype::F32 => wrap(read_typed(s, n, likely, big_endian, fix_f32), Voxels::F32)?,
        Dtype::F64 => wrap(read_typed(s, n, likely, big_endian, fix_f64), Voxels::F64)?,
        Dtype::I64 => wrap(read_typed(s, n, likely, big_endian, fix_i64), Voxels::F64)?,
        Dtype::U64 => wrap(read_typed(s, n, likely, big_endian, fix_u64), Voxels::F64)?,
        Dtype::Rgb24 => read_rgb::<3>(s, n, likely)?,
        Dtype::Rgba32 => read_rgb::<4>(s, n, likely)?,
    })
}

fn wrap<T>(
    result: Result<(Vec<T>, RawStats), String>,
    make: fn(Vec<T>) -> Voxels,
) -> Result<(Voxels, RawStats), String> {
    result.map(|(v, stats)| (make(v), stats))
}

fn truncated(n: usize, held: usize) -> String {
    format!("truncated: header promises {n} values, data holds {held}")
}

/// Fills a `Vec<T>` from the stream, then `fix` puts each chunk in native order (and converts
/// it) and summarises it.
fn read_typed<T>(
    stream: &mut Stream,
    n: usize,
    likely: usize,
    big_endian: bool,
    fix: fn(&mut [T], bool) -> RawStats,
) -> Result<(Vec<T>, RawStats), String>
where
    T: bytemuck::Pod + Send,
{
    let size = size_of::<T>();
    if likely >= n {
        // The usual case: the size is known, so allocate once. Another thread touches each page
        // of the new buffer ahead of the inflater (page faults cost about a tenth of inflating),
        // and chunk k is put in native order and summarised on a rayon worker while chunk k + 1
        // is inflated here.
        let mut out = vec![T::zeroed(); n];
        let total = Mutex::new(RawStats::default());
        let chunks: Vec<&mut [T]> = out.chunks_mut(CHUNK).collect();
        // The page toucher is a thread of its own, not a rayon task: the inflater waits on it,
        // and a rayon worker waiting on a task queued behind it could wait forever.
        let result = std::thread::scope(|threads| {
            let (ready, prefaulted) = crossbeam_channel::unbounded();
            threads.spawn(move || {
                for chunk in chunks {
                    let step = (4096 / size).max(1);
                    for i in (0..chunk.len()).step_by(step) {
                        chunk[i] = std::hint::black_box(T::zeroed());
                    }
                    if ready.send(chunk).is_err() {
                        break;
                    }
                }
            });
            rayon::in_place_scope(|scope| {
                let mut done = 0;
                for chunk in prefaulted.iter() {
                    let got = stream.read_full(bytemuck::cast_slice_mut(chunk))?;
                    if got < size_of_val(chunk) {
                        return Err(truncated(n, done + got / size));
                    }
                    done += chunk.len();
                    let total = &total;
                    scope.spawn(move |_| {
                        let stats = fix(chunk, big_endian);
                        if let Ok(mut t) = total.lock() {
                            *t = t.merge(stats);
                        }
                    });
                }
                Ok(())
            })
        });
        result?;
        let stats = total.into_inner().unwrap_or_default();
        return Ok((out, stats));
    }
    // The stream says it is shorter than the header promises (truncated, lying, or a gzip
    // trailer that wrapped past 4 GiB): grow as data arrive, so a lie costs nothing.
    let mut out: Vec<T> = Vec::new();
    let mut filled_bytes = 0;
    let mut target = likely.max(CHUNK).min(n);
    loop {
        out.resize(target, T::zeroed());
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut out);
        filled_bytes += stream.read_full(&mut bytes[filled_bytes..])?;
        if filled_bytes < bytes.len() {
            return Err(truncated(n, filled_bytes / size));
        }
        if target == n {
            break;
        }
        target = target.saturating_mul(2).min(n);
    }
    let stats = out
        .par_chunks_mut(CHUNK)
        .map(|c| fix(c, big_endian))
        .reduce(RawStats::default, RawStats::merge);
    Ok((out, stats))
}

/// RGB24/RGBA32 → luminance (0.299 R + 0.587 G + 0.114 B, rounded; alpha ignored).
fn read_rgb<const N: usize>(
    stream: &mut Stream,
    n: usize,
    likely: usize,
) -> Result<(Voxels, RawStats), String> {
    let mut out: Vec<u8> = Vec::with_capacity(likely.min(n));
    let mut scratch = vec![0u8; CHUNK.min(n.max(1)) * N];
    while out.len() < n {
        let want = (n - out.len()).min(CHUNK) * N;
        let got = stream.read_full(&mut scratch[..want])?;
        out.extend(scratch[..got - got % N].chunks_exact(N).map(|p| {
            let y = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
            y.round().clamp(0.0, 255.0) as u8
        }));
        if got < want {
            return Err(truncated(n, out.len()));
        }
    }
    let stats = out
        .par_chunks_mut(CHUNK)
        .map(|c| fix_u8(c, false))
        .reduce(RawStats::default, RawStats::merge);
    Ok((Voxels::U8(out), stats))
}

/// Integers of up to 32 bits: native order, then exact integer statistics (the loop
/// vectorises).
macro_rules! fix_int {
    ($name:ident, $t:ty) => {
        fn $name(chunk: &mut [$t], big_endian: bool) -> RawStats {
            if big_endian {
                chunk.iter_mut().for_each(|v| *v = <$t>::from_be(*v));
            } else if cfg!(target_endian = "big") {
                chunk.iter_mut().for_each(|v| *v = <$t>::from_le(*v));
            }
            if chunk.is_empty() {
                return RawStats::default();
            }
            let (mut lo, mut hi, mut sum) = (<$t>::MAX, <$t>::MIN, 0i64);
            for &v in chunk.iter() {
                lo = lo.min(v);
                hi = hi.max(v);
                // At most 2^20 values below 2^32 per chunk: cannot overflow.
                sum += v as i64;
            }
            RawStats {
                min: lo as f64,
                max: hi as f64,
                sum: sum as f64,
                count: chunk.len() as u64,
            }
        }
    };
}

fix_int!(fix_u8, u8);
fix_int!(fix_i8, i8);
fix_int!(fix_i16, i16);
fix_int!(fix_u16, u16);
fix_int!(fix_i32, i32);
fix_int!(fix_u32, u32);

fn fix_f32(chunk: &mut [f32], big_endian: bool) -> RawStats {
    if big_endian {
        chunk
            .iter_mut()
            .for_each(|v| *v = f32::from_bits(u32::from_be(v.to_bits())));
    } else if cfg!(target_endian = "big") {
        chunk
            .iter_mut()
            .for_each(|v| *v = f32::from_bits(u32::from_le(v.to_bits())));
    }
    float_stats(chunk)
}

fn fix_f64(chunk: &mut [f64], big_endian: bool) -> RawStats {
    if big_endian {
        chunk
            .iter_mut()
            .for_each(|v| *v = f64::from_bits(u64::from_be(v.to_bits())));
    } else if cfg!(target_endian = "big") {
        chunk
            .iter_mut()
            .for_each(|v| *v = f64::from_bits(u64::from_le(v.to_bits())));
    }
    float_stats(chunk)
}

/// 64-bit integers were read into `f64` storage: each slot's bits become the integer's value.
fn fix_i64(chunk: &mut [f64], big_endian: bool) -> RawStats {
    for v in chunk.iter_mut() {
        let bits = if big_endian {
            u64::from_be(v.to_bits())
        } else {
            u64::from_le(v.to_bits())
        };
        *v = bits as i64 as f64;
    }
    float_stats(chunk)
}

fn fix_u64(chunk: &mut [f64], big_endian: bool) -> RawStats {
    for v in chunk.iter_mut() {
        let bits = if big_endian {
            u64::from_be(v.to_bits())
        } else {
            u64::from_le(v.to_bits())
        };
        *v = bits as f64;
    }
    float_stats(chunk)
}

/// Finite min, max and sum (in f64). Blocks without NaN or infinity take a branch-free path
/// with four independent lanes, which the compiler vectorises.
fn float_stats<T: Copy + Into<f64>>(values: &[T]) -> RawStats {
    let mut total = RawStats::default();
    for block in values.chunks(4096) {
        let all_finite = block
            .iter()
            .fold(true, |ok, &v| ok & Into::<f64>::into(v).is_finite());
        let stats = if all_finite {
            let (mut lo, mut hi, mut sum) = ([f64::INFINITY; 4], [f64::NEG_INFINITY; 4], [0.0; 4]);
            let mut quads = block.chunks_exact(4);
            for q in &mut quads {
                for k in 0..4 {
                    let v: f64 = q[k].into();
                    lo[k] = if v < lo[k] { v } else { lo[k] };
                    hi[k] = if v > hi[k] { v } else { hi[k] };
                    sum[k] += v;
                }
            }
            for (k, &v) in quads.remainder().iter().enumerate() {
                let v: f64 = v.into();
                lo[k] = lo[k].min(v);
                hi[k] = hi[k].max(v);
                sum[k] += v;
            }
            RawStats {
                min: lo.iter().copied().fold(f64::INFINITY, f64::min),
                max: hi.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                sum: (sum[0] + sum[1]) + (sum[2] + sum[3]),
                count: block.len() as u64,
            }
        } else {
            let mut s = RawStats::default();
            for v in block.iter().map(|&v| Into::<f64>::into(v)) {
                if v.is_finite() {
                    s.min = s.min.min(v);
                    s.max = s.max.max(v);
                    s.sum += v;
                    s.count += 1;
                }
            }
            s
        };
        total = total.merge(stats);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(bytes: &[u8]) -> Stream<'_> {
        Stream::of_bytes(bytes)
    }

    #[test]
    fn typed_reads_in_both_byte_orders() {
        let be: Vec<u8> = [-2i16, 513, 7]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let (v, s) = read_voxels(&mut stream(&be), Dtype::I16, true, 3, 3).unwrap();
        assert_eq!(v, Voxels::I16(vec![-2, 513, 7]));
        assert_eq!((s.min, s.max, s.sum, s.count), (-2.0, 513.0, 518.0, 3));
        let le: Vec<u8> = [1.5f32, f32::NAN, -3.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let (v, s) = read_voxels(&mut stream(&le), Dtype::F32, false, 3, 3).unwrap();
        let Voxels::F32(f) = v else { panic!() };
        assert!(f[1].is_nan() && f[2] == -3.0);
        assert_eq!((s.min, s.max, s.count), (-3.0, 1.5, 2));
        let big: Vec<u8> = [-5i64, 1 << 40]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let (v, _) = read_voxels(&mut stream(&big), Dtype::I64, true, 2, 2).unwrap();
        assert_eq!(v, Voxels::F64(vec![-5.0, (1u64 << 40) as f64]));
    }

    #[test]
    fn short_streams_and_underestimates() {
        let bytes = vec![1u8; 10];
        let err = read_voxels(&mut stream(&bytes), Dtype::I16, false, 8, 8).unwrap_err();
        assert_eq!(err, "truncated: header promises 8 values, data holds 5");
        // A too-small size hint only means growing as data arrive.
        let bytes: Vec<u8> = (0..3_000_000u32).flat_map(|v| v.to_le_bytes()).collect();
        let (v, s) = read_voxels(&mut stream(&bytes), Dtype::U32, false, 3_000_000, 10).unwrap();
        assert_eq!(v.len(), 3_000_000);
        assert_eq!(s.max, 2_999_999.0);
        assert_eq!(s.sum, 2_999_999.0 * 3_000_000.0 / 2.0);
    }

    #[test]
    fn rgb_becomes_luminance() {
        let bytes = [255, 255, 255, 100, 0, 0, 0, 0, 200];
        let (v, s) = read_voxels(&mut stream(&bytes), Dtype::Rgb24, false, 3, 3).unwrap();
        assert_eq!(v, Voxels::U8(vec![255, 30, 23]));
        assert_eq!(s.max, 255.0);
    }

    #[test]
    fn summary_applies_scaling() {
        let s = RawStats {
            min: -3.0,
            max: 1000.0,
            sum: 997.0,
            count: 2,
        };
        assert_eq!(s.summary(Some((2.0, -1.0))), (-7.0, 1999.0, Some(996.0)));
        assert_eq!(s.summary(Some((-1.0, 0.0))), (-1000.0, 3.0, Some(-498.5)));
        assert_eq!(RawStats::default().summary(None).2, None);
    }
}
