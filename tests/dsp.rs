//! The signal-processing API (`glia::dsp`) against SciPy: Butterworth and notch designs,
//! causal and zero-phase filtering, Welch spectra, spectrograms and band power on a
//! deterministic signal generated identically here and in `benches/compare/dsp_reference.py`;
//! min/max pyramids against brute force over the raw samples.
//!
//! The reference numbers at the end of this file are the output of
//! `.venv/bin/python benches/compare/dsp_reference.py` (SciPy 1.17.1, NumPy 2.4.6): each
//! constant's comment names the SciPy call that produced it. Regenerate them with that script
//! if the test signal changes.

use std::f64::consts::PI;
use std::sync::atomic::{AtomicU64, Ordering};

use glia::dsp::{
    Band, DEFAULT_BLOCK, DEFAULT_NOTCH_Q, DspError, Pyramid, PyramidBuilder, Sos, SosFilter,
    SpectrogramParams, WelchParams, band_power, band_powers, build_channel_pyramids, butter,
    iirnotch, notch_harmonics, sosfilt, sosfilt_with_state, sosfilt_zi, sosfiltfilt,
    sosfiltfilt_channels, sosfiltfilt_inplace, sosfiltfilt_padlen, spectrogram, standard_bands,
    welch,
};

/// Filter outputs must agree with SciPy to 1e-6 relative (the requirement); in practice they
/// agree to rounding, since the sections run SciPy's operations in SciPy's order.
const FILTER_REL: f64 = 1e-6;
/// Relative floor for filter outputs near zero: the signals are of order 1, so a value within
/// 1e-9 of SciPy's is right even where SciPy's is ~0.
const FILTER_FLOOR: f64 = 1e-3;
/// Filter coefficients: 1e-10 relative to the largest coefficient of the same polynomial.
const COEF_REL: f64 = 1e-10;
/// Spectra and band power: 1e-9 relative.
const SPECTRUM_REL: f64 = 1e-9;

/// The test signal: `sin(2π·10·i/fs) + 0.5·sin(2π·60·i/fs) + 0.1·(((i·7919) mod 1000)/1000 − 0.5)`,
/// with the same operations in the same order as `test_signal` in `dsp_reference.py`.
fn test_signal(len: usize, fs: f64) -> Vec<f64> {
    (0..len)
        .map(|i| {
            let t = i as f64;
            (2.0 * PI * 10.0 * t / fs).sin()
                + 0.5 * (2.0 * PI * 60.0 * t / fs).sin()
                + 0.1 * (((i * 7919) % 1000) as f64 / 1000.0 - 0.5)
        })
        .collect()
}

#[track_caller]
fn assert_close(what: &str, got: f64, want: f64, rel: f64, floor: f64) {
    let tol = rel * want.abs().max(floor);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:e}, want {want:e} (difference {:e}, tolerance {tol:e})",
        (got - want).abs()
    );
}

#[track_caller]
fn assert_sos(what: &str, got: &[Sos], want: &[Sos]) {
    assert_eq!(got.len(), want.len(), "{what}: number of sections");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let b_scale = w[..3].iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let a_scale = w[3..].iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (j, (gj, wj)) in g.iter().zip(w).enumerate() {
            let scale = if j < 3 { b_scale } else { a_scale };
            assert_close(
                &format!("{what}: section {i}, coefficient {j}"),
                *gj,
                *wj,
                COEF_REL,
                scale,
            );
        }
    }
}

/// Checks filter states (`[z0, z1]` per section) element by element.
#[track_caller]
fn assert_state(what: &str, got: &[[f64; 2]], want: &[[f64; 2]], rel: f64, floor: f64) {
    assert_eq!(got.len(), want.len(), "{what}: number of sections");
    for (s, (g, w)) in got.iter().zip(want).enumerate() {
        for (j, (gj, wj)) in g.iter().zip(w).enumerate() {
            assert_close(&format!("{what}: section {s}[{j}]"), *gj, *wj, rel, floor);
        }
    }
}

/// Checks `y` against a reference laid out as `[y[PROBES]..., sum, sum of squares, sum |y|]`.
#[track_caller]
fn assert_probes(what: &str, y: &[f64], want: &[f64; 9]) {
    assert_eq!(y.len(), 2000, "{what}: length");
    for (k, &i) in PROBES.iter().enumerate() {
        assert_close(
            &format!("{what}[{i}]"),
            y[i],
            want[k],
            FILTER_REL,
            FILTER_FLOOR,
        );
    }
    let n = PROBES.len();
    let sum: f64 = y.iter().sum();
    let sum_sq: f64 = y.iter().map(|v| v * v).sum();
    let sum_abs: f64 = y.iter().map(|v| v.abs()).sum();
    assert_close(
        &format!("{what}: sum"),
        sum,
        want[n],
        FILTER_REL,
        FILTER_FLOOR,
    );
    assert_close(
        &format!("{what}: sum of squares"),
        sum_sq,
        want[n + 1],
        FILTER_REL,
        FILTER_FLOOR,
    );
    assert_close(
        &format!("{what}: sum of |y|"),
        sum_abs,
        want[n + 2],
        FILTER_REL,
        FILTER_FLOOR,
    );
}

/// Checks a one-sided spectrum against `[len(f), f[1], psd[bins]..., psd.sum()]`.
#[track_caller]
fn assert_spectrum(what: &str, freqs: &[f64], psd: &[f64], bins: &[usize], want: &[f64]) {
    assert_eq!(want.len(), bins.len() + 3, "{what}: reference layout");
    assert_eq!(freqs.len(), psd.len(), "{what}: one value per frequency");
    assert_eq!(freqs.len() as f64, want[0], "{what}: number of frequencies");
    assert_eq!(freqs[0], 0.0, "{what}: first frequency");
    assert_close(&format!("{what}: f[1]"), freqs[1], want[1], 1e-12, 0.0);
    for (k, f) in freqs.iter().enumerate() {
        assert_close(
            &format!("{what}: f[{k}]"),
            *f,
            k as f64 * want[1],
            1e-12,
            want[1],
        );
    }
    for (k, &b) in bins.iter().enumerate() {
        assert_close(
            &format!("{what}: psd[{b}]"),
            psd[b],
            want[2 + k],
            SPECTRUM_REL,
            0.0,
        );
    }
    let sum: f64 = psd.iter().sum();
    assert_close(
        &format!("{what}: sum"),
        sum,
        want[2 + bins.len()],
        SPECTRUM_REL,
        0.0,
    );
}

const PROBES: [usize; 6] = [0, 1, 10, 500, 1000, 1999];

// ---------------------------------------------------------------------------------------------
// Filter design

#[test]
#[allow(clippy::type_complexity)]
fn butter_matches_scipy() {
    let cases: [(&str, Result<Vec<Sos>, DspError>, &[Sos]); 8] = [
        (
            "butter(4, [1, 40], bandpass, fs=256)",
            butter(4, Band::Bandpass(1.0, 40.0), 256.0),
            &SOS_BP4_1_40_FS256,
        ),
        (
            "butter(3, 10, lowpass, fs=256)",
            butter(3, Band::Lowpass(10.0), 256.0),
            &SOS_LP3_10_FS256,
        ),
        (
            "butter(6, 30, lowpass, fs=1000)",
            butter(6, Band::Lowpass(30.0), 1000.0),
            &SOS_LP6_30_FS1000,
        ),
        (
            "butter(5, 0.5, highpass, fs=256)",
            butter(5, Band::Highpass(0.5), 256.0),
            &SOS_HP5_05_FS256,
        ),
        (
            "butter(4, 1, highpass, fs=512)",
            butter(4, Band::Highpass(1.0), 512.0),
            &SOS_HP4_1_FS512,
        ),
        (
            "butter(2, [8, 13], bandpass, fs=256)",
            butter(2, Band::Bandpass(8.0, 13.0), 256.0),
            &SOS_BP2_8_13_FS256,
        ),
        (
            "butter(8, [1, 40], bandpass, fs=512)",
            butter(8, Band::Bandpass(1.0, 40.0), 512.0),
            &SOS_BP8_1_40_FS512,
        ),
        (
            "butter(4, [48, 52], bandstop, fs=500)",
            butter(4, Band::Bandstop(48.0, 52.0), 500.0),
            &SOS_BS4_48_52_FS500,
        ),
    ];
    for (what, got, want) in cases {
        let got = got.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_sos(what, &got, want);
    }
}

#[test]
fn iirnotch_matches_scipy() {
    let got = iirnotch(50.0, 30.0, 500.0).unwrap();
    assert_sos("iirnotch(50, 30, fs=500)", &[got], &[NOTCH_50_Q30_FS500]);
    let got = notch_harmonics(50.0, 500.0, DEFAULT_NOTCH_Q).unwrap();
    // 50, 100, 150 and 200 Hz: 250 Hz is Nyquist, not below it.
    assert_sos(
        "notch_harmonics(50, fs=500)",
        &got,
        &NOTCH_HARMONICS_50_FS500,
    );
}

#[test]
fn notch_harmonics_remove_mains_and_keep_the_rest() {
    let fs = 500.0;
    let tone = |f: f64, i: usize| (2.0 * PI * f * i as f64 / fs).sin();
    let x: Vec<f64> = (0..5000)
        .map(|i| tone(10.0, i) + tone(50.0, i) + tone(100.0, i) + 0.5 * tone(150.0, i))
        .collect();
    let notches = notch_harmonics(50.0, fs, DEFAULT_NOTCH_Q).unwrap();
    let y = sosfiltfilt(&notches, &x).unwrap();
    // Away from the ends (the notches ring for ~0.2 s), only the 10 Hz tone is left.
    let mid = 1000..4000;
    let worst = mid
        .clone()
        .map(|i| (y[i] - tone(10.0, i)).abs())
        .fold(0.0f64, f64::max);
    assert!(worst < 1e-3, "10 Hz tone changed by up to {worst}");
    // 1 Hz bins: 10, 50, 100 and 150 Hz fall on bins of the same index.
    let params = WelchParams {
        nperseg: 500,
        ..Default::default()
    };
    let (f, before) = welch(&x[mid.clone()], fs, &params).unwrap();
    let (_, after) = welch(&y[mid], fs, &params).unwrap();
    assert!((f[50] - 50.0).abs() < 1e-9 && (f[100] - 100.0).abs() < 1e-9);
    for k in [50, 100, 150] {
        let ratio = after[k] / before[k];
        assert!(ratio < 1e-9, "{k} Hz: power kept {ratio:e}");
    }
    let ratio = after[10] / before[10];
    assert!((ratio - 1.0).abs() < 0.01, "10 Hz: power ratio {ratio}");
}

#[test]
fn bad_designs_are_errors() {
    let invalid_freq =
        |r: Result<Vec<Sos>, DspError>| matches!(r, Err(DspError::InvalidFrequency { .. }));
    // Above or at Nyquist.
    assert!(invalid_freq(butter(4, Band::Lowpass(300.0), 500.0)));
    assert!(invalid_freq(butter(4, Band::Highpass(250.0), 500.0)));
    assert!(invalid_freq(butter(4, Band::Bandpass(1.0, 300.0), 500.0)));
    assert!(invalid_freq(butter(4, Band::Bandstop(260.0, 270.0), 500.0)));
    // Low edge not below high edge.
    assert!(invalid_freq(butter(4, Band::Bandpass(40.0, 40.0), 256.0)));
    assert!(invalid_freq(butter(4, Band::Bandpass(40.0, 1.0), 256.0)));
    assert!(invalid_freq(butter(4, Band::Bandstop(52.0, 48.0), 500.0)));
    // Not positive, not finite.
    assert!(invalid_freq(butter(4, Band::Lowpass(0.0), 256.0)));
    assert!(invalid_freq(butter(4, Band::Lowpass(-3.0), 256.0)));
    assert!(invalid_freq(butter(4, Band::Lowpass(f64::NAN), 256.0)));
    assert!(invalid_freq(butter(
        4,
        Band::Bandpass(f64::INFINITY, 10.0),
        256.0
    )));
    // Sample rate and order.
    for fs in [0.0, -256.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            butter(4, Band::Lowpass(10.0), fs),
            Err(DspError::InvalidSampleRate(_))
        ));
    }
    assert!(matches!(
        butter(0, Band::Lowpass(10.0), 256.0),
        Err(DspError::InvalidParameter(_))
    ));
    // Notches.
    assert!(matches!(
        iirnotch(300.0, 30.0, 500.0),
        Err(DspError::InvalidFrequency { .. })
    ));
    assert!(matches!(
        iirnotch(50.0, -1.0, 500.0),
        Err(DspError::InvalidParameter(_))
    ));
    assert!(invalid_freq(notch_harmonics(250.0, 500.0, DEFAULT_NOTCH_Q)));
    assert!(invalid_freq(notch_harmonics(-50.0, 500.0, DEFAULT_NOTCH_Q)));
    // Messages say what is wrong.
    let e = butter(4, Band::Lowpass(300.0), 500.0).unwrap_err();
    assert!(e.to_string().contains("300"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Filtering

#[test]
fn sosfiltfilt_matches_scipy() {
    let fs = 256.0;
    let x = test_signal(2000, fs);
    let cases = [
        (
            "sosfiltfilt(butter(4, [1, 40], bandpass))",
            butter(4, Band::Bandpass(1.0, 40.0), fs).unwrap(),
            &FILTFILT_BP4,
        ),
        (
            "sosfiltfilt(butter(3, 10, lowpass))",
            butter(3, Band::Lowpass(10.0), fs).unwrap(),
            &FILTFILT_LP3,
        ),
        (
            "sosfiltfilt(butter(5, 0.5, highpass))",
            butter(5, Band::Highpass(0.5), fs).unwrap(),
            &FILTFILT_HP5,
        ),
    ];
    for (what, sos, want) in cases {
        let y = sosfiltfilt(&sos, &x).unwrap();
        assert_probes(what, &y, want);
        // In place: the same numbers.
        let mut z = x.clone();
        sosfiltfilt_inplace(&sos, &mut z).unwrap();
        assert_eq!(z, y, "{what}: in place");
    }
}

#[test]
fn sosfiltfilt_channels_equals_one_channel_at_a_time() {
    let fs = 256.0;
    let sos = butter(4, Band::Bandpass(1.0, 40.0), fs).unwrap();
    let x = test_signal(2000, fs);
    // Equal and unequal lengths, so that channels are grouped into SIMD lanes and left alone.
    let lens = [2000, 2000, 1999, 2000, 1500, 2000, 2000, 2000, 2000, 700];
    let mut channels: Vec<Vec<f64>> = lens
        .iter()
        .enumerate()
        .map(|(c, &n)| {
            x[..n]
                .iter()
                .map(|v| v * (1.0 + c as f64) - c as f64)
                .collect()
        })
        .collect();
    let want: Vec<Vec<f64>> = channels
        .iter()
        .map(|ch| sosfiltfilt(&sos, ch).unwrap())
        .collect();
    sosfiltfilt_channels(&sos, &mut channels).unwrap();
    for (c, (got, want)) in channels.iter().zip(&want).enumerate() {
        assert_eq!(got.len(), lens[c]);
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_close(&format!("channel {c}[{i}]"), *g, *w, 1e-12, 1.0);
        }
    }
    // Channel 0 is the test signal itself: SciPy's numbers.
    assert_probes(
        "sosfiltfilt_channels, channel 0",
        &channels[0],
        &FILTFILT_BP4,
    );
    // No channels: nothing to do.
    sosfiltfilt_channels(&sos, &mut []).unwrap();
}

#[test]
fn sosfilt_and_zi_match_scipy() {
    let fs = 256.0;
    let x = test_signal(2000, fs);
    let sos = butter(4, Band::Bandpass(1.0, 40.0), fs).unwrap();
    assert_probes(
        "sosfilt(butter(4, [1, 40]))",
        &sosfilt(&sos, &x).unwrap(),
        &SOSFILT_BP4,
    );

    let zi = sosfilt_zi(&sos).unwrap();
    assert_state("sosfilt_zi(bp4)", &zi, &ZI_BP4, 1e-10, 1e-12);
    let lp3 = butter(3, Band::Lowpass(10.0), fs).unwrap();
    assert_state(
        "sosfilt_zi(lp3)",
        &sosfilt_zi(&lp3).unwrap(),
        &ZI_LP3,
        1e-10,
        1e-12,
    );

    // y, zf = sosfilt(sos, x, zi=zi * x[0])
    let mut y = x.clone();
    let mut state: Vec<[f64; 2]> = zi.iter().map(|z| [z[0] * x[0], z[1] * x[0]]).collect();
    sosfilt_with_state(&sos, &mut y, &mut state).unwrap();
    assert_probes("sosfilt(sos, x, zi=zi * x[0])", &y, &SOSFILT_BP4_ZI);
    assert_state("zf", &state, &SOSFILT_BP4_ZF, FILTER_REL, FILTER_FLOOR);

    // The same as a stream in uneven chunks.
    let mut f = SosFilter::with_steady_state(sos.clone(), x[0]).unwrap();
    let mut z = x.clone();
    for chunk in z.chunks_mut(37) {
        f.process(chunk);
    }
    assert_eq!(z, y, "streaming from the steady state");
    assert_state(
        "SosFilter state",
        f.state(),
        &SOSFILT_BP4_ZF,
        FILTER_REL,
        FILTER_FLOOR,
    );
    // From rest it is plain sosfilt.
    f.reset();
    assert!(f.state().iter().all(|s| *s == [0.0, 0.0]));
    let mut z = x.clone();
    for chunk in z.chunks_mut(500) {
        f.process(chunk);
    }
    assert_eq!(z, sosfilt(&sos, &x).unwrap(), "streaming from rest");
    assert_eq!(f.sos(), sos.as_slice());
}

#[test]
fn filtering_errors_are_errors() {
    let fs = 256.0;
    let cases = [
        (
            butter(4, Band::Bandpass(1.0, 40.0), fs).unwrap(),
            MIN_LEN_BP4,
        ),
        (butter(3, Band::Lowpass(10.0), fs).unwrap(), MIN_LEN_LP3),
        (butter(5, Band::Highpass(0.5), fs).unwrap(), MIN_LEN_HP5),
    ];
    for (sos, min_len) in cases {
        // SciPy rejects len(x) <= padlen, and so must we.
        let padlen = min_len - 1;
        assert_eq!(sosfiltfilt_padlen(&sos), padlen);
        let short = test_signal(padlen, fs);
        assert_eq!(
            sosfiltfilt(&sos, &short),
            Err(DspError::SignalTooShort {
                len: padlen,
                padlen
            })
        );
        let mut unchanged = short.clone();
        assert!(sosfiltfilt_inplace(&sos, &mut unchanged).is_err());
        assert_eq!(unchanged, short);
        assert!(sosfiltfilt(&sos, &[]).is_err());
        let y = sosfiltfilt(&sos, &test_signal(min_len, fs)).unwrap();
        assert_eq!(y.len(), min_len);
        assert!(y.iter().all(|v| v.is_finite()));
        // One short channel: an error, and no channel is touched.
        let mut channels = vec![test_signal(300, fs), test_signal(padlen, fs)];
        let before = channels.clone();
        assert!(matches!(
            sosfiltfilt_channels(&sos, &mut channels),
            Err(DspError::SignalTooShort { .. })
        ));
        assert_eq!(channels, before);
    }
    // Malformed cascades.
    let x = test_signal(100, fs);
    assert!(sosfilt(&[], &x).is_err());
    assert!(sosfiltfilt(&[], &x).is_err());
    assert!(sosfilt(&[[1.0, 0.0, 0.0, 2.0, 0.0, 0.0]], &x).is_err());
    assert!(sosfilt(&[[f64::NAN, 0.0, 0.0, 1.0, 0.0, 0.0]], &x).is_err());
    assert!(sosfilt_zi(&[]).is_err());
    assert!(SosFilter::new(Vec::new()).is_err());
    let sos = butter(2, Band::Lowpass(10.0), fs).unwrap();
    let mut y = x.clone();
    let mut wrong_state = vec![[0.0; 2]; sos.len() + 1];
    assert!(sosfilt_with_state(&sos, &mut y, &mut wrong_state).is_err());
}

// ---------------------------------------------------------------------------------------------
// Spectra

#[test]
fn welch_matches_scipy() {
    let fs = 256.0;
    let x = test_signal(5000, fs);
    let (f, p) = welch(&x, fs, &WelchParams::default()).unwrap();
    assert_spectrum("welch(x, fs)", &f, &p, &WELCH_BINS, &WELCH_DEFAULT);

    let params = WelchParams {
        nperseg: 512,
        ..Default::default()
    };
    let (f, p) = welch(&x, fs, &params).unwrap();
    assert_spectrum(
        "welch(x, fs, nperseg=512)",
        &f,
        &p,
        &WELCH512_BINS,
        &WELCH_512,
    );

    let params = WelchParams {
        nperseg: 255,
        ..Default::default()
    };
    let (f, p) = welch(&x, fs, &params).unwrap();
    assert_spectrum(
        "welch(x, fs, nperseg=255)",
        &f,
        &p,
        &WELCH255_BINS,
        &WELCH_255,
    );

    let params = WelchParams {
        nperseg: 256,
        noverlap: Some(200),
        nfft: Some(512),
        ..Default::default()
    };
    let (f, p) = welch(&x, fs, &params).unwrap();
    assert_spectrum(
        "welch(x, fs, nperseg=256, noverlap=200, nfft=512)",
        &f,
        &p,
        &WELCH_PAD_BINS,
        &WELCH_PAD,
    );

    // Shorter than nperseg: one segment of the whole signal, as SciPy (with a warning).
    let (f, p) = welch(&x[..100], fs, &WelchParams::default()).unwrap();
    assert_spectrum(
        "welch(x[:100], fs)",
        &f,
        &p,
        &WELCH_SHORT_BINS,
        &WELCH_SHORT,
    );
}

#[test]
fn spectrogram_matches_scipy() {
    let fs = 256.0;
    let x = test_signal(5000, fs);
    let s = spectrogram(&x, fs, &SpectrogramParams::default()).unwrap();
    let nf = s.freqs.len();
    let nt = s.times_secs.len();
    assert_eq!(nf as f64, SPECTROGRAM[0], "frequencies");
    assert_eq!(nt as f64, SPECTROGRAM[1], "segments");
    assert_eq!(s.power.len(), nf * nt);
    assert_close("t[0]", s.times_secs[0], SPECTROGRAM[2], 1e-12, 0.0);
    assert_close("t[-1]", s.times_secs[nt - 1], SPECTROGRAM[3], 1e-12, 0.0);
    for (k, f) in s.freqs.iter().enumerate() {
        assert_close(&format!("f[{k}]"), *f, k as f64, 1e-12, 1.0);
    }
    let sum: f64 = s.power.iter().sum();
    assert_close("Sxx.sum()", sum, SPECTROGRAM[4], SPECTRUM_REL, 0.0);
    for (k, &(fi, ti)) in SPEC_AT.iter().enumerate() {
        let row = s.segment(ti).unwrap();
        assert_eq!(row.len(), nf);
        assert_close(
            &format!("Sxx[{fi}, {ti}]"),
            row[fi],
            SPECTROGRAM[5 + k],
            SPECTRUM_REL,
            0.0,
        );
    }
    assert!(s.segment(nt).is_none());
}

#[test]
fn band_power_matches_scipy_trapezoid() {
    let fs = 256.0;
    let x = test_signal(5000, fs);
    let (f, p) = welch(&x, fs, &WelchParams::default()).unwrap();
    for (k, &(lo, hi)) in BANDS.iter().enumerate() {
        let got = band_power(&f, &p, lo, hi).unwrap();
        assert_close(
            &format!("band {lo}-{hi} Hz"),
            got,
            BAND_POWER[k],
            SPECTRUM_REL,
            0.0,
        );
    }
    // The standard bands are the first five, in order.
    let bands = standard_bands();
    assert_eq!(bands.len(), 5);
    for (b, &(lo, hi)) in bands.iter().zip(&BANDS) {
        assert_eq!((b.lo_hz, b.hi_hz), (lo, hi), "{}", b.name);
    }
    let powers = band_powers(&f, &p, &bands).unwrap();
    for (k, (got, want)) in powers.iter().zip(&BAND_POWER).enumerate() {
        assert_close(&bands[k].name, *got, *want, SPECTRUM_REL, 0.0);
    }
    // Fewer than two bins in the band: no area.
    assert_eq!(band_power(&f, &p, 10.0, 10.0).unwrap(), 0.0);
    assert_eq!(band_power(&f, &p, 10.2, 10.8).unwrap(), 0.0);
}

#[test]
fn spectrum_errors_are_errors() {
    let fs = 256.0;
    let x = test_signal(1000, fs);
    assert!(welch(&[], fs, &WelchParams::default()).is_err());
    assert!(welch(&x, 0.0, &WelchParams::default()).is_err());
    assert!(welch(&x, f64::NAN, &WelchParams::default()).is_err());
    let p = WelchParams {
        nperseg: 0,
        ..Default::default()
    };
    assert!(welch(&x, fs, &p).is_err());
    let p = WelchParams {
        noverlap: Some(256),
        ..Default::default()
    };
    assert!(welch(&x, fs, &p).is_err());
    let p = WelchParams {
        nfft: Some(128),
        ..Default::default()
    };
    assert!(welch(&x, fs, &p).is_err());
    assert!(spectrogram(&[], fs, &SpectrogramParams::default()).is_err());
    assert!(spectrogram(&x, -1.0, &SpectrogramParams::default()).is_err());
    let (f, p) = welch(&x, fs, &WelchParams::default()).unwrap();
    assert!(band_power(&f, &p[1..], 1.0, 4.0).is_err());
    assert!(band_power(&f, &p, 4.0, 1.0).is_err());
    assert!(band_power(&f, &p, f64::NAN, 1.0).is_err());
}

// ---------------------------------------------------------------------------------------------
// Pyramids

/// A slow wave, a sawtooth-like hash and sparse spikes: every block has a different extreme.
fn pyramid_signal(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let spike = if i % 5003 == 17 {
                50.0
            } else if i % 7001 == 3 {
                -60.0
            } else {
                0.0
            };
            100.0 * (i as f64 * 0.001).sin() + (((i * 7919) % 1000) as f64 - 500.0) * 0.01 + spike
        })
        .collect()
}

/// `(min, max)` of the numbers in `x` as `f32`, NaN skipped; `(NaN, NaN)` if there are none.
fn brute_min_max(x: &[f64]) -> (f32, f32) {
    let mut mn = f64::INFINITY;
    let mut mx = f64::NEG_INFINITY;
    for &v in x {
        if !v.is_nan() {
            mn = mn.min(v);
            mx = mx.max(v);
        }
    }
    if mn > mx {
        (f32::NAN, f32::NAN)
    } else {
        (mn as f32, mx as f32)
    }
}

/// What `Pyramid::envelope` documents, computed from the raw samples.
fn brute_envelope(x: &[f64], block: usize, start: u64, end: u64, cols: usize) -> Vec<(f32, f32)> {
    let n = x.len() as u64;
    let b = block as u64;
    (0..cols as u64)
        .map(|c| {
            if end <= start {
                return (f32::NAN, f32::NAN);
            }
            let len = end - start;
            let s = start + c * len / cols as u64;
            let mut e = start + (c + 1) * len / cols as u64;
            if e <= s {
                e = s + 1;
            }
            let e = e.min(n);
            if s >= e {
                return (f32::NAN, f32::NAN);
            }
            let s0 = s / b * b;
            let e0 = (e.div_ceil(b) * b).min(n);
            brute_min_max(&x[s0 as usize..e0 as usize])
        })
        .collect()
}

fn same(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

#[track_caller]
fn assert_same_envelope(what: &str, got: &[(f32, f32)], want: &[(f32, f32)]) {
    assert_eq!(got.len(), want.len(), "{what}: columns");
    for (c, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            same(g.0, w.0) && same(g.1, w.1),
            "{what}, column {c}: got {g:?}, want {w:?}"
        );
    }
}

fn build_from(x: &[f64], block: usize) -> Pyramid {
    Pyramid::build(x.len() as u64, block, |start, buf| {
        let s = start as usize;
        buf.copy_from_slice(&x[s..s + buf.len()]);
        Ok(())
    })
    .unwrap()
}

/// Every level's entries against brute force over the samples they cover.
#[track_caller]
fn assert_levels(x: &[f64], p: &Pyramid) {
    let n = x.len();
    let block = p.block();
    assert_eq!(p.n_samples(), n as u64);
    assert_eq!(p.n_levels(), levels_for(n as u64, block as u64) as usize);
    assert!(p.level(p.n_levels()).is_none());
    for k in 0..p.n_levels() {
        let span = block << k;
        let level = p.level(k).unwrap();
        assert_eq!(
            level.len(),
            n.div_ceil(span),
            "block {block}, level {k}: entries"
        );
        for (i, e) in level.iter().enumerate() {
            let (mn, mx) = brute_min_max(&x[i * span..((i + 1) * span).min(n)]);
            assert!(
                same(e[0], mn) && same(e[1], mx),
                "block {block}, level {k}, entry {i}: got {e:?}, want ({mn}, {mx})"
            );
        }
    }
}

#[test]
fn pyramid_levels_and_envelopes_equal_brute_force() {
    let n = 100_003;
    let mut x = pyramid_signal(n);
    // A run of NaN (a gap in the recording) and scattered NaN samples.
    for v in &mut x[20_000..20_500] {
        *v = f64::NAN;
    }
    for i in (0..n).step_by(97) {
        x[i] = f64::NAN;
    }
    let nu = n as u64;
    let ranges: [(u64, u64, usize); 13] = [
        (0, nu, 1),
        (0, nu, 3),
        (0, nu, 640),
        (0, nu, 1920),
        (12_345, 67_890, 1000),
        (12_345, 12_345 + 37, 100), // fewer samples than columns
        (20_016, 20_032, 1),        // inside the NaN run
        (19_990, 20_600, 61),
        (nu - 1000, nu + 5000, 300), // past the end
        (nu + 10, nu + 20, 5),       // entirely past the end
        (500, 500, 4),               // empty
        (0, 1, 1),
        (nu - 1, nu, 2),
    ];
    for block in [1, 7, DEFAULT_BLOCK, 1000] {
        let p = build_from(&x, block);
        assert_eq!(p.block(), block);
        assert_levels(&x, &p);
        for &(start, end, cols) in &ranges {
            let what = format!("block {block}, samples {start}..{end} over {cols} columns");
            let got = p.envelope(start, end, cols);
            assert_same_envelope(&what, &got, &brute_envelope(&x, block, start, end, cols));
        }
        assert!(p.envelope(0, nu, 0).is_empty());
    }
    // A column inside the gap has no number.
    let p = build_from(&x, DEFAULT_BLOCK);
    let e = p.envelope(20_016, 20_032, 1);
    assert!(e[0].0.is_nan() && e[0].1.is_nan());
}

#[test]
fn pyramid_builders_agree() {
    let lens = [10_000usize, 1, 0, 65_536 * 2 + 5, 333];
    let signals: Vec<Vec<f64>> = lens.iter().map(|&n| pyramid_signal(n)).collect();
    let progress = AtomicU64::new(0);
    let all = build_channel_pyramids(
        &lens.map(|n| n as u64),
        DEFAULT_BLOCK,
        |c, start, buf| {
            let s = start as usize;
            buf.copy_from_slice(&signals[c][s..s + buf.len()]);
            Ok(())
        },
        Some(&progress),
    )
    .unwrap();
    assert_eq!(
        progress.load(Ordering::Relaxed),
        lens.iter().sum::<usize>() as u64
    );
    assert_eq!(all.len(), lens.len());
    for (c, x) in signals.iter().enumerate() {
        let one = build_from(x, DEFAULT_BLOCK);
        assert_eq!(all[c], one, "channel {c}");
        assert_levels(x, &one);
        // Pushed in uneven pieces.
        for piece in [1, 5, 16, 17, 4096] {
            let mut b = PyramidBuilder::new(DEFAULT_BLOCK).unwrap();
            for chunk in x.chunks(piece) {
                b.push(chunk);
            }
            b.push(&[]);
            assert_eq!(b.finish(), one, "channel {c}, pieces of {piece}");
        }
    }
    assert!(PyramidBuilder::new(0).is_err());
    assert!(Pyramid::build(10, 0, |_, _| Ok(())).is_err());
    // A reader error stops the build and names the channel.
    let r = build_channel_pyramids(
        &[100, 100, 100],
        16,
        |c, _, _| {
            if c == 2 {
                Err("disk gone".to_string())
            } else {
                Ok(())
            }
        },
        None,
    );
    assert_eq!(
        r,
        Err(DspError::Read {
            channel: 2,
            message: "disk gone".into()
        })
    );
}

/// `GLIAPYR1`, block (u32), n_samples (u64), number of levels (u32), as `to_bytes` writes it.
fn header(block: u32, n_samples: u64, n_levels: u32) -> Vec<u8> {
    let mut h = b"GLIAPYR1".to_vec();
    h.extend_from_slice(&block.to_le_bytes());
    h.extend_from_slice(&n_samples.to_le_bytes());
    h.extend_from_slice(&n_levels.to_le_bytes());
    h
}

/// The number of levels a pyramid of `n` samples in blocks of `block` has.
fn levels_for(n: u64, block: u64) -> u32 {
    let mut len = n.div_ceil(block);
    let mut levels = 1;
    while len > 1 {
        len = len.div_ceil(2);
        levels += 1;
    }
    levels
}

#[test]
fn pyramid_cache_round_trip_and_garbage() {
    let x = pyramid_signal(54_321);
    for block in [1, 16, 100] {
        let p = build_from(&x, block);
        let bytes = p.to_bytes();
        assert_eq!(&bytes[..8], b"GLIAPYR1");
        assert_eq!(
            bytes[..24],
            header(block as u32, 54_321, p.n_levels() as u32)[..]
        );
        let q = Pyramid::from_bytes(&bytes).unwrap();
        assert_eq!(q, p);
        assert_eq!(q.to_bytes(), bytes);
        assert_eq!(q.envelope(100, 50_000, 333), p.envelope(100, 50_000, 333));
        // Truncated, extended, or with a header that disagrees with the payload.
        assert!(Pyramid::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Pyramid::from_bytes(&bytes[..bytes.len() - 8]).is_err());
        assert!(Pyramid::from_bytes(&bytes[..24]).is_err());
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 8]);
        assert!(Pyramid::from_bytes(&longer).is_err());
        let mut wrong = bytes.clone();
        // Enough more samples for more level-0 blocks than the payload holds.
        wrong[12..20].copy_from_slice(&(54_321 + 2 * block as u64).to_le_bytes());
        assert!(Pyramid::from_bytes(&wrong).is_err());
        let mut wrong = bytes.clone();
        wrong[20..24].copy_from_slice(&(p.n_levels() as u32 + 1).to_le_bytes());
        assert!(Pyramid::from_bytes(&wrong).is_err());
        let mut wrong = bytes.clone();
        wrong[0] = b'X';
        assert!(Pyramid::from_bytes(&wrong).is_err());
    }
    // NaN entries survive the round trip (compared as bytes: NaN != NaN).
    let mut y = pyramid_signal(1000);
    y[..64].fill(f64::NAN);
    let p = build_from(&y, 16);
    assert!(p.level(0).unwrap()[0][0].is_nan());
    let bytes = p.to_bytes();
    assert_eq!(Pyramid::from_bytes(&bytes).unwrap().to_bytes(), bytes);
    // An empty channel.
    let p = build_from(&[], 16);
    assert_eq!(Pyramid::from_bytes(&p.to_bytes()).unwrap(), p);

    // Garbage: errors, never panics.
    assert!(Pyramid::from_bytes(&[]).is_err());
    assert!(Pyramid::from_bytes(b"nonsense").is_err());
    assert!(Pyramid::from_bytes(b"GLIAPYR1").is_err());
    assert!(Pyramid::from_bytes(&header(0, 100, 1)).is_err());
    // Headers whose sizes overflow when multiplied out.
    for (block, n) in [
        (1u32, u64::MAX),
        (1, 1 << 61),
        (1, 1 << 62),
        (2, u64::MAX),
        (u32::MAX, u64::MAX),
    ] {
        let mut h = header(block, n, levels_for(n, u64::from(block)));
        h.extend_from_slice(&[0; 64]);
        assert!(
            Pyramid::from_bytes(&h).is_err(),
            "block {block}, {n} samples"
        );
    }
    // Random headers and payloads.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u8
    };
    let valid = build_from(&pyramid_signal(777), 16).to_bytes();
    for round in 0..2000 {
        let mut bytes = if round % 2 == 0 {
            valid.clone()
        } else {
            let len = 24 + usize::from(next()) * 3;
            let mut b = b"GLIAPYR1".to_vec();
            b.extend((8..len).map(|_| next()));
            b
        };
        for _ in 0..1 + round % 4 {
            let i = usize::from(next()) % bytes.len().min(32);
            bytes[i.max(8)] = next();
        }
        // Either answer is fine as long as there is one.
        let _ = Pyramid::from_bytes(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------
// Reference numbers (do not edit: regenerate with benches/compare/dsp_reference.py)

// Generated by benches/compare/dsp_reference.py with SciPy 1.17.1, NumPy 2.4.6, Python 3.11.7:
//
//     def test_signal(n, fs):  # the Rust test's `test_signal`, operation for operation
//         return np.array([math.sin(2.0 * math.pi * 10.0 * float(i) / fs)
//                          + 0.5 * math.sin(2.0 * math.pi * 60.0 * float(i) / fs)
//                          + 0.1 * (((i * 7919) % 1000) / 1000.0 - 0.5) for i in range(n)])
//     x = test_signal(2000, 256.0); x5000 = test_signal(5000, 256.0)
//
// Filter outputs `y` (e.g. `y = scipy.signal.sosfiltfilt(sos, x)`) are stored as
// `[y[0], y[1], y[10], y[500], y[1000], y[1999], math.fsum(y), math.fsum(y * y),
// math.fsum(abs(y))]`; every float is Python's `repr` (round-trips exactly).

/// `butter(4, [1, 40], 'bandpass', fs=256, output='sos')`
const SOS_BP4_1_40_FS256: [[f64; 6]; 4] = [
    [
        0.019519878425844493,
        0.039039756851688985,
        0.019519878425844493,
        1.0,
        -0.6678552817830781,
        0.14606000145308265,
    ],
    [1.0, 2.0, 1.0, 1.0, -0.8582708928834707, 0.532964678196369],
    [1.0, -2.0, 1.0, 1.0, -1.9535864062917438, 0.9542242489909774],
    [1.0, -2.0, 1.0, 1.0, -1.981398572480143, 0.9820030228766599],
];
/// `butter(3, 10, 'lowpass', fs=256, output='sos')`
const SOS_LP3_10_FS256: [[f64; 6]; 2] = [
    [
        0.001467000758012117,
        0.002934001516024234,
        0.001467000758012117,
        1.0,
        -0.7804076596539437,
        0.0,
    ],
    [1.0, 1.0, 0.0, 1.0, -1.7298971464587438, 0.7833416611699678],
];
/// `butter(6, 30, 'lowpass', fs=1000, output='sos')`
const SOS_LP6_30_FS1000: [[f64; 6]; 3] = [
    [
        4.953522354214134e-07,
        9.907044708428268e-07,
        4.953522354214134e-07,
        1.0,
        -1.6634889119187142,
        0.6934851904925883,
    ],
    [1.0, 2.0, 1.0, 1.0, -1.734725768809275, 0.7660066009432638],
    [1.0, 2.0, 1.0, 1.0, -1.8737038859953576, 0.9074907921337578],
];
/// `butter(5, 0.5, 'highpass', fs=256, output='sos')`
const SOS_HP5_05_FS256: [[f64; 6]; 3] = [
    [
        0.9803394218706274,
        -0.9803394218706274,
        0.0,
        1.0,
        -0.9878028414515292,
        0.0,
    ],
    [1.0, -2.0, 1.0, 1.0, -1.9801903059628172, 0.9803394218791542],
    [1.0, -2.0, 1.0, 1.0, -1.992294396449626, 0.9924444238503487],
];
/// `butter(4, 1, 'highpass', fs=512, output='sos')`
const SOS_HP4_1_FS512: [[f64; 6]; 2] = [
    [
        0.9840938034479877,
        -1.9681876068959754,
        0.9840938034479877,
        1.0,
        -1.9774304382389214,
        0.9775793463266456,
    ],
    [1.0, -2.0, 1.0, 1.0, -1.9905017796245306, 0.9906516720343386],
];
/// `butter(2, [8, 13], 'bandpass', fs=256, output='sos')`
const SOS_BP2_8_13_FS256: [[f64; 6]; 2] = [
    [
        0.0034606847613782533,
        0.006921369522756507,
        0.0034606847613782533,
        1.0,
        -1.8194012944310902,
        0.9034624001511947,
    ],
    [1.0, -2.0, 1.0, 1.0, -1.8880332558077908, 0.9305045234188172],
];
/// `butter(8, [1, 40], 'bandpass', fs=512, output='sos')`
const SOS_BP8_1_40_FS512: [[f64; 6]; 8] = [
    [
        3.6253803581980636e-06,
        7.250760716396127e-06,
        3.6253803581980636e-06,
        1.0,
        -1.2380966190565117,
        0.3873575105462052,
    ],
    [1.0, 2.0, 1.0, 1.0, -1.2943410422508106, 0.4555712091902733],
    [1.0, 2.0, 1.0, 1.0, -1.4165335984300422, 0.6004960789149723],
    [1.0, 2.0, 1.0, 1.0, -1.622502240732043, 0.8389494199230572],
    [1.0, -2.0, 1.0, 1.0, -1.974916990504617, 0.9750811236381793],
    [1.0, -2.0, 1.0, 1.0, -1.979294688385026, 0.9794541923395174],
    [1.0, -2.0, 1.0, 1.0, -1.9865838493724273, 0.9867377870805941],
    [1.0, -2.0, 1.0, 1.0, -1.9952853760818179, 0.9954361404570141],
];
/// `butter(4, [48, 52], 'bandstop', fs=500, output='sos')`
const SOS_BS4_48_52_FS500: [[f64; 6]; 4] = [
    [
        0.936427552371608,
        -1.5156502663360123,
        0.9364275523716082,
        1.0,
        -1.5701378640603076,
        0.9540212481479114,
    ],
    [
        1.0,
        -1.618545142651407,
        1.0000000000000002,
        1.0,
        -1.5931993483887308,
        0.9551978103267349,
    ],
    [
        1.0,
        -1.618545142651407,
        1.0000000000000002,
        1.0,
        -1.574751496759856,
        0.9803506706465598,
    ],
    [
        1.0,
        -1.618545142651407,
        1.0000000000000002,
        1.0,
        -1.6297993053086022,
        0.9815570592469033,
    ],
];
/// `b, a = iirnotch(50, 30, fs=500)`: b then a.
const NOTCH_50_Q30_FS500: [f64; 6] = [
    0.9896361753628921,
    -1.6012649682336106,
    0.9896361753628921,
    1.0,
    -1.6012649682336106,
    0.9792723507257841,
];
/// `np.array([np.concatenate(iirnotch(h, 30, fs=500)) for h in (50, 100, 150, 200)])`
const NOTCH_HARMONICS_50_FS500: [[f64; 6]; 4] = [
    [
        0.9896361753628921,
        -1.6012649682336106,
        0.9896361753628921,
        1.0,
        -1.6012649682336106,
        0.9792723507257841,
    ],
    [
        0.9794827609814495,
        -0.6053536376811252,
        0.9794827609814495,
        1.0,
        -0.6053536376811252,
        0.958965521962899,
    ],
    [
        0.9695312529087462,
        0.5992032674528753,
        0.9695312529087462,
        1.0,
        0.5992032674528753,
        0.9390625058174924,
    ],
    [
        0.95977356895352,
        1.552946256070586,
        0.95977356895352,
        1.0,
        1.552946256070586,
        0.9195471379070399,
    ],
];

/// `sosfiltfilt(SOS_BP4_1_40_FS256, x)` at [0, 1, 10, 500, 1000, 1999], then sum, sum of squares, sum of |y|.
const FILTFILT_BP4: [f64; 9] = [
    0.20834713261009466,
    0.5005402477542158,
    0.8003945160197635,
    -0.18760266681190818,
    0.37181480752468854,
    0.04186088527168502,
    -7.397335515135054,
    1011.635308584767,
    1278.0316999614197,
];
/// `sosfiltfilt(SOS_LP3_10_FS256, x)` at [0, 1, 10, 500, 1000, 1999], then sum, sum of squares, sum of |y|.
const FILTFILT_LP3: [f64; 9] = [
    -0.007454105759918381,
    0.11827792810316665,
    0.31478353708712375,
    -0.09754222740401049,
    0.18726316818348024,
    0.2836435876890515,
    -0.02501906830827625,
    250.14679355522756,
    636.5313492694695,
];
/// `sosfiltfilt(SOS_HP5_05_FS256, x)` at [0, 1, 10, 500, 1000, 1999], then sum, sum of squares, sum of |y|.
const FILTFILT_HP5: [f64; 9] = [
    -0.1933861275829809,
    0.6405102792659766,
    0.8898712379531634,
    0.2556829514775575,
    0.6699958450851742,
    0.3619112269261451,
    -24.23614881066014,
    1269.2650505155168,
    1362.3310499800837,
];
/// `sosfilt(SOS_BP4_1_40_FS256, x)` at [0, 1, 10, 500, 1000, 1999], then sum, sum of squares, sum of |y|.
const SOSFILT_BP4: [f64; 9] = [
    -0.0009759939212922247,
    0.009943757626336619,
    0.60674902913942,
    0.199677086061386,
    -0.02880661338258439,
    0.10869733819364602,
    -3.926413141261715,
    1001.3772313339219,
    1271.2977365408651,
];
/// `sosfilt_zi(SOS_BP4_1_40_FS256)`.
const ZI_BP4: [[f64; 2]; 4] = [
    [0.14375645593835507, -0.004328263208644498],
    [0.8047262642575023, -0.3526348591034647],
    [-0.968002598621765, 0.9680025986217622],
    [-0.0, 0.0],
];
/// `sosfilt_zi(SOS_LP3_10_FS256)`.
const ZI_LP3: [[f64; 2]; 2] = [
    [0.025255256597599928, 0.001467000758012117],
    [0.9732777426443895, -0.783341661169969],
];
/// `sosfilt(SOS_BP4_1_40_FS256, x, zi=sosfilt_zi(SOS_BP4_1_40_FS256) * x[0])[0]` at [0, 1, 10, 500, 1000, 1999], then sum, sum of squares, sum of |y|.
const SOSFILT_BP4_ZI: [f64; 9] = [
    3.1502578323738817e-15,
    0.016249762836888993,
    0.6333402894532268,
    0.19983818893743777,
    -0.02880121500568905,
    0.10869733792229086,
    -3.9264131587502704,
    1001.6229113770648,
    1271.5611171293667,
];
/// The final state `zf` of the same call.
const SOSFILT_BP4_ZF: [[f64; 2]; 4] = [
    [0.05622803657366554, 0.0038312467901601933],
    [0.0767998314892279, 0.10915633256492956],
    [0.18294941765343792, -0.1804413292517461],
    [0.07502110376150456, -0.07264778177080705],
];
/// Shortest signal `sosfiltfilt(SOS_BP4_..., x)` accepts (padlen + 1).
const MIN_LEN_BP4: usize = 28;
/// Shortest signal `sosfiltfilt(SOS_LP3_..., x)` accepts (padlen + 1).
const MIN_LEN_LP3: usize = 13;
/// Shortest signal `sosfiltfilt(SOS_HP5_..., x)` accepts (padlen + 1).
const MIN_LEN_HP5: usize = 19;

/// `welch(x5000, fs=256)`: len(f), f[1], then psd at WELCH_BINS, then psd.sum().
const WELCH_BINS: [usize; 8] = [0, 1, 10, 40, 60, 64, 100, 128];
const WELCH_DEFAULT: [f64; 11] = [
    129.0,
    1.0,
    7.919632882542794e-08,
    2.3638779171177864e-07,
    0.33329538238968964,
    3.0067193989340476e-06,
    0.0833219686335919,
    2.6512836156927695e-07,
    6.175817500216621e-08,
    2.992215176703725e-08,
    0.6257329004686816,
];
/// `scipy.integrate.trapezoid(psd[sel], f[sel])` with `sel = (f >= lo) & (f <= hi)` for these bands, on `welch(x5000, fs=256)`.
const BANDS: [(f64, f64); 7] = [
    (1.0, 4.0),
    (4.0, 8.0),
    (8.0, 13.0),
    (13.0, 30.0),
    (30.0, 45.0),
    (0.0, 128.0),
    (55.5, 64.5),
];
const BAND_POWER: [f64; 7] = [
    3.2974029678894825e-07,
    4.298045964546675e-06,
    0.4999311213889516,
    0.0005169940394644387,
    0.00013219706463806188,
    0.6257328459094413,
    0.12502845041028154,
];
/// `welch(x5000, fs=256, nperseg=512)`: len(f), f[1], psd at WELCH512_BINS, psd.sum().
const WELCH512_BINS: [usize; 8] = [0, 1, 20, 80, 120, 128, 200, 256];
const WELCH_512: [f64; 11] = [
    257.0,
    0.5,
    1.7073453554862221e-07,
    5.280625568428564e-07,
    0.6665840253845211,
    1.5305211669990124e-07,
    0.16664410876323432,
    1.3920368146421796e-07,
    5.5937287173072835e-08,
    2.6483199339114365e-08,
    1.2514636258307492,
];
/// `welch(x5000, fs=256, nperseg=255)` (odd: no Nyquist bin): len(f), f[1], psd at WELCH255_BINS, psd.sum().
const WELCH255_BINS: [usize; 5] = [0, 1, 10, 60, 127];
const WELCH_255: [f64; 8] = [
    128.0,
    1.003921568627451,
    5.690292547991677e-06,
    2.9814890580848414e-06,
    0.33133791606546315,
    0.07729755696824048,
    6.369594113988037e-08,
    0.6232971202477692,
];
/// `welch(x5000, fs=256, nperseg=256, noverlap=200, nfft=512)`: len(f), f[1], psd at WELCH_PAD_BINS, psd.sum().
const WELCH_PAD_BINS: [usize; 5] = [0, 1, 20, 120, 256];
const WELCH_PAD: [f64; 8] = [
    257.0,
    0.5,
    1.056674214239097e-07,
    2.9574081984304176e-07,
    0.33329466828871174,
    0.08332159554581621,
    3.131031017103068e-08,
    1.2515166664579878,
];
/// `welch(x5000[:100], fs=256)` (nperseg falls back to 100): len(f), f[1], psd at WELCH_SHORT_BINS, psd.sum().
const WELCH_SHORT_BINS: [usize; 4] = [0, 1, 25, 50];
const WELCH_SHORT: [f64; 7] = [
    51.0,
    2.56,
    5.442584643407187e-05,
    2.1169952666669747e-05,
    0.0005169276096829743,
    5.247306638474823e-07,
    0.24362878373638,
];
/// `f, t, Sxx = spectrogram(x5000, fs=256)`: len(f), len(t), t[0], t[-1], Sxx.sum(), then
/// Sxx[fi, ti] for (fi, ti) in SPEC_AT.
const SPEC_AT: [(usize, usize); 7] = [
    (0, 0),
    (10, 0),
    (10, 5),
    (60, 21),
    (64, 11),
    (128, 3),
    (100, 17),
];
const SPECTROGRAM: [f64; 12] = [
    129.0,
    22.0,
    0.5,
    18.875,
    13.766135192586438,
    1.2033107627975966e-07,
    0.45395067543944734,
    0.4536063082967816,
    0.11342957833432621,
    0.0005626066093167855,
    1.2313361685442007e-09,
    1.1346278230844497e-07,
];
