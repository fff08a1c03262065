//! Min/max pyramids for drawing long traces at any zoom without touching every sample.
//!
//! Level 0 holds `(min, max)` of each block of `block` samples (the last block may be short);
//! level `k + 1` halves level `k` (min of mins, max of maxes), up to a single entry. Values are
//! `f32` (they are only drawn) and NaN-aware: NaN samples are skipped, and a block with no
//! number at all is `(NaN, NaN)`. Memory: about `2 * 8 / block` bytes per sample (1 byte per
//! sample for `block = 16`); choose a larger block for recordings of billions of samples.
//!
//! A pyramid is built in one streaming pass over the channel: [`PyramidBuilder`] takes chunks
//! as they come (e.g. while a reader decodes records), [`Pyramid::build`] pulls chunks
//! through a callback (`FnMut(start_sample, &mut [f64])`, e.g. reading a memory-mapped file),
//! and [`build_channel_pyramids`] does that for many channels in parallel.
//!
//! [`Pyramid::envelope`] answers "min and max under each screen column" by decomposing
//! each column's sample range into the coarsest whole blocks that fit (a segment-tree walk, at
//! most two entries per level), so the answer is exact for the column's range widened to
//! level-0 block boundaries — equal to a brute-force min/max over those samples. Zoomed in to
//! fewer than `block` samples per column, draw the raw samples instead.
//!
//! [`Pyramid::to_bytes`] / [`Pyramid::from_bytes`] give a small cache format (a
//! header and raw little-endian `f32`) so a re-opened recording skips the build.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::DspError;

/// Samples per level-0 block unless the caller chooses otherwise.
pub const DEFAULT_BLOCK: usize = 16;

/// Samples read per callback call while building.
const CHUNK: usize = 1 << 16;

const MAGIC: &[u8; 8] = b"GLIAPYR1";

/// A min/max pyramid of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Pyramid {
    block: usize,
    n_samples: u64,
    levels: Vec<Vec<[f32; 2]>>,
}

/// Builds a pyramid from chunks pushed in order.
#[derive(Debug, Clone)]
pub struct PyramidBuilder {
    block: usize,
    n_samples: u64,
    partial: usize,
    part_min: f64,
    part_max: f64,
    level0: Vec<[f32; 2]>,
}

/// `(min, max)` of a block, NaN skipped; `(NaN, NaN)` if there is no number.
#[inline]
fn block_min_max(x: &[f64]) -> (f64, f64) {
    let mut mn = f64::INFINITY;
    let mut mx = f64::NEG_INFINITY;
    for &v in x {
        mn = mn.min(v);
        mx = mx.max(v);
    }
    (mn, mx)
}

#[inline]
fn entry(mn: f64, mx: f64) -> [f32; 2] {
    if mn > mx {
        [f32::NAN, f32::NAN]
    } else {
        [mn as f32, mx as f32]
    }
}

#[inline]
fn combine(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [a[0].min(b[0]), a[1].max(b[1])]
}

impl PyramidBuilder {
    /// A builder for blocks of `block` samples (at least 1).
    pub fn new(block: usize) -> Result<Self, DspError> {
        if block == 0 {
            return Err(DspError::InvalidParameter(
                "pyramid block size must be at least 1".into(),
            ));
        }
        Ok(Self {
            block,
            n_samples: 0,
            partial: 0,
            part_min: f64::INFINITY,
            part_max: f64::NEG_INFINITY,
            level0: Vec::new(),
        })
    }

    /// Same as [`PyramidBuilder::new`], reserving room for `n_samples`.
    pub fn with_capacity(block: usize, n_samples: u64) -> Result<Self, DspError> {
        let mut b = Self::new(block)?;
        let blocks = n_samples.div_ceil(block as u64);
        b.level0.reserve(usize::try_from(blocks).unwrap_or(0));
        Ok(b)
    }

    /// Appends the next samples.
    pub fn push(&mut self, mut x: &[f64]) {
        self.n_samples += x.len() as u64;
        if self.partial > 0 {
            let take = (self.block - self.partial).min(x.len());
            let (mn, mx) = block_min_max(&x[..take]);
            self.part_min = self.part_min.min(mn);
            self.part_max = self.part_max.max(mx);
            self.partial += take;
            x = &x[take..];
            if self.partial == self.block {
                self.level0.push(entry(self.part_min, self.part_max));
                self.reset_partial();
            } else {
                return;
            }
        }
        let mut blocks = x.chunks_exact(self.block);
        for b in &mut blocks {
            let (mn, mx) = block_min_max(b);
            self.level0.push(entry(mn, mx));
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let (mn, mx) = block_min_max(rest);
            self.part_min = mn;
            self.part_max = mx;
            self.partial = rest.len();
        }
    }

    fn reset_partial(&mut self) {
        self.partial = 0;
        self.part_min = f64::INFINITY;
        self.part_max = f64::NEG_INFINITY;
    }

    /// Closes the last (short) block and builds the coarser levels.
    pub fn finish(mut self) -> Pyramid {
        if self.partial > 0 {
            self.level0.push(entry(self.part_min, self.part_max));
        }
        let mut levels = vec![self.level0];
        while let Some(prev) = levels.last().filter(|l| l.len() > 1) {
            let next: Vec<[f32; 2]> = prev
                .chunks(2)
                .map(|p| {
                    if p.len() == 2 {
                        combine(p[0], p[1])
                    } else {
                        p[0]
                    }
                })
                .collect();
            levels.push(next);
        }
        Pyramid {
            block: self.block,
            n_samples: self.n_samples,
            levels,
        }
    }
}

impl Pyramid {
    /// Streams `n_samples` samples through `read(start, buf)` (which fills `buf` with the
    /// samples from `start` on) in chunks, once.
    pub fn build(
        n_samples: u64,
        block: usize,
        read: impl FnMut(u64, &mut [f64]) -> Result<(), String>,
    ) -> Result<Self, DspError> {
        build_one(0, n_samples, block, read, None)
    }

    /// Samples per level-0 block.
    pub fn block(&self) -> usize {
        self.block
    }

    /// Samples in the channel.
    pub fn n_samples(&self) -> u64 {
        self.n_samples
    }

    /// Number of levels (level `k` has blocks of `block << k` samples).
    pub fn n_levels(&self) -> usize {
        self.levels.len()
    }

    /// The `[min, max]` entries of level `k`.
    pub fn level(&self, k: usize) -> Option<&[[f32; 2]]> {
        self.levels.get(k).map(Vec::as_slice)
    }

    /// `(min, max)` over level-0 blocks `[i, j)`: at most two entries per level.
    fn blocks_min_max(&self, mut i: usize, mut j: usize) -> [f32; 2] {
        let mut acc = [f32::NAN, f32::NAN];
        let mut level = 0;
        while i < j {
            let Some(l) = self.levels.get(level) else {
                break;
            };
            if i & 1 == 1 {
                acc = combine(acc, l[i]);
                i += 1;
            }
            if j & 1 == 1 {
                j -= 1;
                acc = combine(acc, l[j]);
            }
            i >>= 1;
            j >>= 1;
            level += 1;
        }
        acc
    }

    /// Min and max under each of `n_columns` screen columns spanning samples
    /// `[start_sample, end_sample)`. Column `c` covers `[start + c·len/n, start + (c+1)·len/n)`
    /// (at least one sample), widened to whole level-0 blocks. Columns past the end of the
    /// channel, or over samples that are all NaN, are `(NaN, NaN)`.
    pub fn envelope(
        &self,
        start_sample: u64,
        end_sample: u64,
        n_columns: usize,
    ) -> Vec<(f32, f32)> {
        let nan = (f32::NAN, f32::NAN);
        if n_columns == 0 {
            return Vec::new();
        }
        if end_sample <= start_sample {
            return vec![nan; n_columns];
        }
        let len = (end_sample - start_sample) as u128;
        let n = n_columns as u128;
        let b = self.block as u64;
        (0..n_columns as u128)
            .map(|c| {
                let s = start_sample + (c * len / n) as u64;
                let mut e = start_sample + ((c + 1) * len / n) as u64;
                if e <= s {
                    e = s + 1;
                }
                let e = e.min(self.n_samples);
                if s >= e {
                    return nan;
                }
                let (i, j) = ((s / b) as usize, e.div_ceil(b) as usize);
                let [mn, mx] = self.blocks_min_max(i, j);
                (mn, mx)
            })
            .collect()
    }

    /// The cache format: `GLIAPYR1`, then little-endian `u32` block, `u64` n_samples,
    /// `u32` number of levels, and each level's entries as `f32` min, max pairs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let entries: usize = self.levels.iter().map(Vec::len).sum();
        let mut out = Vec::with_capacity(24 + entries * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.block as u32).to_le_bytes());
        out.extend_from_slice(&self.n_samples.to_le_bytes());
        out.extend_from_slice(&(self.levels.len() as u32).to_le_bytes());
        for l in &self.levels {
            for [a, b] in l {
                out.extend_from_slice(&a.to_le_bytes());
                out.extend_from_slice(&b.to_le_bytes());
            }
        }
        out
    }

    /// Reads [`Pyramid::to_bytes`]; checks that the sizes are consistent.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DspError> {
        let bad = |why: &str| DspError::InvalidParameter(format!("pyramid cache: {why}"));
        if bytes.len() < 24 || &bytes[..8] != MAGIC {
            return Err(bad("not a Glia pyramid cache"));
        }
        let u32_at =
            |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let block = u32_at(8) as usize;
        let mut n8 = [0u8; 8];
        n8.copy_from_slice(&bytes[12..20]);
        let n_samples = u64::from_le_bytes(n8);
        let n_levels = u32_at(20) as usize;
        if block == 0 {
            return Err(bad("block size 0"));
        }
        // The level sizes follow from n_samples and block.
        let mut sizes = Vec::new();
        let mut len = n_samples.div_ceil(block as u64);
        loop {
            sizes.push(len);
            if len <= 1 {
                break;
            }
            len = len.div_ceil(2);
        }
        if sizes.len() != n_levels {
            return Err(bad("wrong number of levels"));
        }
        // Checked: a corrupt header (say n_samples near u64::MAX with block 1) must be an
        // error, not an overflow.
        let payload = sizes
            .iter()
            .try_fold(0u64, |acc, &s| acc.checked_add(s))
            .and_then(|entries| entries.checked_mul(8));
        if payload != Some(bytes.len() as u64 - 24) {
            return Err(bad("wrong size"));
        }
        let mut floats = bytes[24..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let levels = sizes
            .iter()
            .map(|&s| {
                (0..s)
                    .map(|_| {
                        let a = floats.next().unwrap_or(f32::NAN);
                        let b = floats.next().unwrap_or(f32::NAN);
                        [a, b]
                    })
                    .collect()
            })
            .collect();
        Ok(Self {
            block,
            n_samples,
            levels,
        })
    }
}

fn build_one(
    channel: usize,
    n_samples: u64,
    block: usize,
    mut read: impl FnMut(u64, &mut [f64]) -> Result<(), String>,
    progress: Option<&AtomicU64>,
) -> Result<Pyramid, DspError> {
    let mut builder = PyramidBuilder::with_capacity(block, n_samples)?;
    let chunk = (CHUNK / block).max(1) * block;
    let mut buf = vec![0.0; chunk.min(usize::try_from(n_samples).unwrap_or(chunk))];
    let mut start = 0u64;
    while start < n_samples {
        let len = (n_samples - start).min(chunk as u64) as usize;
        let b = &mut buf[..len];
        read(start, b).map_err(|message| DspError::Read { channel, message })?;
        builder.push(b);
        start += len as u64;
        if let Some(p) = progress {
            p.fetch_add(len as u64, Ordering::Relaxed);
        }
    }
    Ok(builder.finish())
}

/// Builds one pyramid per channel in parallel: channel `c` has `n_samples[c]` samples, read by
/// `read(c, start, buf)`. `progress` (if given) grows by the number of samples read, for a
/// progress bar; a reader error stops the build (return an error from `read` to cancel).
pub fn build_channel_pyramids(
    n_samples: &[u64],
    block: usize,
    read: impl Fn(usize, u64, &mut [f64]) -> Result<(), String> + Sync,
    progress: Option<&AtomicU64>,
) -> Result<Vec<Pyramid>, DspError> {
    n_samples
        .par_iter()
        .enumerate()
        .map(|(c, &n)| build_one(c, n, block, |s, b| read(c, s, b), progress))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_in_pieces_equals_one_push() {
        let x: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 613) as f64 - 300.0)
            .collect();
        let mut a = PyramidBuilder::new(16).unwrap();
        a.push(&x);
        let mut b = PyramidBuilder::new(16).unwrap();
        for c in x.chunks(7) {
            b.push(c);
        }
        assert_eq!(a.finish(), b.finish());
    }

    #[test]
    fn all_nan_block_is_nan_and_nan_is_skipped() {
        let mut b = PyramidBuilder::new(4).unwrap();
        b.push(&[
            f64::NAN,
            1.0,
            f64::NAN,
            -2.0,
            f64::NAN,
            f64::NAN,
            f64::NAN,
            f64::NAN,
        ]);
        let p = b.finish();
        let l0 = p.level(0).unwrap();
        assert_eq!(l0[0], [-2.0, 1.0]);
        assert!(l0[1][0].is_nan() && l0[1][1].is_nan());
        assert_eq!(p.level(1).unwrap()[0], [-2.0, 1.0]);
    }

    #[test]
    fn cache_round_trip_and_rejects_garbage() {
        let x: Vec<f64> = (0..333).map(|i| (i as f64).sin()).collect();
        let p = Pyramid::build(333, 8, |s, b| {
            b.copy_from_slice(&x[s as usize..s as usize + b.len()]);
            Ok(())
        })
        .unwrap();
        let bytes = p.to_bytes();
        assert_eq!(Pyramid::from_bytes(&bytes).unwrap(), p);
        assert!(Pyramid::from_bytes(&bytes[..bytes.len() - 4]).is_err());
        assert!(Pyramid::from_bytes(b"nonsense").is_err());
    }

    #[test]
    fn reader_errors_name_the_channel() {
        let r = build_channel_pyramids(
            &[100, 100],
            16,
            |c, _, _| {
                if c == 1 { Err("gone".into()) } else { Ok(()) }
            },
            None,
        );
        assert_eq!(
            r,
            Err(DspError::Read {
                channel: 1,
                message: "gone".into()
            })
        );
    }
}
