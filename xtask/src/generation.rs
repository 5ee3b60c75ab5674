//! Generation in memory from the pinned spec, and what the `codegen` commands do with it:
//! compare it with the committed crate ([`check`]) or replace the crate's generated roots
//! and the generated features of its manifest ([`codegen`]).

use std::path::Path;

use atlas_codegen::diff::Surface;
use atlas_codegen::waiters::Waiters;
use std::time::{Duration, Instant};

use crate::changelog;
use crate::error::XtaskError;
use crate::manifest;
use crate::spec::{self, LoadedSpec, SpecSource};
use crate::tree::{self, Drift};

/// The generated crate's directory, relative to the workspace root.
pub const GENERATED_CRATE: &str = "atlas-generated";

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
/// memory, keeping the names the committed crate published: those of `previous` (the
/// surface of the document it was generated from, `codegen --previous`) when given, else
/// those of its record.
pub fn generate(
    workspace_root: &Path,
    spec_path: Option<&Path>,
    previous: Option<&Surface>,
) -> Result<Generation, XtaskError> {
    let spec = spec::load_pinned(workspace_root, spec_path)?;
    let recorded = match previous {
        Some(_) => None,
        None => changelog::published(&workspace_root.join(GENERATED_CRATE))?,
    };
    let waiters = load_waiters(workspace_root)?;
    let run = parse_and_generate(
        &spec.text,
        &spec.path,
        previous.or(recorded.as_ref()),
        &waiters,
    )?;
    Ok(Generation {
        spec,
        document: run.document,
        generated: run.generated,
        parse_time: run.parse_time,
        generate_time: run.generate_time,
    })
}

/// What [`parse_and_generate`] made, and how long each half took.
pub struct Run {
    pub document: openapiv3::OpenAPI,
    pub generated: atlas_codegen::Generated,
    pub parse_time: Duration,
    pub generate_time: Duration,
}

/// `parse_spec` then `generate_with` (keeping the names `published` holds, with the
/// waiters `waiters` describes), timed separately; `path` names the spec in errors.
pub fn parse_and_generate(
    text: &str,
    path: &Path,
    published: Option<&Surface>,
    waiters: &Waiters,
) -> Result<Run, XtaskError> {
    let start = Instant::now();
    let document = parse(text, path)?;
    let parse_time = start.elapsed();
    let start = Instant::now();
    let generated = atlas_codegen::generate_with(&document, published, waiters)
        .map_err(generate_error(path))?;
    Ok(Run {
        document,
        generated,
        parse_time,
        generate_time: start.elapsed(),
    })
}

/// The waiters of the workspace at `workspace_root` ([`atlas_codegen::waiters::PATH`]),
/// read and parsed; each is checked against the spec when it generates.
pub fn load_waiters(workspace_root: &Path) -> Result<Waiters, XtaskError> {
    let path = workspace_root.join(atlas_codegen::waiters::PATH);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| XtaskError::io_at("cannot read the waiters", &path, e))?;
    atlas_codegen::waiters::parse(&text).map_err(|source| XtaskError::Codegen {
        context: format!("cannot read the waiters {}", path.display()),
        source,
    })
}

/// The spec's text, parsed; the error names the spec at `path` and the place in it.
pub fn parse(text: &str, path: &Path) -> Result<openapiv3::OpenAPI, XtaskError> {
    atlas_codegen::parse_spec(text).map_err(|source| XtaskError::Codegen {
        context: format!("cannot parse the spec {}", path.display()),
        source,
    })
}

/// How an error of the generator on the spec at `path` is reported.
pub fn generate_error(path: &Path) -> impl Fn(atlas_codegen::CodegenError) -> XtaskError + '_ {
    move |source| XtaskError::Codegen {
        context: format!("cannot generate from the spec {}", path.display()),
        source,
    }
}

/// Generates in memory and compares the result with what is on disk under each of
/// [`atlas_codegen::GENERATED_ROOTS`] of `atlas-generated`. An empty result means the
/// committed crate is up to date.
pub fn check(workspace_root: &Path, spec_path: Option<&Path>) -> Result<Vec<Drift>, XtaskError> {
    let generation = generate(workspace_root, spec_path, None)?;
    let crate_dir = workspace_root.join(GENERATED_CRATE);
    let mut drift = tree::diff_tree(
        &crate_dir,
        &generation.generated.files,
        atlas_codegen::GENERATED_ROOTS,
    )?;
    drift.extend(manifest::drift(
        &crate_dir,
        &generation.generated.cargo_features,
    )?);
    drift.extend(changelog::drift(&crate_dir, &generation.generated.surface)?);
    Ok(drift)
}

/// What `cargo xtask codegen` did.
#[derive(Debug)]
pub struct CodegenOutcome {
    pub generation: Generation,
    /// `false` when the tree on disk already matched and nothing was written.
    pub written: bool,
    /// What the changelog got, when the spec is not the one the crate recorded.
    pub changelog: Option<changelog::Update>,
}

/// Generates and, unless the tree on disk already matches, replaces every generated
/// root of `atlas-generated` atomically; when the spec is not the one the committed crate
/// records, adds the changelog section of what changed and moves the crate's version.
/// Nothing is written unless generation and the report succeeded completely.
pub fn codegen(
    workspace_root: &Path,
    spec_path: Option<&Path>,
    previous: Option<&Path>,
) -> Result<CodegenOutcome, XtaskError> {
    let previous = previous
        .map(|path| crate::diff::surface_of(&spec::read(path, SpecSource::Flag)?, None))
        .transpose()?;
    let generation = generate(workspace_root, spec_path, previous.as_ref())?;
    let crate_dir = workspace_root.join(GENERATED_CRATE);
    let roots = atlas_codegen::GENERATED_ROOTS;
    let features = &generation.generated.cargo_features;
    let mut drift = tree::diff_tree(&crate_dir, &generation.generated.files, roots)?;
    drift.extend(manifest::drift(&crate_dir, features)?);
    let version = manifest::version(&crate_dir)?;
    let today = today();
    let new = &generation.generated.surface;
    let update = changelog::plan(&crate_dir, new, &version, &today, previous.as_ref())?;
    if drift.is_empty() && update.is_none() {
        return Ok(CodegenOutcome {
            generation,
            written: false,
            changelog: None,
        });
    }
    tree::write_tree(&crate_dir, &generation.generated.files, roots)?;
    manifest::write(&crate_dir, features)?;
    if let Some(update) = &update {
        changelog::write(&crate_dir, update)?;
        if let Some(version) = &update.version {
            manifest::set_version(&crate_dir, version)?;
        }
    }
    Ok(CodegenOutcome {
        generation,
        written: true,
        changelog: update,
    })
}

/// Today's UTC date, `YYYY-MM-DD` (chrono is built without its clock).
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(0), 0)
        .map_or_else(|| "1970-01-01".to_owned(), |t| t.date_naive().to_string())
}

/// `N files (… operations, …)`: the counts of a generation, on one line.
pub fn describe(generated: &atlas_codegen::Generated) -> String {
    let c = &generated.counts;
    format!(
        "{} files ({} operations, {} operation versions, {} component schemas, {} inline schemas, {} discriminators)",
        generated.files.len(),
        c.operations,
        c.operation_versions,
        c.component_schemas,
        c.inline_schemas,
        c.discriminators
    )
}
