//! The `glia` binary: parses the command line and hands over to [`glia::cli`].

fn main() -> std::process::ExitCode {
    glia::cli::main()
}
