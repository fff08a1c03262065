//! The browser's display filters on a stretch of samples: the same zero-phase Butterworth
//! (4th order, second-order sections) and mains notch that `glia export` applies, so what is
//! drawn is what is exported.

use crate::dsp::{self, Band};
use crate::model::DisplayFilter;

/// Order of the display Butterworth filters (as `scipy.signal.butter(4, …)`).
pub const ORDER: usize = 4;

/// The second-order sections of a display filter at sample rate `fs`: band-pass when both
/// edges are set, else high- or low-pass, then the notch and its harmonics below Nyquist.
pub fn sections(filter: &DisplayFilter, fs: f64) -> Result<Vec<dsp::Sos>, String> {
    let mut sos = Vec::new();
    let band = match (filter.highpass_hz, filter.lowpass_hz) {
        (Some(lo), Some(hi)) => Some(Band::Bandpass(f64::from(lo), f64::from(hi))),
        (Some(lo), None) => Some(Band::Highpass(f64::from(lo))),
        (None, Some(hi)) => Some(Band::Lowpass(f64::from(hi))),
        (None, None) => None,
    };
    if let Some(band) = band {
        sos.extend(dsp::butter(ORDER, band, fs).map_err(|e| e.to_string())?);
    }
    if let Some(mains) = filter.notch_hz {
        sos.extend(
            dsp::notch_harmonics(f64::from(mains), fs, dsp::DEFAULT_NOTCH_Q)
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(sos)
}

/// Filters `x` in place, zero-phase, with SciPy's default `sosfiltfilt` padding.
pub fn apply(filter: &DisplayFilter, fs: f64, x: &mut [f64]) -> Result<(), String> {
    let sos = sections(filter, fs)?;
    if sos.is_empty() {
        return Ok(());
    }
    dsp::sosfiltfilt_inplace(&sos, x).map_err(|e| e.to_string())
}

/// Power in `[lo_hz, hi_hz]` of a short stretch (one Welch segment over the whole stretch:
/// a second gives 1 Hz bins whatever the sample rate; 256-sample segments at 1 or 2 kHz left
/// fewer than two bins in an alpha band, whose trapezoid power is then 0).
pub fn band_power(x: &[f64], fs: f64, lo_hz: f64, hi_hz: f64) -> Result<f64, String> {
    let params = dsp::WelchParams {
        nperseg: x.len(),
        ..Default::default()
    };
    let (freqs, psd) = dsp::welch(x, fs, &params).map_err(|e| e.to_string())?;
    dsp::band_power(&freqs, &psd, lo_hz, hi_hz).map_err(|e| e.to_string())
}
