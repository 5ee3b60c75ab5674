//! `cargo xtask fetch-spec`: download the pinned spec into the git-ignored local copy.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::XtaskError;
use crate::pin::{PIN_PATH, Pin};
use crate::spec::{LOCAL_SPEC, sha256_hex};

/// Where upstream publishes the document.
pub const DEFAULT_URL: &str =
    "https://raw.githubusercontent.com/mongodb/openapi/main/openapi/atlas-api.yaml";

/// Downloads `url` (default [`DEFAULT_URL`]) with `curl` to
/// `spec/atlas-api.yaml.partial`, checks its sha256 against the pin and only then
/// renames it to `spec/atlas-api.yaml`. Returns the final path.
///
/// A download that does not match the pin is kept at the `.partial` path so it can
/// be inspected or adopted with `repin`.
pub fn fetch_spec(workspace_root: &Path, url: Option<&str>) -> Result<PathBuf, XtaskError> {
    let url = url.unwrap_or(DEFAULT_URL);
    let pin_path = workspace_root.join(PIN_PATH);
    let pin = Pin::load(&pin_path)?;
    let target = workspace_root.join(LOCAL_SPEC);
    let partial = partial_path(&target);
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir).map_err(|e| XtaskError::io_at("cannot create", dir, e))?;
    }
    remove_if_present(&partial)?;

    let mut curl = Command::new("curl");
    curl.args([
        "--fail",
        "--location",
        "--silent",
        "--show-error",
        "--retry",
        "2",
        "--connect-timeout",
        "30",
        "--output",
    ])
    .arg(&partial)
    .arg(url);
    let shown = crate::process::show(&curl);
    println!("fetch-spec: {shown}");
    let status = match curl.status() {
        Ok(status) => status,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(XtaskError::Command {
                command: "curl".into(),
                message: "is not installed; fetch-spec needs it to download the spec".into(),
            });
        }
        Err(e) => {
            return Err(XtaskError::Command {
                command: shown,
                message: format!("could not be started: {e}"),
            });
        }
    };
    if !status.success() {
        let _ = fs::remove_file(&partial);
        return Err(XtaskError::Command {
            command: shown,
            message: format!("failed ({status}); nothing was changed"),
        });
    }

    let bytes = fs::read(&partial)
        .map_err(|e| XtaskError::io_at("cannot read the download", &partial, e))?;
    let actual = sha256_hex(&bytes);
    if actual != pin.sha256 {
        return Err(XtaskError::Other(format!(
            "the downloaded spec does not match the pin {}\n  pinned sha256: {}\n  actual sha256: {actual} ({} bytes)\n\
             the download is kept at {}; {} was not changed.\n\
             to move to this spec run `mv {} {}`, then `cargo xtask repin --spec {}` then `cargo xtask codegen`",
            pin_path.display(),
            pin.sha256,
            bytes.len(),
            partial.display(),
            target.display(),
            partial.display(),
            target.display(),
            target.display(),
        )));
    }
    fs::rename(&partial, &target).map_err(|e| {
        XtaskError::io(
            format!("cannot move {} to {}", partial.display(), target.display()),
            e,
        )
    })?;
    Ok(target)
}

fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<(), XtaskError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(XtaskError::io_at("cannot remove", path, e)),
    }
}
