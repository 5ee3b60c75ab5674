//! `cargo xtask diff --from OLD.yaml [--to NEW.yaml] [--json]`: what a new spec changes in
//! atlas-generated's API, each change with the Rust items it touches and whether it
//! breaks code, and the crate's next version (`atlas_codegen::diff` decides all of it).

use std::path::{Path, PathBuf};

use atlas_codegen::diff::{self, Report, Surface};

use crate::error::XtaskError;
use crate::generation::{self, GENERATED_CRATE};
use crate::manifest;
use crate::spec::{self, SpecSource};

#[derive(Debug, clap::Args)]
pub struct DiffOptions {
    /// The older document.
    #[arg(long, value_name = "OLD.yaml")]
    pub from: PathBuf,
    /// The newer document (default: the pinned spec, found as `codegen` finds it).
    #[arg(long, value_name = "NEW.yaml")]
    pub to: Option<PathBuf>,
    /// Print the report as JSON (its shape is documented on `atlas_codegen::diff::Report`).
    #[arg(long)]
    pub json: bool,
}

/// `cargo xtask diff`.
pub fn command(root: &Path, options: &DiffOptions) -> Result<(), XtaskError> {
    let report = report(root, &options.from, options.to.as_deref())?;
    if options.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| XtaskError::Other(format!("cannot write the report as JSON: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

/// The report from the document at `from` to the one at `to` (the pinned one when `None`).
pub fn report(root: &Path, from: &Path, to: Option<&Path>) -> Result<Report, XtaskError> {
    let old = surface_of(&spec::read(from, SpecSource::Flag)?, None)?;
    // The newer crate is generated as `codegen` would, from the older one's names.
    let new = match to {
        Some(path) => surface_of(&spec::read(path, SpecSource::Flag)?, Some(&old))?,
        None => surface_of(&spec::load_pinned(root, None)?, Some(&old))?,
    };
    let crate_dir = root.join(GENERATED_CRATE);
    Ok(diff::diff(&old, &new, &manifest::version(&crate_dir)?))
}

/// Parses a document and makes its surface, keeping the names `published` holds; errors
/// name the document and the place in it.
pub fn surface_of(
    spec: &spec::LoadedSpec,
    published: Option<&Surface>,
) -> Result<Surface, XtaskError> {
    let document = generation::parse(&spec.text, &spec.path)?;
    atlas_codegen::surface(&document, published).map_err(generation::generate_error(&spec.path))
}
