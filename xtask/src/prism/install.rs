//! Installing the pinned Prism with npm into `target/prism`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::error::XtaskError;

/// The `@stoplight/prism-cli` version we install. 5.14.2 is the newest that runs on
/// Node 18 and 20 (5.15 and later need Node 24).
pub const PRISM_VERSION: &str = "5.14.2";

/// The versions of Prism's own packages that `PRISM_VERSION` was released with, forced
/// with npm `overrides`: prism-cli 5.14.2 asks for `^5.8.0`/`^5.12.0`, which today
/// resolve to 5.16 packages that need Node 24.
const PINNED_DEPENDENCIES: [(&str, &str); 3] = [
    ("@stoplight/prism-core", "5.8.0"),
    ("@stoplight/prism-http", "5.12.0"),
    ("@stoplight/prism-http-server", "5.12.2"),
];

/// The oldest Node that Prism `PRISM_VERSION` supports (its `engines`).
const MIN_NODE: (u64, u64) = (18, 20);

/// Returns the path of the `prism` executable under `dir`, installing Prism
/// [`PRISM_VERSION`] there with npm first unless exactly that version is installed.
pub fn ensure_prism(dir: &Path) -> Result<PathBuf, XtaskError> {
    let _lock = crate::process::lock_install_dir(dir)?;
    let prism = dir.join("node_modules/.bin/prism");
    if prism.is_file() && installed_version(dir).as_deref() == Some(PRISM_VERSION) {
        return Ok(prism);
    }
    check_node()?;
    let manifest = dir.join("package.json");
    std::fs::write(&manifest, package_json().to_string() + "\n")
        .map_err(|e| XtaskError::io_at("cannot write", &manifest, e))?;

    let package = format!("@stoplight/prism-cli@{PRISM_VERSION}");
    let shown = format!(
        "npm install --no-audit --no-fund --save-exact --prefix {} {package}",
        dir.display()
    );
    println!("prism: installing Prism {PRISM_VERSION}: {shown}");
    let output = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--save-exact",
            "--prefix",
        ])
        .arg(dir)
        .arg(&package)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| XtaskError::Command {
            command: shown.clone(),
            message: format!(
                "could not be started: {e}\nPrism needs Node.js {}.{} or newer with npm on PATH",
                MIN_NODE.0, MIN_NODE.1
            ),
        })?;
    if !output.status.success() {
        return Err(XtaskError::Command {
            command: shown,
            message: format!(
                "failed ({}); is the npm registry reachable? npm said:\n{}",
                output.status,
                last_lines(
                    &format!(
                        "{}{}",
                        String::from_utf8_lossy(&output.stdout),
                        String::from_utf8_lossy(&output.stderr)
                    ),
                    40
                )
            ),
        });
    }
    match installed_version(dir) {
        Some(version) if version == PRISM_VERSION && prism.is_file() => Ok(prism),
        found => Err(XtaskError::Other(format!(
            "`{shown}` succeeded but {} is missing or not Prism {PRISM_VERSION} (found {found:?})",
            prism.display()
        ))),
    }
}

/// The `package.json` that pins Prism and, through `overrides`, its own packages.
fn package_json() -> Value {
    let overrides: serde_json::Map<String, Value> = PINNED_DEPENDENCIES
        .iter()
        .map(|(name, version)| ((*name).to_owned(), json!(version)))
        .collect();
    json!({
        "name": "atlas-rs-prism",
        "private": true,
        "description": "Written by `cargo xtask prism`: the pinned Stoplight Prism.",
        "dependencies": { "@stoplight/prism-cli": PRISM_VERSION },
        "overrides": overrides,
    })
}

/// The version of the installed `@stoplight/prism-cli`, if any.
fn installed_version(dir: &Path) -> Option<String> {
    let manifest = dir.join("node_modules/@stoplight/prism-cli/package.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value.get("version")?.as_str().map(str::to_owned)
}

/// Fails clearly when `node` is missing or too old for Prism.
fn check_node() -> Result<(), XtaskError> {
    let output = Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| XtaskError::Command {
            command: "node --version".into(),
            message: format!(
                "could not be started: {e}\nPrism needs Node.js {}.{} or newer with npm on PATH",
                MIN_NODE.0, MIN_NODE.1
            ),
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    match parse_node_version(&text) {
        Some(version) if version >= MIN_NODE => Ok(()),
        Some(_) => Err(XtaskError::Other(format!(
            "Prism {PRISM_VERSION} needs Node.js {}.{} or newer; `node --version` says {}",
            MIN_NODE.0,
            MIN_NODE.1,
            text.trim()
        ))),
        None => Err(XtaskError::Other(format!(
            "cannot read the Node.js version from `node --version`: {:?}",
            text.trim()
        ))),
    }
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// `v20.20.2` → `(20, 20)`.
fn parse_node_version(text: &str) -> Option<(u64, u64)> {
    let mut parts = text.trim().strip_prefix('v')?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_versions() {
        assert_eq!(parse_node_version("v20.20.2\n"), Some((20, 20)));
        assert_eq!(parse_node_version("v18.9.0"), Some((18, 9)));
        assert!(parse_node_version("v18.9.0").unwrap() < MIN_NODE);
        assert_eq!(parse_node_version("20.1"), None);
    }

    #[test]
    fn package_json_pins_prism_and_its_packages() {
        let manifest = package_json();
        assert_eq!(
            manifest["dependencies"]["@stoplight/prism-cli"],
            PRISM_VERSION
        );
        assert_eq!(manifest["overrides"]["@stoplight/prism-http"], "5.12.0");
        assert_eq!(manifest["overrides"].as_object().unwrap().len(), 3);
    }
}
