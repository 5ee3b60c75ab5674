//! The one error type of xtask. Every failure ends up here, is printed by `main`
//! as `error: …` and turns into exit code 1.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in an xtask command.
#[derive(Debug)]
pub enum XtaskError {
    /// Bad command line: clap's message, usage included.
    Usage(String),
    /// An I/O operation failed; `context` says what was being done.
    Io { context: String, source: io::Error },
    /// No spec was found in any of the places xtask looks.
    SpecNotFound { looked: Vec<String> },
    /// `spec/atlas-api.pin` is missing or malformed.
    Pin { path: PathBuf, message: String },
    /// The spec's sha256 is not the pinned one.
    PinMismatch {
        spec: PathBuf,
        pin: PathBuf,
        pinned: String,
        actual: String,
        /// The spec was named with `--spec`, so codegen needs it again.
        from_flag: bool,
    },
    /// `atlas_codegen::parse_spec` or `atlas_codegen::generate` failed.
    Codegen {
        context: String,
        source: atlas_codegen::CodegenError,
    },
    /// The generator produced a path xtask refuses to write.
    BadGeneratedPath { path: String, reason: String },
    /// A child process could not be run or exited unsuccessfully.
    Command { command: String, message: String },
    /// `codegen --check` found differences: one line per file.
    Drift(Vec<String>),
    /// Anything else, already phrased for the user.
    Other(String),
}

impl XtaskError {
    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        XtaskError::Io {
            context: context.into(),
            source,
        }
    }

    /// Wraps an I/O error that happened on `path` while doing `what`.
    pub fn io_at(what: &str, path: &Path, source: io::Error) -> Self {
        XtaskError::io(format!("{what} {}", path.display()), source)
    }
}

impl fmt::Display for XtaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XtaskError::Usage(msg) => f.write_str(msg.trim_end()),
            XtaskError::Io { context, source } => write!(f, "{context}: {source}"),
            XtaskError::SpecNotFound { looked } => {
                writeln!(f, "no OpenAPI spec found; looked at, in order:")?;
                for place in looked {
                    writeln!(f, "  - {place}")?;
                }
                write!(
                    f,
                    "pass `--spec PATH`, set ATLAS_SPEC, or run `cargo xtask fetch-spec`"
                )
            }
            XtaskError::Pin { path, message } => write!(f, "{}: {message}", path.display()),
            XtaskError::PinMismatch {
                spec,
                pin,
                pinned,
                actual,
                from_flag,
            } => write!(
                f,
                "spec {} does not match the pin {}\n  pinned sha256: {pinned}\n  actual sha256: {actual}\n\
                 to move to this spec run `cargo xtask repin --spec {}` then `cargo xtask codegen{}`",
                spec.display(),
                pin.display(),
                spec.display(),
                if *from_flag {
                    format!(" --spec {}", spec.display())
                } else {
                    String::new()
                },
            ),
            XtaskError::Codegen { context, source } => write!(f, "{context}: {source}"),
            XtaskError::BadGeneratedPath { path, reason } => {
                write!(
                    f,
                    "the generator produced the path {path:?}, which xtask refuses to write: {reason}"
                )
            }
            XtaskError::Command { command, message } => write!(f, "`{command}` {message}"),
            XtaskError::Drift(drift) => {
                writeln!(
                    f,
                    "atlas-generated is out of date with the generator ({} {}):",
                    drift.len(),
                    if drift.len() == 1 {
                        "file differs"
                    } else {
                        "files differ"
                    }
                )?;
                for d in drift {
                    writeln!(f, "  {d}")?;
                }
                write!(f, "run `cargo xtask codegen` to regenerate it")
            }
            XtaskError::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for XtaskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            XtaskError::Io { source, .. } => Some(source),
            XtaskError::Codegen { source, .. } => Some(source),
            _ => None,
        }
    }
}
