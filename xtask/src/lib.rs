//! Project automation for atlas-rs, run as `cargo xtask <command>`.
//!
//! Everything that touches a disk, the network or a clock on behalf of the
//! generator lives here; `atlas-codegen` itself stays pure. The binary
//! (`src/main.rs`) only calls [`run`]; the pieces are public so that tests can
//! call them directly, in particular [`check`], which the drift test uses.

pub mod bench;
mod cli;
pub mod error;
pub mod fetch;
pub mod pin;
pub mod prism;
pub mod rusage;
pub mod spec;
pub mod test_pipeline;
pub mod tree;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use cli::run;
pub use error::XtaskError;
pub use tree::{Drift, DriftKind};

use pin::{DEFAULT_UPSTREAM, PIN_PATH, Pin};
use spec::LoadedSpec;

/// The generated crate's directory, relative to the workspace root.
pub const GENERATED_CRATE: &str = "atlas-generated";

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.join(".."), Path::to_path_buf)
}

/// A completed, in-memory generation run.
#[derive(Debug)]
pub struct Generation {
    pub spec: LoadedSpec,
    /// The spec, parsed.
    pub document: openapiv3::OpenAPI,
    pub generated: atlas_codegen::Generated,
    pub parse_time: Duration,
    pub generate_time: Duration,
}

/// Locates the spec, checks it against the pin, parses it and generates, all in
/// memory.
pub fn generate(workspace_root: &Path, spec_path: Option<&Path>) -> Result<Generation, XtaskError> {
    let spec = spec::load_pinned(workspace_root, spec_path)?;
    let (document, generated, parse_time, generate_time) =
        parse_and_generate(&spec.text, &spec.path)?;
    Ok(Generation {
        spec,
        document,
        generated,
        parse_time,
        generate_time,
    })
}

/// `parse_spec` then `generate`, timed separately.
pub fn parse_and_generate(
    text: &str,
    path: &Path,
) -> Result<
    (
        openapiv3::OpenAPI,
        atlas_codegen::Generated,
        Duration,
        Duration,
    ),
    XtaskError,
> {
    let start = Instant::now();
    let parsed = atlas_codegen::parse_spec(text).map_err(|source| XtaskError::Codegen {
        context: format!("cannot parse the spec {}", path.display()),
        source,
    })?;
    let parse_time = start.elapsed();
    let start = Instant::now();
    let generated = atlas_codegen::generate(&parsed).map_err(|source| XtaskError::Codegen {
        context: format!("cannot generate from the spec {}", path.display()),
        source,
    })?;
    Ok((parsed, generated, parse_time, start.elapsed()))
}

/// Generates in memory and compares the result with what is on disk under each of
/// [`atlas_codegen::GENERATED_ROOTS`] of `atlas-generated`. An empty result means the
/// committed crate is up to date.
pub fn check(workspace_root: &Path, spec_path: Option<&Path>) -> Result<Vec<Drift>, XtaskError> {
    let generation = generate(workspace_root, spec_path)?;
    tree::diff_tree(
        &workspace_root.join(GENERATED_CRATE),
        &generation.generated.files,
        atlas_codegen::GENERATED_ROOTS,
    )
}

/// What `cargo xtask codegen` did.
#[derive(Debug)]
pub struct CodegenOutcome {
    pub generation: Generation,
    /// `false` when the tree on disk already matched and nothing was written.
    pub written: bool,
}

/// Generates and, unless the tree on disk already matches, replaces every generated
/// root of `atlas-generated` atomically. Nothing is written unless generation
/// succeeded completely.
pub fn codegen(
    workspace_root: &Path,
    spec_path: Option<&Path>,
) -> Result<CodegenOutcome, XtaskError> {
    let generation = generate(workspace_root, spec_path)?;
    let crate_dir = workspace_root.join(GENERATED_CRATE);
    let roots = atlas_codegen::GENERATED_ROOTS;
    let drift = tree::diff_tree(&crate_dir, &generation.generated.files, roots)?;
    if drift.is_empty() {
        return Ok(CodegenOutcome {
            generation,
            written: false,
        });
    }
    tree::write_tree(&crate_dir, &generation.generated.files, roots)?;
    Ok(CodegenOutcome {
        generation,
        written: true,
    })
}

/// Options of `cargo xtask repin`; `None` keeps (or derives) the current value.
#[derive(Debug, Clone, Default)]
pub struct RepinOptions {
    pub spec: Option<PathBuf>,
    pub upstream: Option<String>,
    pub note: Option<String>,
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
        return Err(XtaskError::Usage(format!(
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
    let parsed = atlas_codegen::parse_spec(&loaded.text).map_err(|source| XtaskError::Codegen {
        context: format!("cannot parse the spec {}", path.display()),
        source,
    })?;
    let ir = atlas_codegen::build_ir(&parsed).map_err(|source| XtaskError::Codegen {
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

    #[test]
    fn workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("xtask").is_dir());
    }
}
