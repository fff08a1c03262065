//! Electrode recordings (EEG, iEEG, MEG-like channel data): channel descriptions, annotations,
//! electrode positions, and the samples, read on demand from wherever they live (a
//! memory-mapped file, a simulation) through [`SampleSource`].

use std::sync::Arc;

use glam::Vec3;

/// What a channel records, as BIDS `channels.tsv` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChannelKind {
    Eeg,
    /// Intracranial: stereo-EEG depth or ECoG grid contacts.
    Seeg,
    Ecog,
    Eog,
    Ecg,
    Emg,
    /// Trigger or status lines.
    Trig,
    Misc,
}

impl ChannelKind {
    /// From a BIDS `type` column or an EDF label/transducer hint (case-insensitive).
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "EEG" => ChannelKind::Eeg,
            "SEEG" => ChannelKind::Seeg,
            "ECOG" => ChannelKind::Ecog,
            "EOG" | "HEOG" | "VEOG" => ChannelKind::Eog,
            "ECG" | "EKG" => ChannelKind::Ecg,
            "EMG" => ChannelKind::Emg,
            "TRIG" | "STIM" | "STATUS" | "TRIGGER" => ChannelKind::Trig,
            "MISC" | "OTHER" | "RESP" | "TEMP" | "GSR" => ChannelKind::Misc,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Eeg => "EEG",
            ChannelKind::Seeg => "SEEG",
            ChannelKind::Ecog => "ECOG",
            ChannelKind::Eog => "EOG",
            ChannelKind::Ecg => "ECG",
            ChannelKind::Emg => "EMG",
            ChannelKind::Trig => "TRIG",
            ChannelKind::Misc => "MISC",
        }
    }

    /// Whether samples are voltages from electrodes on or in the brain (drawn in µV,
    /// interpolated onto the cortex).
    pub fn is_neural(self) -> bool {
        matches!(
            self,
            ChannelKind::Eeg | ChannelKind::Seeg | ChannelKind::Ecog
        )
    }
}

/// One channel of a recording.
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    pub name: String,
    pub sample_rate_hz: f64,
    pub n_samples: u64,
    /// The unit samples are delivered in by [`SampleSource::read`]: SI (`"V"`) for voltages,
    /// whatever the file says otherwise.
    pub unit: String,
    /// The unit as the file states it (`"uV"`, `"mV"` …), for `glia info`.
    pub file_unit: String,
    pub kind: ChannelKind,
    /// Marked bad (BIDS `status=bad`, or by the user).
    pub bad: bool,
}

/// A labelled stretch of time (EDF+ TAL, BrainVision markers, BIDS events).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Annotation {
    pub onset_secs: f64,
    pub duration_secs: f64,
    pub text: String,
}

/// A named electrode position, world millimetres.
#[derive(Clone, Debug, PartialEq)]
pub struct Electrode {
    pub name: String,
    pub position_mm: Vec3,
}

/// Where samples come from. Implementations must be cheap to call often for short stretches
/// (a screen of traces) and never load more than they are asked for.
pub trait SampleSource: Send + Sync {
    /// Reads samples `start .. start + out.len()` of channel `channel` into `out`, in the
    /// channel's [`Channel::unit`] (volts for voltages). Samples past the end are NaN.
    fn read(&self, channel: usize, start: u64, out: &mut [f64]) -> Result<(), String>;
}

/// A recording: channels, annotations, electrode positions and its samples.
#[derive(Clone)]
pub struct Recording {
    pub name: String,
    pub channels: Vec<Channel>,
    pub annotations: Vec<Annotation>,
    /// Known positions (a BIDS `electrodes.tsv`, a montage), matched to channels by name.
    pub electrodes: Vec<Electrode>,
    pub duration_secs: f64,
    /// For a discontinuous recording (EDF+D), the onset of each data record (seconds) and
    /// the record duration; samples are stored back to back, time has gaps.
    pub record_onsets_secs: Option<(Vec<f64>, f64)>,
    pub source: Arc<dyn SampleSource>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("name", &self.name)
            .field("channels", &self.channels.len())
            .field("annotations", &self.annotations.len())
            .field("electrodes", &self.electrodes.len())
            .field("duration_secs", &self.duration_secs)
            .finish()
    }
}

impl Recording {
    /// Reads a stretch of a channel (see [`SampleSource::read`]).
    pub fn read(&self, channel: usize, start: u64, out: &mut [f64]) -> Result<(), String> {
        if channel >= self.channels.len() {
            return Err(format!("no channel {channel}"));
        }
        self.source.read(channel, start, out)
    }

    /// The electrode of a channel, if its position is known.
    pub fn electrode_of(&self, channel: usize) -> Option<&Electrode> {
        let name = &self.channels.get(channel)?.name;
        self.electrodes
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }
}

/// Samples held in memory (simulations, tests, small files): one vector per channel.
pub struct InMemory(pub Vec<Vec<f64>>);

impl SampleSource for InMemory {
    fn read(&self, channel: usize, start: u64, out: &mut [f64]) -> Result<(), String> {
        let data = self
            .0
            .get(channel)
            .ok_or_else(|| format!("no channel {channel}"))?;
        for (i, o) in out.iter_mut().enumerate() {
            *o = usize::try_from(start + i as u64)
                .ok()
                .and_then(|j| data.get(j))
                .copied()
                .unwrap_or(f64::NAN);
        }
        Ok(())
    }
}
