//! Signal processing for electrode recordings: Butterworth filters as second-order sections
//! (streaming `sosfilt` with state, zero-phase `filtfilt` as SciPy pads it), notch filters,
//! Welch power spectra, spectrograms, band power, and min/max pyramids for drawing long traces.
//! Plain numeric code on slices: no files, GPU or UI.
