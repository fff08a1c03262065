//! The two built-in paradigms and their defaults: what stream, which features, which decoder.
//! Shared by `glia decode simulate`, the decoding panel and the demo.

use super::FeatureSpec;
use super::model::{Calibration, Method, Trained, calibrate, train_classes, train_kinematics};
use super::sources::{Generator, ImagerySource, ReachingSource, generate};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Paradigm {
    /// Centre-out reaching decoded from a spiking population (regression).
    Reaching,
    /// Left/right hand motor imagery from EEG (classes).
    MotorImagery,
}

/// Class names of the motor-imagery cues, in label order.
pub const IMAGERY_CLASSES: [&str; 2] = ["left hand", "right hand"];

impl Paradigm {
    pub fn parse(s: &str) -> Result<Paradigm, String> {
        match s {
            "reaching" => Ok(Paradigm::Reaching),
            "motor-imagery" | "mi" => Ok(Paradigm::MotorImagery),
            other => Err(format!(
                "--paradigm {other}: choose reaching or motor-imagery"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Paradigm::Reaching => "reaching",
            Paradigm::MotorImagery => "motor-imagery",
        }
    }

    pub fn default_method(self) -> Method {
        match self {
            Paradigm::Reaching => Method::Kalman {
                steady_state: false,
            },
            Paradigm::MotorImagery => Method::Lda,
        }
    }

    /// The source, simulated for `duration_secs` (the live panel uses hours).
    pub fn source(self, units: usize, seed: u64, duration_secs: f64) -> Box<dyn Generator> {
        match self {
            Paradigm::Reaching => Box::new(ReachingSource::new(units, seed, duration_secs)),
            Paradigm::MotorImagery => Box::new(ImagerySource::new(seed, duration_secs)),
        }
    }

    /// Features for a method: 50 ms spike-count bins (with four history taps, 200 ms, for a
    /// ridge/Wiener filter; the Kalman filter's own dynamics carry the history); motor
    /// imagery's band power is set up by training (CSP).
    pub fn features(self, method: Method) -> FeatureSpec {
        match self {
            Paradigm::Reaching => FeatureSpec::BinnedCounts {
                bin_secs: 0.05,
                history: if matches!(method, Method::Ridge { .. }) {
                    4
                } else {
                    0
                },
            },
            Paradigm::MotorImagery => FeatureSpec::Raw { history: 0 },
        }
    }

    /// How far the decoded kinematics lie ahead of the features: the neurons lead the hand by
    /// about 100 ms (Wu et al. 2003 fitted lags of 70–140 ms).
    pub fn lag_secs(self) -> f64 {
        match self {
            Paradigm::Reaching => 0.1,
            Paradigm::MotorImagery => 0.0,
        }
    }

    /// Trains on calibration data.
    pub fn train(self, cal: &Calibration, method: Method, folds: usize) -> Result<Trained, String> {
        match (self, method) {
            (Paradigm::Reaching, Method::Lda) => Err(
                "reaching decodes a cursor: choose ridge or kalman (lda is for motor imagery)"
                    .into(),
            ),
            (Paradigm::Reaching, m) => train_kinematics(cal, m, folds, self.lag_secs()),
            (Paradigm::MotorImagery, Method::Lda) => {
                let names: Vec<String> = if cal.classes.is_empty() {
                    IMAGERY_CLASSES.iter().map(|s| s.to_string()).collect()
                } else {
                    cal.classes.clone()
                };
                train_classes(cal, folds, &names)
            }
            (Paradigm::MotorImagery, _) => Err("motor imagery decodes classes: choose lda".into()),
        }
    }
}

/// Simulates `secs` of a paradigm offline (as fast as it computes), calibrates and trains with
/// `folds`-fold cross-validation: what `glia decode simulate` prints.
pub fn simulate(
    paradigm: Paradigm,
    units: usize,
    secs: f64,
    method: Method,
    folds: usize,
    seed: u64,
) -> Result<Trained, String> {
    let mut generator = paradigm.source(units, seed, secs + 1.0);
    let samples = generate(generator.as_mut(), secs);
    let info = generator.info().clone();
    let spec = paradigm.features(method);
    let cal = calibrate(
        &info,
        &spec,
        samples,
        &|t| generator.truth(t),
        paradigm.lag_secs(),
        generator.class_names(),
    )?;
    paradigm.train(&cal, method, folds)
}
