//! Butterworth and notch filter design as second-order sections, computed the way SciPy computes
//! them so that the coefficients agree to ~1e-12:
//!
//! `scipy.signal.butter(N, Wn, btype, fs=fs, output="sos")` is `buttap` (analog prototype) →
//! pre-warping `4·tan(π·Wn/2)` → `lp2lp_zpk` / `lp2hp_zpk` / `lp2bp_zpk` / `lp2bs_zpk` →
//! `bilinear_zpk` (fs = 2) → `zpk2sos(pairing="nearest")`. Each step below mirrors SciPy's
//! arithmetic, including NumPy's complex division (Smith's method) and the C library's `csqrt`,
//! and `zpk2sos`'s pole/zero pairing and section order (the poles nearest the unit circle go
//! last; the overall gain goes into the first section).
//!
//! [`iirnotch`] is `scipy.signal.iirnotch(w0, Q, fs)` as one section; [`notch_harmonics`]
//! cascades notches at the mains frequency and its harmonics below Nyquist.

use super::{DspError, check_fs};

/// One second-order section `[b0, b1, b2, a0, a1, a2]`, as a row of SciPy's `sos` array
/// (`a0` is 1).
pub type Sos = [f64; 6];

/// The Q SciPy's examples and most EEG tools use for a mains notch.
pub const DEFAULT_NOTCH_Q: f64 = 30.0;

/// Which band a Butterworth filter passes, with its critical frequencies in Hz
/// (SciPy's `btype` and `Wn`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Band {
    /// `btype="lowpass"`: passes below the frequency.
    Lowpass(f64),
    /// `btype="highpass"`: passes above the frequency.
    Highpass(f64),
    /// `btype="bandpass"`: passes between the two frequencies (low, high).
    Bandpass(f64, f64),
    /// `btype="bandstop"`: rejects between the two frequencies (low, high).
    Bandstop(f64, f64),
}

/// `scipy.signal.butter(order, Wn, btype, fs=fs_hz, output="sos")`.
///
/// Errors when `order` is 0, the sample rate is not positive, a frequency is not in
/// `0 < f < fs/2`, or a band's low edge is not below its high edge.
pub fn butter(order: usize, band: Band, fs_hz: f64) -> Result<Vec<Sos>, DspError> {
    check_fs(fs_hz)?;
    if order == 0 {
        return Err(DspError::InvalidParameter(
            "Butterworth filter order must be at least 1".into(),
        ));
    }
    if order > 64 {
        return Err(DspError::InvalidParameter(format!(
            "Butterworth filter order {order} is too high (at most 64)"
        )));
    }
    let nyquist = fs_hz / 2.0;
    let check = |f: f64| -> Result<f64, DspError> {
        if !f.is_finite() || f <= 0.0 || f >= nyquist {
            return Err(DspError::InvalidFrequency {
                freq_hz: f,
                fs_hz,
                reason: "it must be 0 < f < fs/2",
            });
        }
        Ok(f / nyquist)
    };
    // Normalized (0..1, 1 = Nyquist) critical frequencies, as SciPy's `Wn / (fs/2)`.
    let (wn, wn2) = match band {
        Band::Lowpass(f) | Band::Highpass(f) => (check(f)?, None),
        Band::Bandpass(lo, hi) | Band::Bandstop(lo, hi) => {
            let (a, b) = (check(lo)?, check(hi)?);
            if lo >= hi {
                return Err(DspError::InvalidFrequency {
                    freq_hz: lo,
                    fs_hz,
                    reason: "the low edge of the band must be below the high edge",
                });
            }
            (a, Some(b))
        }
    };
    // Pre-warp for the bilinear transform with fs = 2: warped = 2 * fs * tan(pi * Wn / fs).
    let warp = |w: f64| 2.0 * 2.0 * (std::f64::consts::PI * w / 2.0).tan();
    let (z, p, k) = buttap(order);
    let (z, p, k) = match (band, wn2) {
        (Band::Lowpass(_), _) => lp2lp_zpk(&z, &p, k, warp(wn)),
        (Band::Highpass(_), _) => lp2hp_zpk(&z, &p, k, warp(wn)),
        (Band::Bandpass(..), Some(w2)) | (Band::Bandstop(..), Some(w2)) => {
            let (w1, w2) = (warp(wn), warp(w2));
            let bw = w2 - w1;
            let wo = (w1 * w2).sqrt();
            if matches!(band, Band::Bandpass(..)) {
                lp2bp_zpk(&z, &p, k, wo, bw)
            } else {
                lp2bs_zpk(&z, &p, k, wo, bw)
            }
        }
        _ => {
            return Err(DspError::InvalidParameter(
                "band-pass and band-stop filters need two frequencies".into(),
            ));
        }
    };
    let (z, p, k) = bilinear_zpk(&z, &p, k, 2.0);
    zpk2sos(&z, &p, k)
}

/// `scipy.signal.iirnotch(w0_hz, q, fs=fs_hz)` as one second-order section (b, then a with
/// a0 = 1).
pub fn iirnotch(w0_hz: f64, q: f64, fs_hz: f64) -> Result<Sos, DspError> {
    check_fs(fs_hz)?;
    if !(q.is_finite() && q > 0.0) {
        return Err(DspError::InvalidParameter(format!(
            "notch quality factor Q must be positive, got {q}"
        )));
    }
    if !w0_hz.is_finite() || w0_hz <= 0.0 || w0_hz >= fs_hz / 2.0 {
        return Err(DspError::InvalidFrequency {
            freq_hz: w0_hz,
            fs_hz,
            reason: "a notch frequency must be 0 < f < fs/2",
        });
    }
    let pi = std::f64::consts::PI;
    // Same statement order as SciPy's `_design_notch_peak_filter`.
    let w0 = 2.0 * w0_hz / fs_hz;
    let bw = w0 / q;
    let bw = bw * pi;
    let w0 = w0 * pi;
    let beta = (bw / 2.0).tan();
    let gain = 1.0 / (1.0 + beta);
    let cos_w0 = w0.cos();
    Ok([
        gain,
        gain * (-2.0 * cos_w0),
        gain,
        1.0,
        -2.0 * gain * cos_w0,
        2.0 * gain - 1.0,
    ])
}

/// Notches at `mains_hz` (50 or 60) and every harmonic below Nyquist, one section each
/// (pass [`DEFAULT_NOTCH_Q`] for the usual Q = 30). Apply with `sosfilt`/`sosfiltfilt` like
/// any other cascade.
pub fn notch_harmonics(mains_hz: f64, fs_hz: f64, q: f64) -> Result<Vec<Sos>, DspError> {
    check_fs(fs_hz)?;
    if !mains_hz.is_finite() || mains_hz <= 0.0 || mains_hz >= fs_hz / 2.0 {
        return Err(DspError::InvalidFrequency {
            freq_hz: mains_hz,
            fs_hz,
            reason: "the mains frequency must be 0 < f < fs/2",
        });
    }
    let mut out = Vec::new();
    let mut h = 1.0;
    while h * mains_hz < fs_hz / 2.0 {
        out.push(iirnotch(h * mains_hz, q, fs_hz)?);
        h += 1.0;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Complex arithmetic exactly as NumPy does it (rounding included), so the design follows SciPy.

#[derive(Debug, Clone, Copy, PartialEq)]
struct C64 {
    re: f64,
    im: f64,
}

impl C64 {
    const fn new(re: f64, im: f64) -> Self {
        Self { re, im }
    }
    fn real(x: f64) -> Self {
        Self::new(x, 0.0)
    }
    fn add(self, o: Self) -> Self {
        Self::new(self.re + o.re, self.im + o.im)
    }
    fn sub(self, o: Self) -> Self {
        Self::new(self.re - o.re, self.im - o.im)
    }
    fn mul(self, o: Self) -> Self {
        Self::new(
            self.re * o.re - self.im * o.im,
            self.re * o.im + self.im * o.re,
        )
    }
    fn neg(self) -> Self {
        Self::new(-self.re, -self.im)
    }
    fn conj(self) -> Self {
        Self::new(self.re, -self.im)
    }
    /// NumPy's complex division (Smith's method).
    fn div(self, o: Self) -> Self {
        let (ar, ai, br, bi) = (self.re, self.im, o.re, o.im);
        if br.abs() >= bi.abs() {
            if br == 0.0 && bi == 0.0 {
                return Self::new(ar / br.abs(), ai / br.abs());
            }
            let rat = bi / br;
            let scl = 1.0 / (br + bi * rat);
            Self::new((ar + ai * rat) * scl, (ai - ar * rat) * scl)
        } else {
            let rat = br / bi;
            let scl = 1.0 / (bi + br * rat);
            Self::new((ar * rat + ai) * scl, (ai * rat - ar) * scl)
        }
    }
    fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }
    fn is_real(self) -> bool {
        self.im == 0.0
    }
    /// glibc's `csqrt` for finite arguments (NumPy calls the C library).
    fn sqrt(self) -> Self {
        let (x, y) = (self.re, self.im);
        if y == 0.0 {
            return if x < 0.0 {
                Self::new(0.0, (-x).sqrt().copysign(y))
            } else {
                Self::new(x.sqrt().abs(), 0.0f64.copysign(y))
            };
        }
        if x == 0.0 {
            let r = (0.5 * y.abs()).sqrt();
            return Self::new(r, r.copysign(y));
        }
        let d = x.hypot(y);
        let (r, s) = if x > 0.0 {
            let r = (0.5 * (d + x)).sqrt();
            (r, 0.5 * (y / r))
        } else {
            let s = (0.5 * (d - x)).sqrt();
            ((0.5 * (y / s)).abs(), s)
        };
        Self::new(r, s.copysign(y))
    }
}

fn prod(v: &[C64]) -> C64 {
    v.iter().fold(C64::real(1.0), |a, &b| a.mul(b))
}

type Zpk = (Vec<C64>, Vec<C64>, f64);

/// `scipy.signal.buttap(N)`: no zeros, poles `-exp(1j*pi*m/(2N))`, gain 1.
fn buttap(n: usize) -> Zpk {
    let nf = n as f64;
    let pi = std::f64::consts::PI;
    let p = (0..n)
        .map(|i| {
            let m = -nf + 1.0 + 2.0 * i as f64;
            // (1j * pi) * m / (2 * N), with NumPy's complex multiply and divide.
            let t = C64::new(0.0, pi).mul(C64::real(m)).div(C64::real(2.0 * nf));
            // cexp(t) = exp(re) * (cos im, sin im); negated.
            let e = t.re.exp();
            C64::new(e * t.im.cos(), e * t.im.sin()).neg()
        })
        .collect();
    (Vec::new(), p, 1.0)
}

fn lp2lp_zpk(z: &[C64], p: &[C64], k: f64, wo: f64) -> Zpk {
    let degree = p.len() - z.len();
    let w = C64::real(wo);
    (
        z.iter().map(|&x| w.mul(x)).collect(),
        p.iter().map(|&x| w.mul(x)).collect(),
        // Python's `wo**degree` is the C library's `pow`; `powi` (repeated multiplication)
        // differs from it in the last bits for most `wo`.
        k * wo.powf(degree as f64),
    )
}

fn lp2hp_zpk(z: &[C64], p: &[C64], k: f64, wo: f64) -> Zpk {
    let degree = p.len() - z.len();
    let w = C64::real(wo);
    let mut z_hp: Vec<C64> = z.iter().map(|&x| w.div(x)).collect();
    let p_hp = p.iter().map(|&x| w.div(x)).collect();
    z_hp.extend(std::iter::repeat_n(C64::real(0.0), degree));
    let neg_z: Vec<C64> = z.iter().map(|x| x.neg()).collect();
    let neg_p: Vec<C64> = p.iter().map(|x| x.neg()).collect();
    let k_hp = k * prod(&neg_z).div(prod(&neg_p)).re;
    (z_hp, p_hp, k_hp)
}

/// Shift each point to `+wo` and `-wo`: `x ± sqrt(x² - wo²)` (first all `+`, then all `-`).
fn shift_pairs(v: &[C64], wo: f64) -> Vec<C64> {
    let wo2 = C64::real(wo * wo);
    let roots: Vec<C64> = v.iter().map(|&x| x.mul(x).sub(wo2).sqrt()).collect();
    v.iter()
        .zip(&roots)
        .map(|(&x, &r)| x.add(r))
        .chain(v.iter().zip(&roots).map(|(&x, &r)| x.sub(r)))
        .collect()
}

fn lp2bp_zpk(z: &[C64], p: &[C64], k: f64, wo: f64, bw: f64) -> Zpk {
    let degree = p.len() - z.len();
    let half = C64::real(2.0);
    let b = C64::real(bw);
    // z * bw / 2
    let z_lp: Vec<C64> = z.iter().map(|&x| x.mul(b).div(half)).collect();
    let p_lp: Vec<C64> = p.iter().map(|&x| x.mul(b).div(half)).collect();
    let mut z_bp = shift_pairs(&z_lp, wo);
    let p_bp = shift_pairs(&p_lp, wo);
    z_bp.extend(std::iter::repeat_n(C64::real(0.0), degree));
    // `bw**degree`: `pow`, as Python computes it (not `powi`).
    (z_bp, p_bp, k * bw.powf(degree as f64))
}

fn lp2bs_zpk(z: &[C64], p: &[C64], k: f64, wo: f64, bw: f64) -> Zpk {
    let degree = p.len() - z.len();
    let half_bw = C64::real(bw / 2.0);
    let z_hp: Vec<C64> = z.iter().map(|&x| half_bw.div(x)).collect();
    let p_hp: Vec<C64> = p.iter().map(|&x| half_bw.div(x)).collect();
    let mut z_bs = shift_pairs(&z_hp, wo);
    let p_bs = shift_pairs(&p_hp, wo);
    z_bs.extend(std::iter::repeat_n(C64::new(0.0, wo), degree));
    z_bs.extend(std::iter::repeat_n(C64::new(0.0, -wo), degree));
    let neg_z: Vec<C64> = z.iter().map(|x| x.neg()).collect();
    let neg_p: Vec<C64> = p.iter().map(|x| x.neg()).collect();
    let k_bs = k * prod(&neg_z).div(prod(&neg_p)).re;
    (z_bs, p_bs, k_bs)
}

fn bilinear_zpk(z: &[C64], p: &[C64], k: f64, fs: f64) -> Zpk {
    let degree = p.len() - z.len();
    let fs2 = C64::real(2.0 * fs);
    let mut z_z: Vec<C64> = z.iter().map(|&x| fs2.add(x).div(fs2.sub(x))).collect();
    let p_z = p.iter().map(|&x| fs2.add(x).div(fs2.sub(x))).collect();
    z_z.extend(std::iter::repeat_n(C64::real(-1.0), degree));
    let num: Vec<C64> = z.iter().map(|&x| fs2.sub(x)).collect();
    let den: Vec<C64> = p.iter().map(|&x| fs2.sub(x)).collect();
    let k_z = k * prod(&num).div(prod(&den)).re;
    (z_z, p_z, k_z)
}

/// SciPy's `_cplxreal`: one of each conjugate pair (positive imaginary part, ordered by real
/// part then |imag|), followed by the real values (ordered), as one list.
fn cplxreal(z: &[C64]) -> Result<Vec<C64>, DspError> {
    let tol = 100.0 * f64::EPSILON;
    let mut z = z.to_vec();
    // lexsort((|imag|, real)): by real part, then |imag|; stable.
    z.sort_by(|a, b| {
        a.re.total_cmp(&b.re)
            .then_with(|| a.im.abs().total_cmp(&b.im.abs()))
    });
    let is_real = |x: &C64| x.im.abs() <= tol * x.abs();
    let zr: Vec<C64> = z
        .iter()
        .filter(|x| is_real(x))
        .map(|x| C64::real(x.re))
        .collect();
    let rest: Vec<C64> = z.iter().filter(|x| !is_real(x)).copied().collect();
    let mut zp: Vec<C64> = rest.iter().filter(|x| x.im > 0.0).copied().collect();
    let mut zn: Vec<C64> = rest.iter().filter(|x| x.im < 0.0).copied().collect();
    let unmatched =
        || DspError::InvalidParameter("complex value with no matching conjugate".into());
    if zp.len() != zn.len() {
        return Err(unmatched());
    }
    // Runs of (nearly) the same real part are sorted by |imag|.
    let mut start = 0;
    while start < zp.len() {
        let mut stop = start;
        while stop + 1 < zp.len() && zp[stop + 1].re - zp[stop].re <= tol * zp[stop].abs() {
            stop += 1;
        }
        if stop > start {
            for chunk in [&mut zp[start..=stop], &mut zn[start..=stop]] {
                chunk.sort_by(|a, b| a.im.abs().total_cmp(&b.im.abs()));
            }
        }
        start = stop + 1;
    }
    let mut out = Vec::with_capacity(zp.len() + zr.len());
    for (a, b) in zp.iter().zip(&zn) {
        if a.sub(b.conj()).abs() > tol * b.abs() {
            return Err(unmatched());
        }
        out.push(a.add(b.conj()).div(C64::real(2.0)));
    }
    out.extend(zr);
    Ok(out)
}

/// `np.poly`: polynomial coefficients (highest power first) with the given roots; real when the
/// roots come in conjugate pairs.
fn poly(roots: &[C64]) -> Vec<f64> {
    let mut a = vec![C64::real(1.0)];
    for &r in roots {
        let mut next = vec![C64::real(0.0); a.len() + 1];
        for (i, &c) in a.iter().enumerate() {
            next[i] = next[i].add(c);
            next[i + 1] = next[i + 1].add(c.mul(r.neg()));
        }
        a = next;
    }
    a.into_iter().map(|c| c.re).collect()
}

/// SciPy's `_single_zpksos(z, p, 1)`: numerator and denominator right-aligned in the row.
fn single_zpksos(z: &[C64], p: &[C64]) -> Sos {
    let b = poly(z);
    let a = poly(p);
    let mut sos = [0.0; 6];
    sos[3 - b.len()..3].copy_from_slice(&b);
    sos[6 - a.len()..6].copy_from_slice(&a);
    sos
}

/// SciPy's `_nearest_real_complex_idx`: index of the element of `fro` nearest to `to`, among the
/// real ones (`Some(true)`), the complex ones (`Some(false)`) or all (`None`).
fn nearest_idx(fro: &[C64], to: C64, real: Option<bool>) -> Option<usize> {
    let mut order: Vec<usize> = (0..fro.len()).collect();
    order.sort_by(|&a, &b| fro[a].sub(to).abs().total_cmp(&fro[b].sub(to).abs()));
    order
        .into_iter()
        .find(|&i| real.is_none_or(|r| fro[i].is_real() == r))
}

/// Index of the pole nearest the unit circle (`np.argmin(abs(1 - abs(p)))`, first on ties).
fn idx_worst(p: &[C64]) -> usize {
    let mut best = 0;
    for (i, x) in p.iter().enumerate() {
        if (1.0 - x.abs()).abs() < (1.0 - p[best].abs()).abs() {
            best = i;
        }
    }
    best
}

/// `scipy.signal.zpk2sos(z, p, k, pairing="nearest")` for a digital filter.
fn zpk2sos(z: &[C64], p: &[C64], k: f64) -> Result<Vec<Sos>, DspError> {
    if z.is_empty() && p.is_empty() {
        return Ok(vec![[k, 0.0, 0.0, 1.0, 0.0, 0.0]]);
    }
    let mut z = z.to_vec();
    let mut p = p.to_vec();
    let n = z.len().max(p.len());
    p.resize(n, C64::real(0.0));
    z.resize(n, C64::real(0.0));
    let n_sections = n.div_ceil(2);
    if p.len() % 2 == 1 {
        p.push(C64::real(0.0));
        z.push(C64::real(0.0));
    }
    let mut z = cplxreal(&z)?;
    let mut p = cplxreal(&p)?;
    let internal = || DspError::InvalidParameter("zpk2sos: poles and zeros do not pair".into());
    let mut sos = vec![[0.0; 6]; n_sections];
    for si in (0..n_sections).rev() {
        let p1 = p.remove(idx_worst(&p));
        let n_real_p = p.iter().filter(|x| x.is_real()).count();
        let n_real_z = z.iter().filter(|x| x.is_real()).count();
        if p1.is_real() && n_real_p == 0 {
            // Last remaining real pole: pair with the nearest real zero, as a first-order section.
            let i = nearest_idx(&z, p1, Some(true)).ok_or_else(internal)?;
            let z1 = z.remove(i);
            sos[si] = single_zpksos(&[z1, C64::real(0.0)], &[p1, C64::real(0.0)]);
        } else if p.len() + 1 == z.len() && !p1.is_real() && n_real_p == 1 && n_real_z == 1 {
            // One real pole and one real zero left: this complex pole must take complex zeros.
            let i = nearest_idx(&z, p1, Some(false)).ok_or_else(internal)?;
            let z1 = z.remove(i);
            sos[si] = single_zpksos(&[z1, z1.conj()], &[p1, p1.conj()]);
        } else {
            let p2 = if p1.is_real() {
                let real_idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_real()).collect();
                let reals: Vec<C64> = real_idx.iter().map(|&i| p[i]).collect();
                p.remove(real_idx[idx_worst(&reals)])
            } else {
                p1.conj()
            };
            if z.is_empty() {
                sos[si] = single_zpksos(&[], &[p1, p2]);
            } else {
                let i = nearest_idx(&z, p1, None).ok_or_else(internal)?;
                let z1 = z.remove(i);
                if !z1.is_real() {
                    sos[si] = single_zpksos(&[z1, z1.conj()], &[p1, p2]);
                } else if !z.is_empty() {
                    let i = nearest_idx(&z, p1, Some(true)).ok_or_else(internal)?;
                    let z2 = z.remove(i);
                    sos[si] = single_zpksos(&[z1, z2], &[p1, p2]);
                } else {
                    sos[si] = single_zpksos(&[z1], &[p1, p2]);
                }
            }
        }
    }
    if !p.is_empty() || !z.is_empty() {
        return Err(internal());
    }
    for c in &mut sos[0][..3] {
        *c *= k;
    }
    Ok(sos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_sos_close(got: &[Sos], want: &[Sos], tol: f64) {
        assert_eq!(got.len(), want.len(), "number of sections");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            for j in 0..6 {
                let scale = w[j].abs().max(1e-300);
                assert!(
                    (g[j] - w[j]).abs() <= tol * scale.max(1e-12),
                    "section {i} coefficient {j}: got {:e}, want {:e}",
                    g[j],
                    w[j]
                );
            }
        }
    }

    // Expected values: scipy 1.17.1, `scipy.signal.butter(..., output="sos")` printed with
    // repr() (full precision).
    #[test]
    fn butter_lowpass_order4() {
        // butter(4, 30, "lowpass", fs=256, output="sos")
        let want = [
            [
                0.00823639593126987,
                0.01647279186253974,
                0.00823639593126987,
                1.0,
                -0.9145063322112101,
                0.2342330025790944,
            ],
            [1.0, 2.0, 1.0, 1.0, -1.1789250210407605, 0.5910968762966464],
        ];
        let got = butter(4, Band::Lowpass(30.0), 256.0).unwrap();
        assert_sos_close(&got, &want, 1e-12);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(butter(4, Band::Lowpass(0.0), 256.0).is_err());
        assert!(butter(4, Band::Lowpass(128.0), 256.0).is_err());
        assert!(butter(4, Band::Highpass(-1.0), 256.0).is_err());
        assert!(butter(4, Band::Bandpass(40.0, 1.0), 256.0).is_err());
        assert!(butter(4, Band::Bandpass(1.0, f64::NAN), 256.0).is_err());
        assert!(butter(0, Band::Lowpass(10.0), 256.0).is_err());
        assert!(butter(4, Band::Lowpass(10.0), 0.0).is_err());
        assert!(iirnotch(50.0, 30.0, 100.0).is_err());
        assert!(iirnotch(50.0, 0.0, 500.0).is_err());
        assert!(notch_harmonics(0.0, 500.0, 30.0).is_err());
    }

    #[test]
    fn notch_harmonics_below_nyquist() {
        let n = notch_harmonics(50.0, 512.0, DEFAULT_NOTCH_Q).unwrap();
        assert_eq!(n.len(), 5); // 50, 100, 150, 200, 250 < 256
        let n = notch_harmonics(60.0, 500.0, DEFAULT_NOTCH_Q).unwrap();
        assert_eq!(n.len(), 4); // 60 … 240
    }

    #[test]
    fn complex_sqrt_matches_libc_branch() {
        let r = C64::new(-4.0, 0.0).sqrt();
        assert_eq!((r.re, r.im), (0.0, 2.0));
        let r = C64::new(-4.0, -0.0).sqrt();
        assert_eq!((r.re, r.im), (0.0, -2.0));
        let r = C64::new(3.0, 4.0).sqrt();
        assert!((r.re - 2.0).abs() < 1e-15 && (r.im - 1.0).abs() < 1e-15);
    }
}
