//! Power spectra as SciPy computes them, with `realfft`:
//!
//! - [`welch`]: `scipy.signal.welch(x, fs)` — by default a periodic Hann window
//!   (`get_window("hann", n)`, i.e. `sym=False`), `nperseg = 256` (or the signal length if
//!   shorter), `noverlap = nperseg // 2`, `nfft = nperseg`, constant detrend per segment,
//!   one-sided, density scaling (V²/Hz), mean over segments;
//! - [`spectrogram`]: `scipy.signal.spectrogram(x, fs)` — by default a periodic Tukey window with
//!   α = 0.25 (`get_window(("tukey", 0.25), n)`), `nperseg = 256` (or the signal length),
//!   `noverlap = nperseg // 8`, constant detrend, one-sided density;
//! - [`band_power`]: `scipy.integrate.trapezoid(psd[sel], freqs[sel])` over the bins with
//!   `lo <= f <= hi` (both edges included), and [`standard_bands`] (delta … gamma), which the
//!   caller may edit.

use std::sync::Arc;

use rayon::prelude::*;
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use super::{DspError, check_fs};

/// A window applied to each segment. All named windows are periodic (SciPy's `get_window`
/// default, `sym=False`), as spectral analysis wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// `get_window("hann", n)`.
    Hann,
    /// `get_window("hamming", n)`.
    Hamming,
    /// `get_window(("tukey", alpha), n)`.
    Tukey(f64),
    /// `get_window("boxcar", n)`: all ones.
    Boxcar,
    /// Explicit values; `nperseg` must equal their number.
    Custom(Vec<f64>),
}

impl Window {
    /// The window's `n` values.
    pub fn values(&self, n: usize) -> Result<Vec<f64>, DspError> {
        Ok(match self {
            Window::Hann => general_hamming(n, 0.5),
            Window::Hamming => general_hamming(n, 0.54),
            Window::Tukey(alpha) => tukey(n, *alpha),
            Window::Boxcar => vec![1.0; n],
            Window::Custom(v) => {
                if v.len() != n {
                    return Err(DspError::InvalidParameter(format!(
                        "the window has {} values but nperseg is {n}",
                        v.len()
                    )));
                }
                v.clone()
            }
        })
    }
}

/// SciPy's `general_hamming(M, alpha, sym=False)`: `alpha - (1 - alpha) cos`, computed as
/// `general_cosine` does (`linspace(-pi, pi, M + 1)`, drop the last point).
fn general_hamming(n: usize, alpha: f64) -> Vec<f64> {
    if n <= 1 {
        return vec![1.0; n];
    }
    let m = n + 1;
    let pi = std::f64::consts::PI;
    let step = (pi - -pi) / (m - 1) as f64;
    let a = [alpha, 1.0 - alpha];
    (0..n)
        .map(|i| {
            let fac = i as f64 * step + -pi;
            let mut w = 0.0;
            for (k, ak) in a.iter().enumerate() {
                w += ak * (k as f64 * fac).cos();
            }
            w
        })
        .collect()
}

/// SciPy's `tukey(M, alpha, sym=False)`.
fn tukey(n: usize, alpha: f64) -> Vec<f64> {
    if n <= 1 || alpha <= 0.0 {
        return vec![1.0; n];
    }
    if alpha >= 1.0 {
        return general_hamming(n, 0.5);
    }
    let m = n + 1;
    let pi = std::f64::consts::PI;
    let mf = (m - 1) as f64;
    let width = (alpha * mf / 2.0).floor() as usize;
    let mut w = Vec::with_capacity(m);
    for i in 0..m {
        let x = i as f64;
        let v = if i <= width {
            0.5 * (1.0 + (pi * (-1.0 + 2.0 * x / alpha / mf)).cos())
        } else if i < m - width - 1 {
            1.0
        } else {
            0.5 * (1.0 + (pi * (-2.0 / alpha + 1.0 + 2.0 * x / alpha / mf)).cos())
        };
        w.push(v);
    }
    w.truncate(n);
    w
}

/// What is removed from each segment before windowing (SciPy's `detrend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detrend {
    /// `detrend=False`.
    None,
    /// `detrend="constant"`: subtract the segment's mean (SciPy's default).
    #[default]
    Constant,
}

/// Parameters of [`welch`]; `Default` is SciPy's default.
#[derive(Debug, Clone, PartialEq)]
pub struct WelchParams {
    /// Samples per segment (256); the signal length if the signal is shorter.
    pub nperseg: usize,
    /// Samples shared by consecutive segments; `None` = `nperseg / 2`.
    pub noverlap: Option<usize>,
    /// FFT length (zero-padded); `None` = `nperseg`.
    pub nfft: Option<usize>,
    /// Window (periodic Hann).
    pub window: Window,
    /// Detrending (constant).
    pub detrend: Detrend,
}

impl Default for WelchParams {
    fn default() -> Self {
        Self {
            nperseg: 256,
            noverlap: None,
            nfft: None,
            window: Window::Hann,
            detrend: Detrend::Constant,
        }
    }
}

/// Parameters of [`spectrogram`]; `Default` is SciPy's default.
#[derive(Debug, Clone, PartialEq)]
pub struct SpectrogramParams {
    /// Samples per segment (256); the signal length if the signal is shorter.
    pub nperseg: usize,
    /// Samples shared by consecutive segments; `None` = `nperseg / 8`.
    pub noverlap: Option<usize>,
    /// FFT length (zero-padded); `None` = `nperseg`.
    pub nfft: Option<usize>,
    /// Window (periodic Tukey, α = 0.25).
    pub window: Window,
    /// Detrending (constant).
    pub detrend: Detrend,
}

impl Default for SpectrogramParams {
    fn default() -> Self {
        Self {
            nperseg: 256,
            noverlap: None,
            nfft: None,
            window: Window::Tukey(0.25),
            detrend: Detrend::Constant,
        }
    }
}

/// A spectrogram: power density per segment (time) and frequency.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrogram {
    /// Frequency of each bin, Hz.
    pub freqs: Vec<f64>,
    /// Centre of each segment, seconds from the first sample (SciPy's `t`).
    pub times_secs: Vec<f64>,
    /// `times_secs.len() × freqs.len()`, time-major (row `t` is the spectrum of segment `t`;
    /// SciPy's `Sxx` is the transpose).
    pub power: Vec<f64>,
}

impl Spectrogram {
    /// The spectrum of segment `t` (one value per frequency), if it exists.
    pub fn segment(&self, t: usize) -> Option<&[f64]> {
        let nf = self.freqs.len();
        self.power.get(t * nf..(t + 1) * nf)
    }
}

/// Segment setup shared by [`welch`] and [`spectrogram`].
struct Plan {
    nperseg: usize,
    step: usize,
    nfft: usize,
    win: Vec<f64>,
    scale: f64,
    detrend: Detrend,
    fft: Arc<dyn RealToComplex<f64>>,
}

impl Plan {
    #[allow(clippy::too_many_arguments)]
    fn new(
        len: usize,
        fs: f64,
        nperseg: usize,
        noverlap: Option<usize>,
        default_overlap_div: usize,
        nfft: Option<usize>,
        window: &Window,
        detrend: Detrend,
    ) -> Result<Self, DspError> {
        check_fs(fs)?;
        if len == 0 {
            return Err(DspError::InvalidParameter(
                "cannot compute a spectrum of an empty signal".into(),
            ));
        }
        let nperseg = match window {
            Window::Custom(v) => {
                if v.len() > len {
                    return Err(DspError::InvalidParameter(
                        "the window is longer than the signal".into(),
                    ));
                }
                v.len()
            }
            _ => nperseg.min(len),
        };
        if nperseg == 0 {
            return Err(DspError::InvalidParameter(
                "nperseg must be a positive integer".into(),
            ));
        }
        let noverlap = noverlap.unwrap_or(nperseg / default_overlap_div);
        if noverlap >= nperseg {
            return Err(DspError::InvalidParameter(format!(
                "noverlap ({noverlap}) must be less than nperseg ({nperseg})"
            )));
        }
        let nfft = nfft.unwrap_or(nperseg);
        if nfft < nperseg {
            return Err(DspError::InvalidParameter(format!(
                "nfft ({nfft}) must be at least nperseg ({nperseg})"
            )));
        }
        let win = window.values(nperseg)?;
        let scale = 1.0 / (fs * win.iter().map(|w| w * w).sum::<f64>());
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(nfft);
        Ok(Self {
            nperseg,
            step: nperseg - noverlap,
            nfft,
            win,
            scale,
            detrend,
            fft,
        })
    }

    fn n_freqs(&self) -> usize {
        self.nfft / 2 + 1
    }

    fn freqs(&self, fs: f64) -> Vec<f64> {
        // numpy.fft.rfftfreq(nfft, 1/fs)
        let val = 1.0 / (self.nfft as f64 * (1.0 / fs));
        (0..self.n_freqs()).map(|k| k as f64 * val).collect()
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            input: self.fft.make_input_vec(),
            output: self.fft.make_output_vec(),
            fft: self.fft.make_scratch_vec(),
        }
    }

    /// One-sided density of one segment into `out` (`n_freqs` values).
    fn segment_psd(&self, seg: &[f64], s: &mut Scratch, out: &mut [f64]) -> Result<(), DspError> {
        let mean = match self.detrend {
            Detrend::Constant => seg.iter().sum::<f64>() / seg.len() as f64,
            Detrend::None => 0.0,
        };
        for ((dst, &x), &w) in s.input.iter_mut().zip(seg).zip(&self.win) {
            *dst = w * (x - mean);
        }
        s.input[self.nperseg..].fill(0.0);
        self.fft
            .process_with_scratch(&mut s.input, &mut s.output, &mut s.fft)
            .map_err(|e| DspError::InvalidParameter(format!("FFT failed: {e}")))?;
        let last = out.len() - 1;
        for (k, (o, c)) in out.iter_mut().zip(&s.output).enumerate() {
            let p = (c.re * c.re + c.im * c.im) * self.scale;
            let paired = k != 0 && !(k == last && self.nfft.is_multiple_of(2));
            *o = if paired { 2.0 * p } else { p };
        }
        Ok(())
    }
}

struct Scratch {
    input: Vec<f64>,
    output: Vec<Complex<f64>>,
    fft: Vec<Complex<f64>>,
}

/// `scipy.signal.welch(x, fs, ...)`: returns `(freqs, psd)` (one-sided density).
pub fn welch(x: &[f64], fs: f64, params: &WelchParams) -> Result<(Vec<f64>, Vec<f64>), DspError> {
    let plan = Plan::new(
        x.len(),
        fs,
        params.nperseg,
        params.noverlap,
        2,
        params.nfft,
        &params.window,
        params.detrend,
    )?;
    let noverlap = plan.nperseg - plan.step;
    let n_segments = (x.len() - noverlap) / plan.step;
    let nf = plan.n_freqs();
    let mut scratch = plan.scratch();
    let mut one = vec![0.0; nf];
    let mut sum = vec![0.0; nf];
    for i in 0..n_segments {
        let start = i * plan.step;
        plan.segment_psd(&x[start..start + plan.nperseg], &mut scratch, &mut one)?;
        for (s, o) in sum.iter_mut().zip(&one) {
            *s += o;
        }
    }
    let psd = sum.into_iter().map(|s| s / n_segments as f64).collect();
    Ok((plan.freqs(fs), psd))
}

/// `scipy.signal.spectrogram(x, fs, ...)` (mode `"psd"`), segments computed in parallel.
pub fn spectrogram(
    x: &[f64],
    fs: f64,
    params: &SpectrogramParams,
) -> Result<Spectrogram, DspError> {
    let plan = Plan::new(
        x.len(),
        fs,
        params.nperseg,
        params.noverlap,
        8,
        params.nfft,
        &params.window,
        params.detrend,
    )?;
    let n_segments = (x.len() - plan.nperseg) / plan.step + 1;
    let nf = plan.n_freqs();
    let mut power = vec![0.0; n_segments * nf];
    power
        .par_chunks_mut(nf * 64)
        .enumerate()
        .try_for_each_init(
            || plan.scratch(),
            |scratch, (chunk_i, rows)| -> Result<(), DspError> {
                for (j, row) in rows.chunks_mut(nf).enumerate() {
                    let start = (chunk_i * 64 + j) * plan.step;
                    plan.segment_psd(&x[start..start + plan.nperseg], scratch, row)?;
                }
                Ok(())
            },
        )?;
    let half = plan.nperseg as f64 / 2.0;
    let times_secs = (0..n_segments)
        .map(|i| (half + (i * plan.step) as f64) / fs)
        .collect();
    Ok(Spectrogram {
        freqs: plan.freqs(fs),
        times_secs,
        power,
    })
}

/// A named frequency band, Hz.
#[derive(Debug, Clone, PartialEq)]
pub struct FreqBand {
    /// Name shown to the user ("alpha").
    pub name: String,
    /// Low edge, Hz (included).
    pub lo_hz: f64,
    /// High edge, Hz (included).
    pub hi_hz: f64,
}

/// The usual EEG bands: delta 1–4, theta 4–8, alpha 8–13, beta 13–30, gamma 30–45 Hz.
pub fn standard_bands() -> Vec<FreqBand> {
    [
        ("delta", 1.0, 4.0),
        ("theta", 4.0, 8.0),
        ("alpha", 8.0, 13.0),
        ("beta", 13.0, 30.0),
        ("gamma", 30.0, 45.0),
    ]
    .into_iter()
    .map(|(name, lo_hz, hi_hz)| FreqBand {
        name: name.to_string(),
        lo_hz,
        hi_hz,
    })
    .collect()
}

/// Power in `[lo_hz, hi_hz]`: `scipy.integrate.trapezoid(psd[sel], freqs[sel])` with
/// `sel = (freqs >= lo_hz) & (freqs <= hi_hz)`. 0 when fewer than two bins fall in the band.
pub fn band_power(freqs: &[f64], psd: &[f64], lo_hz: f64, hi_hz: f64) -> Result<f64, DspError> {
    if freqs.len() != psd.len() {
        return Err(DspError::InvalidParameter(format!(
            "{} frequencies but {} power values",
            freqs.len(),
            psd.len()
        )));
    }
    if lo_hz.is_nan() || hi_hz.is_nan() || lo_hz > hi_hz {
        return Err(DspError::InvalidParameter(format!(
            "band {lo_hz}–{hi_hz} Hz: the low edge must not exceed the high edge"
        )));
    }
    let sel: Vec<(f64, f64)> = freqs
        .iter()
        .zip(psd)
        .filter(|(f, _)| **f >= lo_hz && **f <= hi_hz)
        .map(|(&f, &p)| (f, p))
        .collect();
    Ok(sel
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0)
        .sum())
}

/// [`band_power`] for each band, in order.
pub fn band_powers(freqs: &[f64], psd: &[f64], bands: &[FreqBand]) -> Result<Vec<f64>, DspError> {
    bands
        .iter()
        .map(|b| band_power(freqs, psd, b.lo_hz, b.hi_hz))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_match_scipy_shape() {
        // scipy.signal.get_window("hann", 8)
        let w = Window::Hann.values(8).unwrap();
        let want = [
            0.0,
            0.14644660940672627,
            0.5,
            0.8535533905932737,
            1.0,
            0.8535533905932737,
            0.5,
            0.14644660940672627,
        ];
        for (a, b) in w.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{a} vs {b}");
        }
        // scipy.signal.get_window(("tukey", 0.25), 16): [0, 0.5, 1 ×13, 0.5]
        let w = Window::Tukey(0.25).values(16).unwrap();
        assert!(w[0].abs() < 1e-15 && (w[1] - 0.5).abs() < 1e-15 && (w[15] - 0.5).abs() < 1e-15);
        assert!(w[2..15].iter().all(|&v| v == 1.0));
    }

    #[test]
    fn parseval_white_noise_density() {
        // A sine of amplitude A has power A²/2, spread over bins by the window.
        let fs = 256.0;
        let x: Vec<f64> = (0..4096)
            .map(|i| 2.0 * (2.0 * std::f64::consts::PI * 32.0 * i as f64 / fs).sin())
            .collect();
        let (f, p) = welch(&x, fs, &WelchParams::default()).unwrap();
        assert_eq!(f.len(), 129);
        let total = band_power(&f, &p, 0.0, 128.0).unwrap();
        assert!((total - 2.0).abs() < 0.05, "{total}");
    }

    #[test]
    fn bad_parameters() {
        let x = vec![0.0; 100];
        assert!(welch(&[], 1.0, &WelchParams::default()).is_err());
        assert!(welch(&x, 0.0, &WelchParams::default()).is_err());
        let p = WelchParams {
            noverlap: Some(100),
            ..Default::default()
        };
        assert!(welch(&x, 1.0, &p).is_err());
        assert!(band_power(&[1.0], &[], 0.0, 1.0).is_err());
        assert!(band_power(&[1.0], &[1.0], 2.0, 1.0).is_err());
    }
}
