//! `cargo xtask repin`: record in `spec/atlas-api.pin` which document to generate from.

use std::path::{Path, PathBuf};

use crate::error::XtaskError;
use crate::pin::{DEFAULT_UPSTREAM, PIN_PATH, Pin};
use crate::spec;

/// Options of `cargo xtask repin`; `None` keeps (or derives) the current value.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RepinOptions {
    /// The spec to pin instead of the one found the usual way.
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// Where the document is published (default: the current pin's).
    #[arg(long)]
    pub upstream: Option<String>,
    /// A provenance note; dropped when the document changes unless given.
    #[arg(long)]
    pub note: Option<String>,
    /// The day the copy was taken, YYYY-MM-DD (default: the current pin's, or today).
    #[arg(long)]
    pub date: Option<String>,
}

/// What `cargo xtask repin` did.
#[derive(Debug, Clone)]
pub struct RepinOutcome {
    pub spec_path: PathBuf,
    pub old: Option<Pin>,
    pub new: Pin,
    pub pin_path: PathBuf,
}

/// Recomputes the pin from a spec and rewrites `spec/atlas-api.pin`.
///
/// `upstream` defaults to the current pin's (or [`DEFAULT_UPSTREAM`]). When the
/// spec is the pinned one, `note` and `date` default to the current pin's; when it
/// is a different document, the old note no longer describes it and is dropped, and
/// the date defaults to today (UTC).
pub fn repin(workspace_root: &Path, options: &RepinOptions) -> Result<RepinOutcome, XtaskError> {
    if let Some(date) = options
        .date
        .as_deref()
        .filter(|d| atlas_codegen::media::full_date(d).is_none())
    {
        return Err(XtaskError::Other(format!(
            "--date must be YYYY-MM-DD, got {date:?}"
        )));
    }
    let pin_path = workspace_root.join(PIN_PATH);
    let old = if pin_path.exists() {
        match Pin::load(&pin_path) {
            Ok(pin) => Some(pin),
            Err(e) => {
                eprintln!("warning: ignoring the current pin: {e}");
                None
            }
        }
    } else {
        None
    };

    let (path, source) = spec::locate(workspace_root, options.spec.as_deref())?;
    let loaded = spec::read(&path, source)?;
    let parsed = crate::generation::parse(&loaded.text, &path)?;
    let ir = atlas_codegen::build_ir(&parsed, None).map_err(|source| XtaskError::Codegen {
        context: format!("cannot read the operations of the spec {}", path.display()),
        source,
    })?;
    let x_xgen_sha = ir.spec_sha.clone().unwrap_or_else(|| {
        eprintln!("warning: the spec has no info.x-xgen-sha; recording \"none\"");
        "none".to_owned()
    });
    let versions = ir.api_versions();

    let same = old.as_ref().filter(|p| p.sha256 == loaded.sha256);
    let date = match &options.date {
        Some(date) => date.clone(),
        None => same.map_or_else(today_utc, |p| p.date.clone()),
    };
    let upstream = options
        .upstream
        .clone()
        .or_else(|| old.as_ref().map(|p| p.upstream.clone()))
        .unwrap_or_else(|| DEFAULT_UPSTREAM.to_owned());
    let note = match &options.note {
        Some(note) if note.trim().is_empty() => None,
        Some(note) => Some(note.clone()),
        None => same.and_then(|p| p.note.clone()),
    };
    let new = Pin {
        upstream,
        note,
        date,
        x_xgen_sha,
        sha256: loaded.sha256.clone(),
        size: loaded.text.len() as u64,
        versions,
    };

    if let Some(dir) = pin_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| XtaskError::io_at("cannot create", dir, e))?;
    }
    let tmp = pin_path.with_extension(format!("pin.tmp-{}", std::process::id()));
    std::fs::write(&tmp, new.render()).map_err(|e| XtaskError::io_at("cannot write", &tmp, e))?;
    if let Err(e) = std::fs::rename(&tmp, &pin_path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(XtaskError::io_at("cannot replace", &pin_path, e));
    }
    Ok(RepinOutcome {
        spec_path: path,
        old,
        new,
        pin_path,
    })
}

/// Today's date in UTC as `YYYY-MM-DD`.
fn today_utc() -> String {
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    now.date_naive().format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_full_date() {
        assert!(atlas_codegen::media::full_date(&today_utc()).is_some());
    }
}
