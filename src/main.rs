//! The `syncready` command: parse arguments, run, exit 0 (clean), 1 (findings) or 2 (error).

use std::process::ExitCode;

fn main() -> ExitCode {
    match syncready::cli::run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("syncready: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
