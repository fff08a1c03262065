//! `glia snapshot`: the whole window, panels and all, drawn headlessly.

use std::path::PathBuf;

use super::{CliError, parse_size};

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    /// Files to open, as for `glia FILES…`; with none, the demo.
    pub files: Vec<PathBuf>,
    /// Window size in points, WxH.
    #[arg(long, default_value = "1600x1000", value_parser = parse_size)]
    pub size: [u32; 2],
    /// Light theme instead of dark.
    #[arg(long)]
    pub light: bool,
    /// Output PNG.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(args: &SnapshotArgs) -> Result<(), CliError> {
    let gpu = crate::render::GpuContext::headless()?;
    let image =
        crate::ui::headless::snapshot(&gpu, &args.files, args.size, args.light).map_err(|e| {
            CliError {
                code: if e.is_input { 2 } else { 1 },
                message: e.message,
            }
        })?;
    super::render::save_png(&image, &args.output)
}
