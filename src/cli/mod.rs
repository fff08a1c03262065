//! The command line: `glia [FILES…]` opens the window; `render`, `snapshot` and `info` work
//! headlessly. Exit codes follow CONVENTIONS.md: 0 success, 2 bad input or usage (with a
//! one-line message naming the file and the problem), 1 for anything else (no GPU adapter …).

mod decode;
mod export;
mod info;
mod render;
mod snapshot;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "glia",
    version,
    about = "Brain-activity visualizer: surfaces, overlays and more, in one fast window"
)]
pub struct Cli {
    /// Files to open: the first mesh becomes the surface, per-vertex files after it become its
    /// overlays (curv/sulc files shade its underlay). With no files, the demo brain.
    pub files: Vec<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Draw a figure with no window and no display.
    Render(render::RenderArgs),
    /// Draw the whole window (panels and all) headlessly, e.g. for README screenshots.
    Snapshot(snapshot::SnapshotArgs),
    /// Print what Glia reads from a file.
    Info(info::InfoArgs),
    /// Write a recording's channels (re-referenced, filtered) to .npy or .csv, in volts.
    Export(export::ExportArgs),
    /// Decoders: fit (ridge, Kalman, LDA), predict, score on simulations, decode LSL live.
    Decode(decode::DecodeArgs),
}

/// An error with the exit code it deserves.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Bad input or usage (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    /// Anything else (exit code 1).
    pub fn other(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<crate::formats::FormatError> for CliError {
    fn from(e: crate::formats::FormatError) -> Self {
        CliError::input(e.to_string())
    }
}

impl From<crate::render::RenderError> for CliError {
    fn from(e: crate::render::RenderError) -> Self {
        match e {
            crate::render::RenderError::BadSize(..) => CliError::input(e.to_string()),
            _ => CliError::other(e.to_string()),
        }
    }
}

/// When the process started (for the startup benchmark).
pub fn process_start() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}

pub fn main() -> ExitCode {
    process_start();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if cli.command.is_some() {
        quiet_headless_runtime();
    }
    let result = match cli.command {
        Some(Command::Render(args)) => render::run(&args),
        Some(Command::Snapshot(args)) => snapshot::run(&args),
        Some(Command::Info(args)) => info::run(&args),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Decode(args)) => decode::run(&args),
        None => crate::ui::run_window(cli.files).map_err(|e| CliError::other(e.to_string())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("glia: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// Headless commands need no display server, but Mesa's Vulkan driver still probes for one and
/// complains on stderr when `XDG_RUNTIME_DIR` is unset, which breaks the one-line error
/// convention. A private empty runtime directory quiets it.
fn quiet_headless_runtime() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_some() {
        return;
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "user".into());
    let dir = std::env::temp_dir().join(format!("glia-runtime-{user}"));
    if std::fs::create_dir_all(&dir).is_ok() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        // SAFETY: called first thing in main, before any other thread exists.
        unsafe { std::env::set_var("XDG_RUNTIME_DIR", &dir) };
    }
}

/// Parses `WxH` (e.g. `1600x1200`).
pub fn parse_size(s: &str) -> Result<[u32; 2], String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("size {s:?} must look like 1600x1200"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("size {s:?} must look like 1600x1200"))
    };
    let size = [parse(w)?, parse(h)?];
    if size.iter().any(|&v| v == 0 || v > 16384) {
        return Err(format!("size {s:?}: each side must be 1 to 16384 pixels"));
    }
    Ok(size)
}

/// Builds the session a headless command draws: a session file, files, or the demo.
pub fn build_session(
    files: &[PathBuf],
    scene: Option<&PathBuf>,
) -> Result<crate::session::Session, CliError> {
    if let Some(path) = scene {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        let scene = crate::model::Scene::from_toml(&text).map_err(|e| {
            CliError::input(format!(
                "{}: not a Glia session: {}",
                path.display(),
                e.message()
            ))
        })?;
        let (mut session, errors) = crate::session::load_scene(scene, &|_| {});
        if !errors.is_empty() {
            return Err(CliError::input(errors.join("; ")));
        }
        if !files.is_empty() {
            apply_files(&mut session, files)?;
        }
        return Ok(session);
    }
    if files.is_empty() {
        return crate::demo::session().map_err(CliError::other);
    }
    let mut session = crate::session::Session::default();
    apply_files(&mut session, files)?;
    if session.needs_template_brain() {
        // Electrodes alone float in space: put them on the MNI152 template brain.
        let (left, right) = crate::demo::hemispheres().map_err(CliError::other)?;
        session.add_template_brain(left, right);
    }
    Ok(session)
}

fn apply_files(session: &mut crate::session::Session, files: &[PathBuf]) -> Result<(), CliError> {
    let errors: Vec<String> = session
        .open_files(files)
        .into_iter()
        .filter_map(Result::err)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::input(errors.join("; ")))
    }
}
