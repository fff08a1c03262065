//! Signal processing for electrode recordings: Butterworth filters as second-order sections
//! (streaming `sosfilt` with state, zero-phase `filtfilt` as SciPy pads it), notch filters,
//! Welch power spectra, spectrograms, band power, and min/max pyramids for drawing long traces.
//! Plain numeric code on slices: no files, GPU or UI.
//!
//! Conventions follow SciPy exactly so that scripts get the numbers SciPy users expect:
//! - [`butter::butter`] designs what `scipy.signal.butter(N, Wn, btype, fs=fs, output="sos")`
//!   returns (same sections, same order, coefficients equal to ~1e-12);
//! - [`filter::sosfiltfilt`] pads like `scipy.signal.sosfiltfilt(sos, x)` (odd extension,
//!   `padlen = 3 * ntaps`);
//! - [`spectrum::welch`] and [`spectrum::spectrogram`] use SciPy's default windows, overlap,
//!   detrending and density scaling.
//!
//! All computations on samples are `f64`; pyramids store `f32` (they are only drawn).

pub mod butter;
pub mod filter;
pub mod pyramid;
pub mod spectrum;
pub mod spikes;

pub use butter::{Band, DEFAULT_NOTCH_Q, Sos, butter, iirnotch, notch_harmonics};
pub use filter::{
    SosFilter, sosfilt, sosfilt_with_state, sosfilt_zi, sosfiltfilt, sosfiltfilt_channels,
    sosfiltfilt_inplace, sosfiltfilt_padlen,
};
pub use pyramid::{DEFAULT_BLOCK, Pyramid, PyramidBuilder, build_channel_pyramids};
pub use spectrum::{
    Detrend, FreqBand, Spectrogram, SpectrogramParams, WelchParams, Window, band_power,
    band_powers, spectrogram, standard_bands, welch,
};

/// Errors from the signal-processing functions: always a bad parameter or a too-short signal,
/// never a bug the caller cannot fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DspError {
    /// A critical frequency outside `0 < f < fs/2`, or a band whose low edge is not below its
    /// high edge.
    #[error("filter frequency {freq_hz} Hz is invalid for a sample rate of {fs_hz} Hz: {reason}")]
    InvalidFrequency {
        /// The offending frequency in Hz.
        freq_hz: f64,
        /// The sample rate in Hz.
        fs_hz: f64,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// A sample rate that is not a positive finite number.
    #[error("sample rate must be a positive finite number, got {0}")]
    InvalidSampleRate(f64),
    /// Any other parameter out of range (order, Q, segment length …).
    #[error("{0}")]
    InvalidParameter(String),
    /// A signal too short for zero-phase filtering with SciPy's default padding.
    #[error("the signal has {len} samples; zero-phase filtering needs more than padlen = {padlen}")]
    SignalTooShort {
        /// Samples in the signal.
        len: usize,
        /// The padding length `sosfiltfilt` uses for this filter.
        padlen: usize,
    },
    /// A reader callback failed while building a pyramid (its message, with the channel).
    #[error("reading channel {channel} failed: {message}")]
    Read {
        /// The channel being read.
        channel: usize,
        /// The reader's message.
        message: String,
    },
}

pub(crate) fn check_fs(fs: f64) -> Result<(), DspError> {
    if fs.is_finite() && fs > 0.0 {
        Ok(())
    } else {
        Err(DspError::InvalidSampleRate(fs))
    }
}
