//! `cargo xtask httpbin`: installs httpbin (PyPI) into a virtual environment under
//! `target/httpbin`, for the client's Digest test (`atlas-generated/tests/digest_httpbin.rs`),
//! which starts it on 127.0.0.1 and checks our Digest answers against a server that is not
//! ours.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::XtaskError;

/// The httpbin release we install.
pub const HTTPBIN_VERSION: &str = "0.10.4";

/// Where the environment lives, under the workspace.
pub const HTTPBIN_DIR: &str = "target/httpbin";

/// Returns the environment's `python`, creating the environment and installing httpbin
/// [`HTTPBIN_VERSION`] first unless it is there.
pub fn ensure_httpbin(dir: &Path) -> Result<PathBuf, XtaskError> {
    let _lock = crate::process::lock_install_dir(dir)?;
    let python = dir.join("bin/python");
    if python.is_file() && installed(&python) {
        return Ok(python);
    }
    run(
        Command::new("python3").args(["-m", "venv"]).arg(dir),
        "python3 -m venv",
    )?;
    let package = format!("httpbin=={HTTPBIN_VERSION}");
    println!("httpbin: installing {package} into {}", dir.display());
    run(
        Command::new(&python).args(["-m", "pip", "install", "--quiet", &package]),
        &format!("pip install {package}"),
    )?;
    if !installed(&python) {
        return Err(XtaskError::Command {
            command: format!("pip install {package}"),
            message: "finished, but `import httpbin` still fails".to_owned(),
        });
    }
    Ok(python)
}

/// Whether `python` imports httpbin [`HTTPBIN_VERSION`].
fn installed(python: &Path) -> bool {
    let check = format!(
        "import importlib.metadata as m, sys; sys.exit(m.version('httpbin') != '{HTTPBIN_VERSION}')"
    );
    Command::new(python)
        .args(["-c", &check])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(command: &mut Command, shown: &str) -> Result<(), XtaskError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| XtaskError::Command {
            command: shown.to_owned(),
            message: format!("could not be started: {e} (httpbin needs Python 3 with venv)"),
        })?;
    if output.status.success() {
        return Ok(());
    }
    Err(XtaskError::Command {
        command: shown.to_owned(),
        message: format!(
            "failed ({}); is PyPI reachable? It said:\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    })
}

/// `cargo xtask httpbin`.
pub fn command(root: &Path) -> Result<(), XtaskError> {
    let python = ensure_httpbin(&root.join(HTTPBIN_DIR))?;
    println!(
        "httpbin: {} has httpbin {HTTPBIN_VERSION}",
        python.display()
    );
    Ok(())
}
