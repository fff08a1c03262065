//! `glia decode`: fit decoders on features and targets, and predict with them.

use std::path::PathBuf;

use super::CliError;
use crate::decode::Ridge;
use crate::formats::npy::Npy;

#[derive(clap::Args, Debug)]
pub struct DecodeArgs {
    #[command(subcommand)]
    pub command: DecodeCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum DecodeCommand {
    /// Fit a decoder: features (samples × features) to targets (samples × outputs), .npy.
    Train {
        #[arg(long)]
        features: PathBuf,
        #[arg(long)]
        targets: PathBuf,
        /// ridge (Kalman and LDA to come).
        #[arg(long, default_value = "ridge")]
        method: String,
        /// Regularisation (scikit-learn's `alpha`).
        #[arg(long, default_value_t = 1.0)]
        alpha: f64,
        /// Where the fitted model goes (JSON).
        #[arg(long)]
        model: PathBuf,
    },
    /// Predict targets from features with a fitted model; writes samples × outputs (.npy).
    Predict {
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        features: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn matrix(path: &PathBuf) -> Result<(usize, usize, Vec<f64>), CliError> {
    let m = Npy::open(path)?.matrix_f64();
    if m.2.iter().any(|v| !v.is_finite()) {
        return Err(CliError::input(format!(
            "{}: holds NaN or infinite values",
            path.display()
        )));
    }
    Ok(m)
}

pub fn run(args: &DecodeArgs) -> Result<(), CliError> {
    match &args.command {
        DecodeCommand::Train {
            features,
            targets,
            method,
            alpha,
            model,
        } => {
            if method != "ridge" {
                return Err(CliError::input(format!(
                    "--method {method}: only ridge is available so far"
                )));
            }
            let (n, _, x) = matrix(features)?;
            let (m, _, y) = matrix(targets)?;
            if n != m {
                return Err(CliError::input(format!(
                    "{} has {n} samples but {} has {m}",
                    features.display(),
                    targets.display()
                )));
            }
            let fitted =
                Ridge::fit(&x, &y, n, *alpha).map_err(|e| CliError::input(e.to_string()))?;
            let json = serde_json::json!({"method": "ridge", "ridge": fitted});
            std::fs::write(
                model,
                serde_json::to_string_pretty(&json).unwrap_or_default(),
            )
            .map_err(|e| CliError::input(format!("{}: {e}", model.display())))
        }
        DecodeCommand::Predict {
            model,
            features,
            output,
        } => {
            let text = std::fs::read_to_string(model)
                .map_err(|e| CliError::input(format!("{}: {e}", model.display())))?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| CliError::input(format!("{}: not a model: {e}", model.display())))?;
            let fitted: Ridge = serde_json::from_value(json["ridge"].clone()).map_err(|e| {
                CliError::input(format!("{}: not a ridge model: {e}", model.display()))
            })?;
            let (n, p, x) = matrix(features)?;
            if p != fitted.n_features() {
                return Err(CliError::input(format!(
                    "{} has {p} features but the model takes {}",
                    features.display(),
                    fitted.n_features()
                )));
            }
            let y = fitted.predict(&x);
            let mut bytes = crate::formats::npy::header("<f8", &[n, fitted.n_targets()]);
            bytes.extend(y.iter().flat_map(|v| v.to_le_bytes()));
            std::fs::write(output, bytes)
                .map_err(|e| CliError::input(format!("{}: {e}", output.display())))
        }
    }
}
