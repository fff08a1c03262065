//! `glia decode`: fit decoders on features and targets, predict with them, score them on the
//! built-in simulations, and decode a live Lab Streaming Layer stream.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::decode::engine::{Output, Runner, latency_ms};
use crate::decode::lsl::Lsl;
use crate::decode::model::{Decoder, Method, Model};
use crate::decode::paradigm::{Paradigm, simulate};
use crate::decode::stream::StreamError;
use crate::decode::{FeatureSpec, Lda};
use crate::formats::npy::Npy;

#[derive(clap::Args, Debug)]
pub struct DecodeArgs {
    #[command(subcommand)]
    pub command: DecodeCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum DecodeCommand {
    /// Fit a decoder: features (samples × features) to targets (samples × targets; for lda,
    /// integer class labels), both .npy.
    Train {
        #[arg(long)]
        features: PathBuf,
        #[arg(long)]
        targets: PathBuf,
        /// ridge, kalman, kalman-steady (steady-state gain) or lda (shrinkage).
        #[arg(long, default_value = "ridge")]
        method: String,
        /// Ridge regularisation (scikit-learn's `alpha`).
        #[arg(long, default_value_t = 1.0)]
        alpha: f64,
        /// Where the fitted model goes (JSON).
        #[arg(long)]
        model: PathBuf,
    },
    /// Predict with a fitted model: writes samples × targets (lda: class probabilities), .npy.
    Predict {
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        features: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Simulate a paradigm, calibrate, and print the k-fold cross-validated score.
    Simulate {
        /// reaching (a cursor from spikes) or motor-imagery (left/right from EEG).
        #[arg(long, default_value = "reaching")]
        paradigm: String,
        /// Units in the reaching population.
        #[arg(long, default_value_t = 96)]
        units: usize,
        #[arg(long, default_value_t = 300.0)]
        duration_secs: f64,
        /// ridge, kalman, kalman-steady, lda (default: kalman for reaching, lda for imagery).
        #[arg(long)]
        method: Option<String>,
        #[arg(long, default_value_t = 1.0)]
        alpha: f64,
        #[arg(long, default_value_t = 5)]
        folds: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also save the model fitted on everything.
        #[arg(long)]
        model: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Decode a live LSL stream with a model; prints samples and latency.
    Live {
        /// Resolve the stream by name …
        #[arg(long, conflicts_with = "lsl_type")]
        lsl_name: Option<String>,
        /// … or by type (e.g. EEG).
        #[arg(long)]
        lsl_type: Option<String>,
        #[arg(long)]
        model: PathBuf,
        #[arg(long, default_value_t = 10.0)]
        duration_secs: f64,
        /// Publish the decoded output as an LSL stream of this name.
        #[arg(long)]
        outlet: Option<String>,
        /// How long to wait for the stream to appear, seconds.
        #[arg(long, default_value_t = 10.0)]
        resolve_secs: f64,
        #[arg(long)]
        json: bool,
    },
}

fn matrix(path: &Path) -> Result<(usize, usize, Vec<f64>), CliError> {
    let m = Npy::open(path)?.matrix_f64();
    if m.0 == 0 || m.1 == 0 {
        return Err(CliError::input(format!(
            "{}: holds no samples",
            path.display()
        )));
    }
    if m.2.iter().any(|v| !v.is_finite()) {
        return Err(CliError::input(format!(
            "{}: holds NaN or infinite values",
            path.display()
        )));
    }
    Ok(m)
}

fn read_model(path: &Path) -> Result<Model, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    Model::from_json(&text).map_err(|e| CliError::input(format!("{}: {e}", path.display())))
}

fn write_model(path: &Path, model: &Model) -> Result<(), CliError> {
    std::fs::write(path, model.to_json())
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))
}

fn train(
    features: &Path,
    targets: &Path,
    method: &str,
    alpha: f64,
    model: &Path,
) -> Result<(), CliError> {
    let method = Method::parse(method, alpha).map_err(CliError::input)?;
    let (n, p, x) = matrix(features)?;
    let (m, q, y) = matrix(targets)?;
    if n != m {
        return Err(CliError::input(format!(
            "{} has {n} samples but {} has {m}",
            features.display(),
            targets.display()
        )));
    }
    let bad = |e: crate::decode::DecodeError| CliError::input(e.to_string());
    let (decoder, outputs) = match method {
        Method::Lda => {
            if q != 1 {
                return Err(CliError::input(format!(
                    "{}: lda takes one column of class labels, not {q}",
                    targets.display()
                )));
            }
            if y.iter().any(|v| v.fract() != 0.0) {
                return Err(CliError::input(format!(
                    "{}: class labels must be whole numbers",
                    targets.display()
                )));
            }
            let labels: Vec<i64> = y.iter().map(|&v| v as i64).collect();
            let lda = Lda::fit(&x, &labels, p).map_err(bad)?;
            let names = lda.classes.iter().map(|c| c.to_string()).collect();
            (Decoder::Lda(lda), names)
        }
        m => (
            m.fit_regression(&x, &y, n).map_err(bad)?,
            (0..q).map(|j| format!("y{j}")).collect(),
        ),
    };
    write_model(
        model,
        &Model {
            decoder,
            features: FeatureSpec::default(),
            outputs,
            channels: Vec::new(),
            lag_secs: 0.0,
        },
    )
}

fn predict(model: &Path, features: &Path, output: &Path) -> Result<(), CliError> {
    let model = read_model(model)?;
    let mut decoder = model.decoder;
    let (n, p, x) = matrix(features)?;
    if p != decoder.n_features() {
        return Err(CliError::input(format!(
            "{} has {p} features but the model takes {}",
            features.display(),
            decoder.n_features()
        )));
    }
    let q = decoder.n_outputs();
    let mut y = vec![0.0; n * q];
    decoder.reset();
    for (xr, yr) in x.chunks_exact(p).zip(y.chunks_exact_mut(q)) {
        decoder
            .step(xr, yr)
            .map_err(|e| CliError::other(e.to_string()))?;
    }
    let mut bytes = crate::formats::npy::header("<f8", &[n, q]);
    bytes.extend(y.iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(output, bytes).map_err(|e| CliError::input(format!("{}: {e}", output.display())))
}

#[allow(clippy::too_many_arguments)]
fn run_simulate(
    paradigm: &str,
    units: usize,
    secs: f64,
    method: Option<&str>,
    alpha: f64,
    folds: usize,
    seed: u64,
    model: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let paradigm = Paradigm::parse(paradigm).map_err(CliError::input)?;
    let method = match method {
        Some(m) => Method::parse(m, alpha).map_err(CliError::input)?,
        None => paradigm.default_method(),
    };
    if !(10.0..=24.0 * 3600.0).contains(&secs) {
        return Err(CliError::input(format!(
            "--duration-secs {secs}: simulate between 10 s and 24 h"
        )));
    }
    if units == 0 || units > 10_000 {
        return Err(CliError::input(format!(
            "--units {units}: between 1 and 10000"
        )));
    }
    if !(2..=50).contains(&folds) {
        return Err(CliError::input(format!(
            "--folds {folds}: between 2 and 50"
        )));
    }
    let trained = simulate(paradigm, units, secs, method, folds, seed).map_err(CliError::input)?;
    if let Some(path) = model {
        write_model(path, &trained.model)?;
    }
    let r = &trained.report;
    let mut out = serde_json::json!({
        "paradigm": paradigm.name(),
        "method": method.name(),
        "duration_secs": secs,
        "folds": folds,
        "features": trained.model.features.describe(),
        "n_features": trained.model.decoder.n_features(),
    });
    if paradigm == Paradigm::Reaching {
        out["units"] = units.into();
        // The score is the velocity's: R² of vx and vy, averaged (position is decoded too).
        let v = (r.mean[2] + r.mean[3]) / 2.0;
        out["r2"] = v.into();
        out["r2_per_target"] = r
            .outputs
            .iter()
            .zip(&r.mean)
            .map(|(k, v)| (k.clone(), serde_json::json!(v)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        out["r2_per_fold"] = r
            .folds
            .iter()
            .map(|f| (f[2] + f[3]) / 2.0)
            .collect::<Vec<_>>()
            .into();
        out["lag_secs"] = trained.model.lag_secs.into();
    } else {
        out["accuracy"] = r.mean[0].into();
        out["accuracy_per_fold"] = r.folds.iter().map(|f| f[0]).collect::<Vec<_>>().into();
        out["classes"] = trained.model.outputs.clone().into();
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else if paradigm == Paradigm::Reaching {
        println!(
            "{} decoding of {units} simulated units, {secs} s: cross-validated velocity R² {:.3} \
             (x {:.3}, y {:.3}, vx {:.3}, vy {:.3}; {folds} folds)",
            method.name(),
            out["r2"].as_f64().unwrap_or(f64::NAN),
            r.mean[0],
            r.mean[1],
            r.mean[2],
            r.mean[3]
        );
    } else {
        println!(
            "{} decoding of simulated motor imagery, {secs} s: cross-validated accuracy {:.1} % \
             ({folds} folds)",
            method.name(),
            r.mean[0] * 100.0
        );
    }
    Ok(())
}

struct LiveArgs<'a> {
    name: Option<&'a str>,
    kind: Option<&'a str>,
    model: &'a Path,
    secs: f64,
    outlet: Option<&'a str>,
    resolve_secs: f64,
    json: bool,
}

fn live(a: LiveArgs) -> Result<(), CliError> {
    let model = read_model(a.model)?;
    if !(a.secs.is_finite() && a.secs > 0.0) {
        return Err(CliError::input(format!(
            "--duration-secs {}: must be positive",
            a.secs
        )));
    }
    let (prop, value) = match (a.name, a.kind) {
        (Some(n), _) => ("name", n),
        (None, Some(t)) => ("type", t),
        (None, None) => return Err(CliError::input("give --lsl-name or --lsl-type")),
    };
    let lsl = Lsl::load().map_err(CliError::input)?;
    let inlet = lsl
        .open_inlet(prop, value, a.resolve_secs)
        .map_err(|e| CliError::input(e.message().to_string()))?;
    let mut runner = Runner::new(Box::new(inlet));
    runner
        .set_model(&model)
        .map_err(|e| CliError::input(format!("{}: {e}", a.model.display())))?;
    if let Some(name) = a.outlet {
        let outlet = lsl
            .create_outlet(name, "Control", model.decoder.n_outputs(), 0.0)
            .map_err(|e| CliError::other(e.to_string()))?;
        runner.outlet = Some(outlet);
    }
    let start = runner.source.clock();
    let mut outputs: Vec<Output> = Vec::new();
    let mut latencies = Vec::new();
    let mut lost_at: Option<f64> = None;
    let mut n_outputs = 0u64;
    while runner.source.clock() - start < a.secs {
        outputs.clear();
        match runner.poll(0.05, &mut outputs) {
            Ok(()) => {
                if lost_at.take().is_some() {
                    eprintln!("glia: the stream is back");
                }
            }
            Err(StreamError::Fatal(e)) => return Err(CliError::other(e)),
            Err(StreamError::Ended(why)) => {
                eprintln!("glia: {why}");
                break;
            }
            Err(StreamError::Lost(why)) => {
                let now = runner.source.clock();
                match lost_at {
                    None => {
                        lost_at = Some(now);
                        eprintln!("glia: stream lost ({why}); waiting for it to come back");
                    }
                    // Look for the stream again once a second (an outlet that restarted).
                    Some(at) if now - at >= 1.0 => {
                        lost_at = Some(now);
                        if runner.source.reconnect().is_ok() {
                            eprintln!("glia: found the stream again");
                        }
                    }
                    Some(_) => {}
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
                continue;
            }
        }
        // One latency per chunk: its newest sample to its last output.
        if let Some(l) = runner.last_latency {
            latencies.push(l);
        }
        n_outputs += outputs.len() as u64;
    }
    let (median, p99) = latency_ms(&latencies);
    let faults = &runner.guard.faults;
    let nan_null = |v: f64| {
        if v.is_finite() {
            serde_json::json!(v)
        } else {
            serde_json::Value::Null
        }
    };
    let out = serde_json::json!({
        "stream": runner.info().name,
        "channels": runner.info().n_channels(),
        "rate_hz": runner.info().rate_hz,
        "n_samples": runner.n_samples,
        "n_outputs": n_outputs,
        "latency_ms_median": nan_null(median),
        "latency_ms_p99": nan_null(p99),
        "faults": {
            "lost": faults.lost,
            "gaps": faults.gaps,
            "out_of_order": faults.out_of_order,
            "non_finite": faults.non_finite,
            "summary": faults.summary(),
        },
        "library": lsl.library_path().display().to_string(),
    });
    if a.json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!(
            "{}: {} samples, {n_outputs} outputs, latency median {median:.2} ms, p99 {p99:.2} ms; {}",
            runner.info().name,
            runner.n_samples,
            faults.summary()
        );
    }
    Ok(())
}

pub fn run(args: &DecodeArgs) -> Result<(), CliError> {
    match &args.command {
        DecodeCommand::Train {
            features,
            targets,
            method,
            alpha,
            model,
        } => train(features, targets, method, *alpha, model),
        DecodeCommand::Predict {
            model,
            features,
            output,
        } => predict(model, features, output),
        DecodeCommand::Simulate {
            paradigm,
            units,
            duration_secs,
            method,
            alpha,
            folds,
            seed,
            model,
            json,
        } => run_simulate(
            paradigm,
            *units,
            *duration_secs,
            method.as_deref(),
            *alpha,
            *folds,
            *seed,
            model.as_deref(),
            *json,
        ),
        DecodeCommand::Live {
            lsl_name,
            lsl_type,
            model,
            duration_secs,
            outlet,
            resolve_secs,
            json,
        } => live(LiveArgs {
            name: lsl_name.as_deref(),
            kind: lsl_type.as_deref(),
            model,
            secs: *duration_secs,
            outlet: outlet.as_deref(),
            resolve_secs: *resolve_secs,
            json: *json,
        }),
    }
}
