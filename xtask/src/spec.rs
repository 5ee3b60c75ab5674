//! Finding the OpenAPI document, checking it against the pin, and the facts the pin records.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::XtaskError;
use crate::pin::{PIN_PATH, Pin};

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.join(".."), Path::to_path_buf)
}

/// Environment variable that names the spec when `--spec` is not given.
pub const SPEC_ENV: &str = "ATLAS_SPEC";
/// The git-ignored local copy, relative to the workspace root (where `fetch-spec` puts it).
pub const LOCAL_SPEC: &str = "spec/atlas-api.yaml";
/// The shared copy, relative to the workspace root.
pub const SHARED_SPEC: &str = "../shared/atlas-openapi/atlas-api.yaml";

/// Where the spec came from; printed so that it is always clear which file was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecSource {
    Flag,
    Env,
    Local,
    Shared,
}

impl SpecSource {
    pub fn describe(self) -> &'static str {
        match self {
            SpecSource::Flag => "--spec",
            SpecSource::Env => SPEC_ENV,
            SpecSource::Local => "local copy",
            SpecSource::Shared => "shared copy",
        }
    }
}

/// Finds the spec: `--spec`, then `$ATLAS_SPEC`, then `spec/atlas-api.yaml`, then
/// `../shared/atlas-openapi/atlas-api.yaml` (the last two relative to `workspace_root`).
///
/// A path given explicitly (flag or environment) must exist: xtask never falls back
/// from a file it was told to use.
pub fn locate(
    workspace_root: &Path,
    flag: Option<&Path>,
) -> Result<(PathBuf, SpecSource), XtaskError> {
    locate_with_env(
        workspace_root,
        flag,
        std::env::var_os(SPEC_ENV).map(PathBuf::from),
    )
}

fn locate_with_env(
    workspace_root: &Path,
    flag: Option<&Path>,
    env: Option<PathBuf>,
) -> Result<(PathBuf, SpecSource), XtaskError> {
    if let Some(path) = flag {
        return if path.is_file() {
            Ok((path.to_owned(), SpecSource::Flag))
        } else {
            Err(XtaskError::Other(format!(
                "the spec given with --spec, {}, is not a readable file",
                path.display()
            )))
        };
    }
    if let Some(path) = env.filter(|p| !p.as_os_str().is_empty()) {
        return if path.is_file() {
            Ok((path, SpecSource::Env))
        } else {
            Err(XtaskError::Other(format!(
                "the spec named by {SPEC_ENV}, {}, is not a readable file",
                path.display()
            )))
        };
    }
    let local = workspace_root.join(LOCAL_SPEC);
    if local.is_file() {
        return Ok((local, SpecSource::Local));
    }
    let shared = workspace_root.join(SHARED_SPEC);
    if shared.is_file() {
        return Ok((shared, SpecSource::Shared));
    }
    Err(XtaskError::SpecNotFound {
        looked: vec![
            "--spec PATH (not given)".into(),
            format!("${SPEC_ENV} (not set)"),
            format!("{} (local copy, git-ignored)", local.display()),
            format!("{} (shared copy)", shared.display()),
        ],
    })
}

/// The spec's text, read once, together with where it came from and its hash.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub path: PathBuf,
    pub source: SpecSource,
    pub text: String,
    pub sha256: String,
}

/// Locates the spec, reads it and refuses it unless its sha256 is the pinned one.
pub fn load_pinned(workspace_root: &Path, flag: Option<&Path>) -> Result<LoadedSpec, XtaskError> {
    let pin_path = workspace_root.join(PIN_PATH);
    let pin = Pin::load(&pin_path)?;
    let (path, source) = locate(workspace_root, flag)?;
    let loaded = read(&path, source)?;
    if loaded.sha256 != pin.sha256 {
        return Err(XtaskError::PinMismatch {
            spec: loaded.path,
            pin: pin_path,
            pinned: pin.sha256,
            actual: loaded.sha256,
            from_flag: source == SpecSource::Flag,
        });
    }
    Ok(loaded)
}

/// Reads the spec at `path` and hashes it, without consulting the pin.
pub fn read(path: &Path, source: SpecSource) -> Result<LoadedSpec, XtaskError> {
    let bytes =
        std::fs::read(path).map_err(|e| XtaskError::io_at("cannot read the spec", path, e))?;
    let sha256 = sha256_hex(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| {
        XtaskError::Other(format!("the spec {} is not valid UTF-8", path.display()))
    })?;
    Ok(LoadedSpec {
        path: path.to_owned(),
        source,
        text,
        sha256,
    })
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("xtask").is_dir());
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-spec-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn locate_order_and_errors() {
        let root = scratch("locate").join("ws");
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let shared = root.join(SHARED_SPEC);
        let local = root.join(LOCAL_SPEC);
        let other = root.join("other.yaml");

        let err = locate_with_env(&root, None, None).unwrap_err().to_string();
        assert!(
            err.contains("spec/atlas-api.yaml") && err.contains("atlas-openapi"),
            "{err}"
        );

        std::fs::create_dir_all(shared.parent().unwrap()).unwrap();
        std::fs::write(&shared, "shared").unwrap();
        assert_eq!(
            locate_with_env(&root, None, None).unwrap().1,
            SpecSource::Shared
        );

        std::fs::write(&local, "local").unwrap();
        assert_eq!(
            locate_with_env(&root, None, None).unwrap(),
            (local.clone(), SpecSource::Local)
        );

        std::fs::write(&other, "other").unwrap();
        assert_eq!(
            locate_with_env(&root, None, Some(other.clone())).unwrap(),
            (other.clone(), SpecSource::Env)
        );
        assert_eq!(
            locate_with_env(&root, Some(&local), Some(other.clone())).unwrap(),
            (local.clone(), SpecSource::Flag)
        );

        let missing = root.join("missing.yaml");
        assert!(locate_with_env(&root, Some(&missing), None).is_err());
        assert!(locate_with_env(&root, None, Some(missing)).is_err());
        let _ = std::fs::remove_dir_all(root.parent().unwrap());
    }

    #[test]
    fn load_pinned_refuses_a_different_spec() {
        let root = scratch("pinned");
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let spec = root.join("spec.yaml");
        std::fs::write(&spec, "openapi: 3.0.1\n").unwrap();
        let pin = |sha256: String| Pin {
            upstream: "u".into(),
            note: None,
            date: "2026-01-01".into(),
            x_xgen_sha: "x".into(),
            sha256,
            size: 15,
            versions: vec![],
        };
        let actual = sha256_hex(b"openapi: 3.0.1\n");
        std::fs::write(root.join(PIN_PATH), pin(actual.clone()).render()).unwrap();
        let loaded = load_pinned(&root, Some(&spec)).unwrap();
        assert_eq!(loaded.sha256, actual);
        assert_eq!(loaded.text, "openapi: 3.0.1\n");

        let pinned = "0".repeat(64);
        std::fs::write(root.join(PIN_PATH), pin(pinned.clone()).render()).unwrap();
        let err = load_pinned(&root, Some(&spec)).unwrap_err().to_string();
        assert!(err.contains(&pinned) && err.contains(&actual), "{err}");
        assert!(err.contains("cargo xtask repin --spec"), "{err}");
        assert!(err.contains("then `cargo xtask codegen --spec"), "{err}");

        std::fs::remove_file(root.join(PIN_PATH)).unwrap();
        let err = load_pinned(&root, Some(&spec)).unwrap_err().to_string();
        assert!(
            err.contains("atlas-api.pin") && err.contains("repin"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
