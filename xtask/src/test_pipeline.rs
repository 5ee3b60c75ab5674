//! `cargo xtask test`: the project's whole test pipeline, the one CI runs; and
//! `cargo xtask test --quick`, the edit-test loop's tier.
//!
//! The steps are the single list [`STEPS`], the quick tier's [`QUICK_STEPS`]; add a step
//! there.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

use crate::error::XtaskError;
use crate::process::{cargo_program, cargo_subcommand_available};

/// What a step runs.
#[derive(Debug, Clone, Copy)]
pub enum Run {
    /// `cargo` with these arguments.
    Cargo(&'static [&'static str]),
    /// An xtask command with these arguments, run as `cargo xtask …`.
    Xtask(&'static [&'static str]),
}

/// One step of the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub run: Run,
    /// Extra environment variables for the step.
    pub env: &'static [(&'static str, &'static str)],
    /// `(subcommand, run)`: use `run` instead when `cargo <subcommand>` is installed.
    pub prefer: Option<(&'static str, Run)>,
    /// `(subcommand, component)`: install the rustup component if `cargo <subcommand>`
    /// is missing.
    pub needs: Option<(&'static str, &'static str)>,
    /// The step runs tests: its output is scanned for the test runner's totals,
    /// which the pipeline repeats at its end.
    pub counts_tests: bool,
}

impl Step {
    const fn cargo(args: &'static [&'static str]) -> Step {
        Step {
            run: Run::Cargo(args),
            env: &[],
            prefer: None,
            needs: None,
            counts_tests: false,
        }
    }
}

/// The pipeline, in order. It stops at the first failing step.
pub const STEPS: &[Step] = &[
    // Hand-written code only: generated code is formatted by the generator and marked
    // `#[rustfmt::skip]` where it is mounted.
    Step {
        needs: Some(("fmt", "rustfmt")),
        ..Step::cargo(&["fmt", "--all", "--check"])
    },
    Step::cargo(&["build", "--workspace", "--all-targets", "--all-features"]),
    // The independent Digest server the client's tests check against.
    Step {
        run: Run::Xtask(&["httpbin"]),
        ..Step::cargo(&[])
    },
    Step {
        prefer: Some((
            "nextest",
            Run::Cargo(&["nextest", "run", "--workspace", "--all-features"]),
        )),
        counts_tests: true,
        ..Step::cargo(&["test", "--workspace", "--all-features"])
    },
    Step {
        counts_tests: true,
        ..Step::cargo(&["test", "--doc", "--workspace", "--all-features"])
    },
    Step {
        needs: Some(("clippy", "clippy")),
        ..Step::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])
    },
    Step {
        run: Run::Xtask(&["codegen", "--check"]),
        ..Step::cargo(&[])
    },
    // Every cargo feature alone and with the others (cargo-hack, installed if missing).
    Step {
        run: Run::Xtask(&["features"]),
        ..Step::cargo(&[])
    },
    Step {
        env: &[("RUSTDOCFLAGS", "-D warnings")],
        ..Step::cargo(&["doc", "--workspace", "--no-deps", "--all-features"])
    },
    // The independent validator: the requests built for every (operation, version) pair,
    // exported by the generated request test, checked by Stoplight Prism. The export runs
    // the test binary the test step built: selected as a package (`-p`), atlas-generated
    // would resolve its dependencies' features anew and be built again (45 s).
    Step {
        env: &[("ATLAS_EXPORT_REQUESTS", crate::prism::PIPELINE_REQUESTS)],
        prefer: Some((
            "nextest",
            Run::Cargo(&[
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "-E",
                "binary(spec_requests)",
            ]),
        )),
        ..Step::cargo(&[
            "test",
            "--workspace",
            "--all-features",
            "--test",
            "spec_requests",
        ])
    },
    Step {
        run: Run::Xtask(&["prism", "--requests", crate::prism::PIPELINE_REQUESTS]),
        ..Step::cargo(&[])
    },
    // The decoders under libFuzzer for a bounded time, seeded with the spec's examples and
    // the recorded traffic (cargo-fuzz, installed if missing).
    Step {
        run: Run::Xtask(&["fuzz"]),
        ..Step::cargo(&[])
    },
];

fn describe(run: Run, env: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in env {
        if value.contains(' ') {
            out.push_str(&format!("{key}=\"{value}\" "));
        } else {
            out.push_str(&format!("{key}={value} "));
        }
    }
    match run {
        Run::Cargo(args) => out.push_str(&format!("cargo {}", args.join(" "))),
        Run::Xtask(args) => out.push_str(&format!("cargo xtask {}", args.join(" "))),
    }
    out
}

/// The quick tier, for the edit-test loop (a few minutes once built): formatting, the
/// committed crate against the generator, and the tests of the generator and the crate,
/// but the slowest (every operation's hostile lists, about a minute) and those that need
/// an installed tool (httpbin, Prism, cargo-hack, cargo-semver-checks, cargo-fuzz, the
/// scratch crates of `xtask`'s tests). CI runs [`STEPS`].
pub const QUICK_STEPS: &[Step] = &[
    Step {
        needs: Some(("fmt", "rustfmt")),
        ..Step::cargo(&["fmt", "--all", "--check"])
    },
    Step {
        run: Run::Xtask(&["codegen", "--check"]),
        ..Step::cargo(&[])
    },
    Step {
        prefer: Some((
            "nextest",
            Run::Cargo(&[
                "nextest",
                "run",
                "-p",
                "atlas-codegen",
                "-p",
                "atlas-generated",
                "--all-features",
                "--",
                "--skip",
                "httpbin",
                "--skip",
                "hostile_shapes",
            ]),
        )),
        counts_tests: true,
        ..Step::cargo(&[
            "test",
            "-p",
            "atlas-codegen",
            "-p",
            "atlas-generated",
            "--all-features",
            "--",
            "--skip",
            "httpbin",
            "--skip",
            "hostile_shapes",
        ])
    },
];

/// Runs every step of [`STEPS`] (or [`QUICK_STEPS`]) from `workspace_root`, stopping at
/// the first failure.
pub fn run_pipeline(workspace_root: &Path, quick: bool) -> Result<(), XtaskError> {
    let steps = if quick { QUICK_STEPS } else { STEPS };
    let total = steps.len();
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut tally = Tally::default();
    for (index, step) in steps.iter().enumerate() {
        let number = index + 1;
        let (run, note) = match step.prefer {
            Some((sub, preferred)) if cargo_subcommand_available(sub) => (preferred, None),
            Some((sub, _)) => (
                step.run,
                Some(format!(
                    "(`cargo {sub}` is not installed; running the fallback)"
                )),
            ),
            None => (step.run, None),
        };
        let shown = describe(run, step.env);
        println!("\n==> [{number}/{total}] {shown}");
        if let Some(note) = note {
            println!("{note}");
        }
        let step_started = Instant::now();
        let result = run_step(step, run, workspace_root, &mut tally);
        let elapsed = step_started.elapsed();
        if let Err(e) = result {
            if step.counts_tests {
                println!("\n{}", tally.line());
            }
            return Err(XtaskError::Other(format!(
                "{e}\nxtask test: step {number}/{total} failed after {:.1} s: {shown}",
                elapsed.as_secs_f64()
            )));
        }
        timings.push((shown, elapsed));
    }
    println!(
        "\nxtask test: all {total} steps succeeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (shown, elapsed) in timings {
        println!("  {:>7.1} s  {shown}", elapsed.as_secs_f64());
    }
    // Last, so that it is the run's closing line: the tests counted by the runners.
    println!("{}", tally.line());
    Ok(())
}

/// Runs one step as a child process (an xtask step through `cargo xtask`), adding its test
/// totals to `tally` when it counts tests.
fn run_step(
    step: &Step,
    run: Run,
    workspace_root: &Path,
    tally: &mut Tally,
) -> Result<(), XtaskError> {
    let shown = describe(run, step.env);
    if let Some((sub, component)) = step.needs {
        ensure_component(sub, component)?;
    }
    let mut cmd = Command::new(cargo_program());
    match run {
        Run::Cargo(args) => cmd.args(args),
        // Through the `cargo xtask` alias: the pipeline's own build step may have replaced
        // this executable on disk.
        Run::Xtask(args) => cmd.arg("xtask").args(args),
    };
    cmd.current_dir(workspace_root).stdin(Stdio::null());
    cmd.envs(step.env.iter().copied());
    let status = if step.counts_tests {
        run_counting(&mut cmd, tally)
    } else {
        cmd.status()
    };
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(XtaskError::Command {
            command: shown,
            message: format!("failed ({status})"),
        }),
        Err(e) => Err(XtaskError::Command {
            command: shown,
            message: format!("could not be started: {e}"),
        }),
    }
}

/// Test totals.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }

    /// `tests: N passed, N failed, N skipped`.
    pub fn line(&self) -> String {
        format!(
            "tests: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Totals read from one step's output: libtest's `test result:` lines and
/// nextest's `Summary` line. Under nextest, libtest lines only appear inside a
/// failing test's captured output (each test runs alone), so when nextest
/// reported, its summary is the truth.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OutputTally {
    libtest: Tally,
    nextest: Option<Tally>,
}

impl OutputTally {
    /// Adds the totals of one line of runner output, if it is a summary line:
    /// libtest's `test result: ok. 3 passed; 0 failed; 1 ignored; …` or nextest's
    /// `Summary [ 0.6s] 4 tests run: 3 passed, 1 failed, 0 skipped`.
    pub fn add_line(&mut self, line: &str) {
        let line = strip_ansi(line);
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result: ") {
            self.libtest.add(parse_counts(rest.split(';')));
        } else if line.starts_with("Summary [")
            && let Some((_, rest)) = line.split_once(" run: ")
        {
            self.nextest
                .get_or_insert_default()
                .add(parse_counts(rest.split(',')));
        }
    }

    fn merge(&mut self, other: OutputTally) {
        self.libtest.add(other.libtest);
        if let Some(n) = other.nextest {
            self.nextest.get_or_insert_default().add(n);
        }
    }

    /// The step's totals.
    pub fn total(&self) -> Tally {
        self.nextest.unwrap_or(self.libtest)
    }
}

/// `29 passed`, `ok. 29 passed`, `30 passed (1 slow)`: in each field, a number
/// followed by its kind.
fn parse_counts<'a>(fields: impl Iterator<Item = &'a str>) -> Tally {
    let mut tally = Tally::default();
    for field in fields {
        let words: Vec<&str> = field.split_whitespace().collect();
        let Some((count, kind)) = words
            .windows(2)
            .find_map(|w| Some((w[0].parse::<u64>().ok()?, w[1])))
        else {
            continue;
        };
        match kind {
            "passed" => tally.passed += count,
            "failed" => tally.failed += count,
            "ignored" | "skipped" => tally.skipped += count,
            _ => {}
        }
    }
    tally
}

/// `text` without ANSI escape sequences (colours), which a runner may emit when
/// `CARGO_TERM_COLOR=always`.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters… final byte in @..=~.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `cmd`, passing its output through while adding its test totals to `tally`.
fn run_counting(cmd: &mut Command, tally: &mut Tally) -> std::io::Result<ExitStatus> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let (out, err) = std::thread::scope(|scope| {
        let out = scope.spawn(|| stdout.map(|p| pass_through(p, std::io::stdout())));
        let err = scope.spawn(|| stderr.map(|p| pass_through(p, std::io::stderr())));
        (out.join(), err.join())
    });
    let status = child.wait()?;
    let mut step = OutputTally::default();
    for part in [out, err].into_iter().flatten().flatten() {
        step.merge(part);
    }
    tally.add(step.total());
    Ok(status)
}

fn pass_through(pipe: impl Read, mut sink: impl Write) -> OutputTally {
    let mut tally = OutputTally::default();
    let mut reader = BufReader::new(pipe);
    let mut line = Vec::new();
    while let Ok(n) = reader.read_until(b'\n', &mut line) {
        if n == 0 {
            break;
        }
        let _ = sink.write_all(&line);
        let _ = sink.flush();
        tally.add_line(&String::from_utf8_lossy(&line));
        line.clear();
    }
    tally
}

fn ensure_component(sub: &str, component: &str) -> Result<(), XtaskError> {
    if cargo_subcommand_available(sub) {
        return Ok(());
    }
    println!("xtask test: `cargo {sub}` is missing; running `rustup component add {component}`");
    let status = Command::new("rustup")
        .args(["component", "add", component])
        .stdin(Stdio::null())
        .status()
        .map_err(|e| XtaskError::Command {
            command: format!("rustup component add {component}"),
            message: format!("could not be started: {e}"),
        })?;
    if !status.success() {
        return Err(XtaskError::Command {
            command: format!("rustup component add {component}"),
            message: format!("failed ({status})"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_is_the_documented_one() {
        let shown: Vec<String> = STEPS
            .iter()
            .map(|s| describe(s.prefer.map_or(s.run, |(_, r)| r), s.env))
            .collect();
        assert_eq!(
            shown,
            [
                "cargo fmt --all --check",
                "cargo build --workspace --all-targets --all-features",
                "cargo xtask httpbin",
                "cargo nextest run --workspace --all-features",
                "cargo test --doc --workspace --all-features",
                "cargo clippy --workspace --all-targets --all-features -- -D warnings",
                "cargo xtask codegen --check",
                "cargo xtask features",
                "RUSTDOCFLAGS=\"-D warnings\" cargo doc --workspace --no-deps --all-features",
                &format!(
                    "ATLAS_EXPORT_REQUESTS={} cargo nextest run --workspace --all-features -E binary(spec_requests)",
                    crate::prism::PIPELINE_REQUESTS
                ),
                &format!(
                    "cargo xtask prism --requests {}",
                    crate::prism::PIPELINE_REQUESTS
                ),
                "cargo xtask fuzz",
            ]
        );
        assert_eq!(
            describe(STEPS[3].run, STEPS[3].env),
            "cargo test --workspace --all-features"
        );
    }

    #[test]
    fn tally_reads_libtest_summaries() {
        let mut t = OutputTally::default();
        for line in [
            "running 3 tests",
            "test result: ok. 29 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.30s",
            "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.5s",
            "test foo ... ok",
            "Summary of nothing",
        ] {
            t.add_line(line);
        }
        let total = t.total();
        assert_eq!(
            total,
            Tally {
                passed: 30,
                failed: 1,
                skipped: 2
            }
        );
        assert_eq!(total.line(), "tests: 30 passed, 1 failed, 2 skipped");
    }

    #[test]
    fn tally_prefers_the_nextest_summary() {
        let mut t = OutputTally::default();
        for line in [
            // A failing test's captured libtest output, shown by nextest.
            "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
            "     Summary [   0.679s] 31 tests run: 30 passed, 1 failed, 4 skipped",
        ] {
            t.add_line(line);
        }
        let mut other = OutputTally::default();
        other.add_line(
            "\u{1b}[32;1m     Summary\u{1b}[0m [   0.2s] 2 tests run: 2 passed (1 slow), 0 skipped",
        );
        t.merge(other);
        assert_eq!(
            t.total(),
            Tally {
                passed: 32,
                failed: 1,
                skipped: 4
            }
        );
    }
}
