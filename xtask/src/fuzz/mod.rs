//! `cargo xtask fuzz [--seconds N] [--target T]… [-- LIBFUZZER_ARGS…]`: runs the fuzz
//! targets of atlas-generated (`atlas-generated/fuzz/`, cargo-fuzz and libFuzzer) for a
//! bounded time. `cargo xtask test` runs it with its defaults.
//!
//! 1. Installs cargo-fuzz [`CARGO_FUZZ_VERSION`] from crates.io when `cargo fuzz` is
//!    missing (under the tool install lock, like cargo-hack).
//! 2. Writes the seed corpora ([`seeds`]) to `target/fuzz-corpus/<target>/`, and the
//!    dictionary `target/fuzz-corpus/json.dict`, from the pinned spec and
//!    `../shared/atlas-traffic/terraform.jsonl`.
//! 3. Builds every target with `cargo fuzz build` on the stable toolchain ([`build_args`]):
//!    coverage instrumentation, no sanitizer (`-s none`: sanitizers need nightly),
//!    into `target/fuzz/`.
//! 4. Runs the targets side by side, each for `--seconds`, with the libFuzzer options of
//!    [`libfuzzer_args`]: a per-input timeout (a hang fails), the memory bound, the longest
//!    input. New inputs libFuzzer finds go to `target/fuzz-found/<target>/` and are kept
//!    for the next run.
//! 5. Fails when a target crashed, hung or went over the memory bound, printing the
//!    reproducer (under `target/fuzz-artifacts/<target>/`), what it selects, and how to
//!    re-run, minimise and keep it as a regression (`atlas-generated/fuzz/regressions/`,
//!    replayed by `cargo test`).

pub mod seeds;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::error::XtaskError;
use crate::process::{cargo_program, ensure_cargo_tool, run_logged, run_status, show};

/// The cargo-fuzz release installed when `cargo fuzz` is missing.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The fuzz crate, relative to the workspace root.
pub const FUZZ_DIR: &str = "atlas-generated/fuzz";

/// The targets, in the order they are reported: the binaries of the fuzz crate.
pub const TARGETS: [&str; 3] = ["decode_response", "from_slice", "error_body"];

/// How long `cargo xtask test` runs each target (side by side, so also the wall time of
/// the runs). The pipeline's fuzz step (install when missing, build, seeds, runs) took 109 s
/// on a fresh 2-core machine: installing cargo-fuzz 25 s, the debug build 53 s.
pub const PIPELINE_SECONDS: u64 = 30;

/// libFuzzer's `-timeout`: an input that takes longer is reported as a hang. The longest
/// inputs (1 MiB) take about two seconds in the debug build.
pub const INPUT_TIMEOUT_SECONDS: u64 = 10;

/// The resident memory of a target process that has loaded its seeds and decoded nothing
/// large: the instrumented binary, libFuzzer and its corpus. Measured at 71 MB
/// (`decode_response`, the largest, `-runs=0` on its seeds), doubled for the inputs a long
/// run adds to the corpus.
pub const BASELINE_RSS_MB: u64 = 128;

/// Decodings a target holds at once (the value, and the same body decoded again through
/// `Value`, or its re-encoding decoded), each within the decoding bound.
pub const DECODINGS_HELD_AT_ONCE: u64 = 2;

/// Where the fuzz build goes, relative to the workspace root: apart from `target/debug`,
/// since every crate is compiled again with coverage instrumentation.
const TARGET_DIR: &str = "target/fuzz";
/// The seed corpora, rewritten on every run.
pub const CORPUS_DIR: &str = "target/fuzz-corpus";
/// What libFuzzer adds to the corpora, kept between runs.
const FOUND_DIR: &str = "target/fuzz-found";
/// Crashing inputs.
const ARTIFACTS_DIR: &str = "target/fuzz-artifacts";
/// Each target's libFuzzer output.
const LOG_DIR: &str = "target/fuzz-logs";

/// The fuzz crate's longest input (`MAX_INPUT_BYTES`).
const MEMORY_SOURCE: &str = "atlas-generated/fuzz/src/memory.rs";

/// atlas-generated's documented memory bound (`MEMORY_PER_BODY_BYTE`, `MEMORY_FLOOR`,
/// `HELD_BEYOND_BUDGET_PER_BODY_BYTE`, as `limits::held_at_most` adds them), which the
/// fuzz crate enforces.
const LIMITS_SOURCE: &str = "atlas-generated/src/runtime/limits.rs";

/// Options of `cargo xtask fuzz`.
#[derive(Debug, Clone, clap::Args)]
pub struct FuzzOptions {
    /// How long to run each target (they run side by side).
    #[arg(long, default_value_t = PIPELINE_SECONDS, value_name = "N")]
    pub seconds: u64,
    /// A target to run (`decode_response`, `from_slice`, `error_body`); every one when
    /// not given. May be repeated.
    #[arg(long = "target", value_name = "T")]
    pub targets: Vec<String>,
    /// Build with optimisations (`cargo fuzz build -O`, debug assertions kept): slower to
    /// build, faster to run; for long runs. The default is a debug build, which is what
    /// fits the pipeline's budget.
    #[arg(long)]
    pub release: bool,
    /// The spec, when not found the usual way.
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// More libFuzzer options, after `--` (`-- -fork=2 -ignore_crashes=1`).
    #[arg(last = true, value_name = "LIBFUZZER_ARGS")]
    pub libfuzzer: Vec<String>,
}

/// The limits a run enforces, from the fuzz crate's memory bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `-max_len`: the longest input.
    pub max_len: usize,
    /// `-malloc_limit_mb`: the decoding bound of the longest input.
    pub malloc_limit_mb: u64,
    /// `-rss_limit_mb`: [`BASELINE_RSS_MB`] plus [`DECODINGS_HELD_AT_ONCE`] times the
    /// decoding bound of the longest input.
    pub rss_limit_mb: u64,
}

impl Limits {
    /// The limits of the bound atlas-generated documents (`limits`, the text of
    /// `runtime/limits.rs`) for the fuzz crate's longest input (`memory`, the text of
    /// `fuzz/src/memory.rs`): a decoding of `n` bytes holds at most
    /// `(MEMORY_PER_BODY_BYTE + HELD_BEYOND_BUDGET_PER_BODY_BYTE) × n + MEMORY_FLOOR`, as
    /// `limits::held_at_most` computes it.
    pub fn from_sources(limits: &str, memory: &str) -> Result<Limits, String> {
        let per_byte = rust_const(limits, "MEMORY_PER_BODY_BYTE")?
            .saturating_add(rust_const(limits, "HELD_BEYOND_BUDGET_PER_BODY_BYTE")?);
        let floor = rust_const(limits, "MEMORY_FLOOR")?;
        let max_len = rust_const(memory, "MAX_INPUT_BYTES")?;
        let bound = floor.saturating_add(per_byte.saturating_mul(max_len));
        let malloc_limit_mb = u64::try_from(bound.div_ceil(1 << 20)).unwrap_or(u64::MAX);
        Ok(Limits {
            max_len,
            malloc_limit_mb,
            rss_limit_mb: BASELINE_RSS_MB
                .saturating_add(DECODINGS_HELD_AT_ONCE.saturating_mul(malloc_limit_mb)),
        })
    }
}

/// The value of `pub const NAME: usize = …;` in Rust source `text`: a literal, or a
/// literal shifted left by one (`16 << 20`).
fn rust_const(text: &str, name: &str) -> Result<usize, String> {
    let prefix = format!("pub const {name}: usize = ");
    let expr = text
        .lines()
        .find_map(|line| line.trim().strip_prefix(&prefix)?.strip_suffix(';'))
        .ok_or_else(|| format!("no `{prefix}…;`"))?;
    let number = |s: &str| {
        s.trim()
            .replace('_', "")
            .parse::<usize>()
            .map_err(|e| format!("`{name}`: `{s}`: {e}"))
    };
    match expr.split_once("<<") {
        Some((value, shift)) => number(value)?
            .checked_shl(u32::try_from(number(shift)?).unwrap_or(u32::MAX))
            .ok_or_else(|| format!("`{name}` overflows")),
        None => number(expr),
    }
}

/// `cargo fuzz build`'s arguments: every target, no sanitizer (stable Rust), a debug
/// build (`--dev`: coverage instrumentation, debug assertions and overflow checks, no
/// optimisation) or with `release` an optimised one with debug assertions, into
/// `target/fuzz/`.
#[must_use]
pub fn build_args(root: &Path, release: bool) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "fuzz".into(),
        "build".into(),
        "--fuzz-dir".into(),
        root.join(FUZZ_DIR).display().to_string(),
        "--sanitizer".into(),
        "none".into(),
        "--target-dir".into(),
        root.join(TARGET_DIR).display().to_string(),
    ];
    if release {
        // cargo-fuzz's default: `--release` with `--debug-assertions`.
        args.push("--debug-assertions".into());
    } else {
        args.push("--dev".into());
    }
    args
}

/// Removes what `cargo run` (`cargo xtask`) puts in our environment for this package
/// (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`, …): build scripts that watch one of them (ring
/// watches `CARGO_MANIFEST_DIR`) would otherwise rebuild, with everything above them, on
/// each switch between `cargo xtask fuzz` and a `cargo fuzz` typed by hand.
fn without_cargo_run_env(command: &mut Command) {
    const SET_BY_CARGO_RUN: &[&str] = &[
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
    ];
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if key_text.starts_with("CARGO_PKG_") || SET_BY_CARGO_RUN.contains(&key_text.as_ref()) {
            command.env_remove(&key);
        }
    }
}

/// The libFuzzer options of a run of `target` for `seconds`, before the corpus directories.
#[must_use]
pub fn libfuzzer_args(root: &Path, target: &str, seconds: u64, limits: Limits) -> Vec<String> {
    vec![
        format!("-max_total_time={seconds}"),
        format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
        format!("-rss_limit_mb={}", limits.rss_limit_mb),
        format!("-malloc_limit_mb={}", limits.malloc_limit_mb),
        format!("-max_len={}", limits.max_len),
        format!(
            "-dict={}",
            root.join(CORPUS_DIR).join("json.dict").display()
        ),
        format!(
            "-artifact_prefix={}/",
            root.join(ARTIFACTS_DIR).join(target).display()
        ),
        "-print_final_stats=1".into(),
    ]
}

/// `cargo xtask fuzz`.
pub fn command(root: &Path, options: &FuzzOptions) -> Result<(), XtaskError> {
    let targets = selected(&options.targets)?;
    let read = |relative: &str| {
        let path = root.join(relative);
        std::fs::read_to_string(&path).map_err(|e| XtaskError::io_at("cannot read", &path, e))
    };
    let limits = Limits::from_sources(&read(LIMITS_SOURCE)?, &read(MEMORY_SOURCE)?)
        .map_err(|e| XtaskError::Other(format!("{LIMITS_SOURCE}, {MEMORY_SOURCE}: {e}")))?;

    let started = Instant::now();
    ensure_cargo_tool("fuzz", "cargo-fuzz", CARGO_FUZZ_VERSION)?;
    let installed = started.elapsed();

    let step = Instant::now();
    let (pairs, written) = write_seeds(root, options.spec.as_deref(), limits.max_len)?;
    println!("fuzz: {written}; {:.1} s", step.elapsed().as_secs_f64());

    let step = Instant::now();
    let mut build = Command::new(cargo_program());
    build
        .args(build_args(root, options.release))
        .current_dir(root);
    without_cargo_run_env(&mut build);
    println!("fuzz: {}", show(&build));
    run_status(&mut build)?;
    let built = step.elapsed();

    let step = Instant::now();
    let binaries = binary_dir(root, options.release)?;
    let runs: Vec<Result<TargetRun, XtaskError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .map(|target| {
                let binaries = &binaries;
                scope.spawn(move || run_target(root, binaries, target, options, limits))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a fuzz run thread does not panic"))
            .collect()
    });
    let mut failures = Vec::new();
    for run in runs {
        let run = run?;
        println!("{}", run.summary(limits));
        if !run.status.success() {
            failures.push(run.failure_report(root, &binaries, &pairs, options.release));
        }
    }
    println!(
        "fuzz: install {:.0} s, build {:.0} s, runs {:.0} s; {:.0} s in all",
        installed.as_secs_f64(),
        built.as_secs_f64(),
        step.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(XtaskError::Other(failures.join("\n")))
    }
}

/// The targets named, every one when none is; an error for an unknown name.
fn selected(names: &[String]) -> Result<Vec<&'static str>, XtaskError> {
    if names.is_empty() {
        return Ok(TARGETS.to_vec());
    }
    names
        .iter()
        .map(|name| {
            TARGETS
                .iter()
                .find(|t| **t == name.as_str())
                .copied()
                .ok_or_else(|| {
                    XtaskError::Usage(format!(
                        "error: no fuzz target `{name}`; the targets are {}",
                        TARGETS.join(", ")
                    ))
                })
        })
        .collect()
}

/// Writes the seed corpora and the dictionary; the pairs in selector order, and a
/// description of what was written.
fn write_seeds(
    root: &Path,
    spec: Option<&Path>,
    max_input: usize,
) -> Result<(Vec<(String, String)>, String), XtaskError> {
    let loaded = crate::spec::load_pinned(root, spec)?;
    let document = crate::generation::parse(&loaded.text, &loaded.path)?;
    // Named as the committed crate names them: with the names its record keeps.
    let published = crate::changelog::published(&root.join(crate::generation::GENERATED_CRATE))?;
    let ir = atlas_codegen::build_ir(&document, published.as_ref())
        .map_err(crate::generation::generate_error(&loaded.path))?;
    let traffic_path = root.join(TRAFFIC);
    let traffic_text = std::fs::read_to_string(&traffic_path)
        .map_err(|e| XtaskError::io_at("cannot read", &traffic_path, e))?;
    let traffic = seeds::read_traffic(&traffic_text)
        .map_err(|e| XtaskError::Other(format!("{}: {e}", traffic_path.display())))?;
    let made = seeds::Seeds::make(&document, &ir, &traffic, max_input);

    let corpus = root.join(CORPUS_DIR);
    if corpus.exists() {
        std::fs::remove_dir_all(&corpus)
            .map_err(|e| XtaskError::io_at("cannot remove", &corpus, e))?;
    }
    let mut counts = Vec::new();
    for target in TARGETS {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).map_err(|e| XtaskError::io_at("cannot create", &dir, e))?;
        let inputs = made.by_target.get(target).cloned().unwrap_or_default();
        for input in &inputs {
            // Named by content, as libFuzzer names what it adds.
            let path = dir.join(&crate::spec::sha256_hex(input)[..16]);
            std::fs::write(&path, input)
                .map_err(|e| XtaskError::io_at("cannot write", &path, e))?;
        }
        counts.push(format!("{} {target}", inputs.len()));
    }
    let dict = corpus.join("json.dict");
    std::fs::write(&dict, seeds::dictionary_file(&made.dictionary))
        .map_err(|e| XtaskError::io_at("cannot write", &dict, e))?;
    let description = format!(
        "seeds in {}: {}; {} dictionary entries; {} bodies left out{}",
        corpus.display(),
        counts.join(", "),
        made.dictionary.len(),
        made.skipped.len(),
        made.skipped
            .first()
            .map(|s| format!(" (such as {s})"))
            .unwrap_or_default()
    );
    Ok((seeds::pairs(&ir), description))
}

/// The recorded traffic, relative to the workspace root.
const TRAFFIC: &str = "../shared/atlas-traffic/terraform.jsonl";

/// Where `cargo fuzz build` put the binaries: `target/fuzz/<host triple>/debug` (or
/// `release`).
fn binary_dir(root: &Path, release: bool) -> Result<PathBuf, XtaskError> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| XtaskError::io("cannot run `rustc -vV`", e))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let host = text
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .ok_or_else(|| XtaskError::Other(format!("`rustc -vV` names no host:\n{text}")))?;
    let profile = if release { "release" } else { "debug" };
    Ok(root.join(TARGET_DIR).join(host.trim()).join(profile))
}

/// One target's run.
struct TargetRun {
    target: &'static str,
    status: ExitStatus,
    log: PathBuf,
    output: String,
    wall: Duration,
    /// Inputs written to the artifact directory during the run (with `-fork`, libFuzzer's
    /// own output does not name them).
    artifacts: Vec<PathBuf>,
}

fn run_target(
    root: &Path,
    binaries: &Path,
    target: &'static str,
    options: &FuzzOptions,
    limits: Limits,
) -> Result<TargetRun, XtaskError> {
    let found = root.join(FOUND_DIR).join(target);
    let artifacts = root.join(ARTIFACTS_DIR).join(target);
    let logs = root.join(LOG_DIR);
    for dir in [&found, &artifacts, &logs] {
        std::fs::create_dir_all(dir).map_err(|e| XtaskError::io_at("cannot create", dir, e))?;
    }
    let mut command = Command::new(binaries.join(target));
    command
        .args(libfuzzer_args(root, target, options.seconds, limits))
        .args(&options.libfuzzer)
        // New inputs go to the first directory.
        .arg(&found)
        .arg(root.join(CORPUS_DIR).join(target))
        .current_dir(root);
    println!("fuzz: {}", show(&command));
    let log = logs.join(format!("{target}.log"));
    // libFuzzer stops itself; this only ends a run that loading the corpus or a stuck
    // process keeps past its time.
    let allowance = Duration::from_secs(options.seconds + 10 * INPUT_TIMEOUT_SECONDS + 300);
    let start = Instant::now();
    let started = std::time::SystemTime::now();
    let (status, output) = run_logged(&mut command, &log, allowance)?;
    Ok(TargetRun {
        target,
        status,
        log,
        output,
        wall: start.elapsed(),
        artifacts: written_since(&artifacts, started),
    })
}

/// The files of `dir` modified at or after `since`, sorted.
fn written_since(dir: &Path, since: std::time::SystemTime) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified >= since)
        })
        .map(|entry| entry.path())
        .collect();
    out.sort();
    out
}

/// `libFuzzer: stat::name: value` of the final statistics.
fn final_stat(output: &str, name: &str) -> Option<u64> {
    let prefix = format!("stat::{name}:");
    output
        .lines()
        .find_map(|l| l.trim().strip_prefix(&prefix)?.trim().parse().ok())
}

/// The value after `key: ` on the last status line that has it (`cov: 1234`).
fn last_status(output: &str, key: &str) -> Option<String> {
    output.lines().rev().find_map(|line| {
        let rest = line.split_once(&format!(" {key}: "))?.1;
        Some(rest.split_whitespace().next()?.to_owned())
    })
}

impl TargetRun {
    fn summary(&self, limits: Limits) -> String {
        let runs = final_stat(&self.output, "number_of_executed_units").unwrap_or(0);
        let rate = final_stat(&self.output, "average_exec_per_sec").unwrap_or(0);
        let peak = final_stat(&self.output, "peak_rss_mb").unwrap_or(0);
        let added = final_stat(&self.output, "new_units_added").unwrap_or(0);
        let cov = last_status(&self.output, "cov").unwrap_or_else(|| "?".into());
        let corp = last_status(&self.output, "corp").unwrap_or_else(|| "?".into());
        format!(
            "fuzz: {}: {} in {:.0} s: {runs} inputs ({rate}/s), coverage {cov}, corpus {corp} \
             ({added} new), peak RSS {peak} MB of {} (log {})",
            self.target,
            if self.status.success() {
                "ok"
            } else {
                "FAILED"
            },
            self.wall.as_secs_f64(),
            limits.rss_limit_mb,
            self.log.display()
        )
    }

    /// What went wrong, the reproducer, what it selects, and how to re-run and keep it.
    fn failure_report(
        &self,
        root: &Path,
        binaries: &Path,
        pairs: &[(String, String)],
        release: bool,
    ) -> String {
        let mut out = format!("fuzz target `{}` failed ({}):\n", self.target, self.status);
        let mut lines = self.output.lines().peekable();
        while let Some(line) = lines.next() {
            if is_reason(line) {
                let _ = writeln!(out, "  {}", line.trim());
                // A panic's message is on the lines after its location.
                if line.contains("panicked at") {
                    let ends = |l: &&str| {
                        l.is_empty()
                            || ["stack backtrace", "note:", "=="]
                                .iter()
                                .any(|p| l.starts_with(p))
                    };
                    while let Some(message) = lines.next_if(|l| !ends(l)) {
                        let _ = writeln!(out, "    {}", message.trim());
                    }
                }
            }
        }
        let signal = self.output.contains("libFuzzer: deadly signal");
        let explained = ["panicked at", "atlas-fuzz:"]
            .iter()
            .any(|m| self.output.contains(m));
        if signal && !explained {
            out.push_str("  (no panic and no memory report: a stack overflow, most likely)\n");
        }
        let artifact = self
            .output
            .lines()
            .find_map(|l| l.split_once("Test unit written to ").map(|(_, p)| p.trim()));
        let Some(artifact) = artifact else {
            if self.artifacts.is_empty() {
                let _ = writeln!(
                    out,
                    "  no reproducer was written; see {}",
                    self.log.display()
                );
            } else {
                let _ = writeln!(
                    out,
                    "  {} inputs written; re-run each with {} INPUT:",
                    self.artifacts.len(),
                    binaries.join(self.target).display()
                );
                for path in &self.artifacts {
                    let _ = writeln!(out, "    {}", path.display());
                }
            }
            return out;
        };
        let binary = binaries.join(self.target);
        if let Ok(input) = std::fs::read(artifact) {
            let _ = writeln!(out, "  input: {}", describe(self.target, &input, pairs));
        }
        let fuzz_dir = root.join(FUZZ_DIR);
        let target_dir = root.join(TARGET_DIR);
        let regressions = fuzz_dir.join("regressions").join(self.target);
        let cargo_fuzz = |sub: &str| {
            format!(
                "cargo fuzz {sub} --fuzz-dir {} -s none {} --target-dir {} {} {artifact}",
                fuzz_dir.display(),
                if release {
                    "--debug-assertions"
                } else {
                    "--dev"
                },
                target_dir.display(),
                self.target,
            )
        };
        let _ = write!(
            out,
            "  reproducer: {artifact}\n  re-run it: {} {artifact}\n    or: {}\n  \
             minimise it: {}\n  once fixed, keep it: copy the minimised input into {}/ \
             (replayed by `cargo test -p atlas-generated --all-features --test \
             fuzz_regressions`)\n  whole output: {}\n",
            binary.display(),
            cargo_fuzz("run"),
            cargo_fuzz("tmin"),
            regressions.display(),
            self.log.display()
        );
        out
    }
}

/// Whether a line of libFuzzer's output says why it stopped.
fn is_reason(line: &str) -> bool {
    [
        "ERROR: libFuzzer",
        "SUMMARY: libFuzzer",
        "panicked at",
        "atlas-fuzz:",
        "has overflowed its stack",
        "memory allocation of",
        "out-of-memory",
    ]
    .iter()
    .any(|needle| line.contains(needle))
}

/// What an input of `target` selects, and its body's start.
#[must_use]
pub fn describe(target: &str, input: &[u8], pairs: &[(String, String)]) -> String {
    let pair = |bytes: &[u8]| -> Option<String> {
        let index = usize::from(u16::from_le_bytes([*bytes.first()?, *bytes.get(1)?]));
        let (op, version) = pairs.get(index % pairs.len().max(1))?;
        Some(format!("{op} {version}"))
    };
    let status = |bytes: &[u8]| -> Option<(u16, usize)> {
        let selector = *bytes.first()?;
        match seeds::STATUSES.get(usize::from(selector)) {
            Some(status) => Some((*status, 1)),
            None => Some((u16::from_le_bytes([*bytes.get(1)?, *bytes.get(2)?]), 3)),
        }
    };
    let (what, body) = match target {
        "decode_response" => match (pair(input), input.get(2..).and_then(status)) {
            (Some(p), Some((s, n))) => (format!("{p}, status {s}"), &input[2 + n..]),
            _ => ("too short to select".to_owned(), &[][..]),
        },
        "from_slice" => match input.first() {
            Some(&k) => {
                let kind = seeds::KINDS[usize::from(k) % seeds::KINDS.len()];
                if kind == "request body" {
                    match pair(&input[1..]) {
                        Some(p) => (format!("{p} request body"), &input[3..]),
                        None => ("too short to select".to_owned(), &[][..]),
                    }
                } else {
                    (kind.to_owned(), &input[1..])
                }
            }
            None => ("empty".to_owned(), &[][..]),
        },
        _ => match status(input) {
            Some((s, n)) => (format!("status {s}"), &input[n..]),
            None => ("empty".to_owned(), &[][..]),
        },
    };
    let text = String::from_utf8_lossy(body);
    let preview: String = text.chars().take(160).collect();
    let more = if preview.len() < text.len() {
        "…"
    } else {
        ""
    };
    format!("{what}, a {}-byte body: {preview:?}{more}", body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_crates_documented_memory_bound() {
        let root = crate::spec::workspace_root();
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
        let limits = Limits::from_sources(&read(LIMITS_SOURCE), &read(MEMORY_SOURCE)).unwrap();
        assert_eq!(limits.max_len, 1 << 20);
        let limits = Limits::from_sources(
            "pub const MEMORY_PER_BODY_BYTE: usize = 32;\n\
             pub const MEMORY_FLOOR: usize = 1 << 20;\n\
             pub const HELD_BEYOND_BUDGET_PER_BODY_BYTE: usize = 2;",
            "pub const MAX_INPUT_BYTES: usize = 1 << 20;",
        )
        .unwrap();
        // (32 + 2) × 1 MiB + 1 MiB.
        assert_eq!(limits.malloc_limit_mb, 35);
        assert_eq!(limits.rss_limit_mb, BASELINE_RSS_MB + 2 * 35);
    }

    #[test]
    fn rust_consts_are_read() {
        let text = "/// x\npub const A: usize = 64;\npub const B: usize = 16 << 20;\n  pub const C: usize = 1_000;";
        assert_eq!(rust_const(text, "A"), Ok(64));
        assert_eq!(rust_const(text, "B"), Ok(16 << 20));
        assert_eq!(rust_const(text, "C"), Ok(1000));
        assert!(rust_const(text, "D").is_err());
    }

    #[test]
    fn inputs_are_described_by_what_they_select() {
        let pairs = vec![
            ("getA".to_owned(), "2023-01-01".to_owned()),
            ("getB".to_owned(), "preview".to_owned()),
        ];
        assert_eq!(
            describe("decode_response", &[1, 0, 4, b'{', b'}'], &pairs),
            "getB preview, status 400, a 2-byte body: \"{}\""
        );
        assert_eq!(
            describe("decode_response", &[2, 0, 0xFF, 0x93, 0x01], &pairs),
            "getA 2023-01-01, status 403, a 0-byte body: \"\""
        );
        assert_eq!(
            describe("from_slice", &[0, 1, 0, b'1'], &pairs),
            "getB preview request body, a 1-byte body: \"1\""
        );
        assert_eq!(
            describe("from_slice", &[9, b'[', b']'], &pairs),
            "BillingInvoice, a 2-byte body: \"[]\""
        );
        assert_eq!(
            describe("error_body", &[9], &pairs),
            "status 500, a 0-byte body: \"\""
        );
        assert_eq!(
            describe("decode_response", &[1], &pairs),
            "too short to select, a 0-byte body: \"\""
        );
    }

    #[test]
    fn artifacts_of_a_run_are_those_written_during_it() {
        let dir = tempfile::tempdir().unwrap();
        let before = std::time::SystemTime::now() - Duration::from_secs(60);
        std::fs::write(dir.path().join("crash-1"), b"x").unwrap();
        assert_eq!(
            written_since(dir.path(), before),
            [dir.path().join("crash-1")]
        );
        let after = std::time::SystemTime::now() + Duration::from_secs(60);
        assert!(written_since(dir.path(), after).is_empty());
        assert!(written_since(&dir.path().join("missing"), before).is_empty());
    }

    #[test]
    fn failures_are_found_in_libfuzzers_output() {
        assert!(is_reason("==123== ERROR: libFuzzer: deadly signal"));
        assert!(is_reason("thread '<unnamed>' panicked at src/lib.rs:10:5:"));
        assert!(!is_reason("#1024 pulse cov: 10 ft: 20 corp: 3/4b"));
        let output = "#2 INITED cov: 10 ft: 11 corp: 2/9b exec/s: 0 rss: 40Mb\n\
                      #100 DONE cov: 12 ft: 13 corp: 3/10b lim: 4 exec/s: 50 rss: 41Mb\n\
                      stat::number_of_executed_units: 100\nstat::peak_rss_mb: 41\n";
        assert_eq!(last_status(output, "cov").as_deref(), Some("12"));
        assert_eq!(last_status(output, "corp").as_deref(), Some("3/10b"));
        assert_eq!(final_stat(output, "number_of_executed_units"), Some(100));
        assert_eq!(final_stat(output, "peak_rss_mb"), Some(41));
    }
}
