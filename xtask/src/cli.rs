//! The command line (parsed by clap) and the commands' output.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::bench::{BenchOptions, GENERATE_ONCE};
use crate::diff::DiffOptions;
use crate::error::XtaskError;
use crate::generation::{self, GENERATED_CRATE, describe};
use crate::prism::PrismOptions;
use crate::repin::{self, RepinOptions};
use crate::spec::SpecSource;
use crate::spec::workspace_root;

/// The maintainers' commands of atlas-rs.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    after_help = "The spec is, in order: --spec PATH, $ATLAS_SPEC, spec/atlas-api.yaml, \
                  ../shared/atlas-openapi/atlas-api.yaml. Every command that reads it refuses \
                  one whose sha256 is not the one in spec/atlas-api.pin."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate atlas-generated/{src/generated,reports,tests/generated}, replacing them
    /// atomically (nothing is written if generation fails).
    Codegen {
        /// Only compare the generator's output with what is on disk; exit 1 listing every
        /// changed, missing or stale file.
        #[arg(long)]
        check: bool,
        /// The spec to read instead of the usual places.
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// The document the committed crate was generated from, for the changelog's report
        /// (default: the crate's own record, reports/api-surface.json).
        #[arg(long, value_name = "OLD.yaml", conflicts_with = "check")]
        previous: Option<PathBuf>,
    },
    /// Record the spec's sha256, size, x-xgen-sha and API versions in spec/atlas-api.pin.
    Repin(RepinOptions),
    /// Download the spec with curl into spec/atlas-api.yaml, keeping it only if it matches
    /// the pin.
    FetchSpec {
        /// Where to download it from (default: upstream's main branch).
        #[arg(long)]
        url: Option<String>,
    },
    /// Report what a newer spec changes in atlas-generated's API: operations, versions,
    /// schemas, fields and values, the Rust items each touches, whether it breaks code, and
    /// the crate's next version under Cargo's semver rules.
    Diff(DiffOptions),
    /// Time generation and the compile of atlas-generated (median of repeated runs).
    Bench(BenchOptions),
    /// Check the requests of a JSON Lines file with Stoplight Prism (installed with npm into
    /// target/prism), one spec copy per API version; exit 1 listing every rejected request.
    Prism(PrismOptions),
    /// Install httpbin (PyPI) into target/httpbin, for the client's Digest test.
    Httpbin,
    /// Check with cargo-hack (installed if missing) that every cargo feature of
    /// atlas-generated compiles alone and with the others, without warnings.
    Features,
    /// Fuzz atlas-generated's decoders with cargo-fuzz (installed if missing) for a bounded
    /// time: seeds from the spec and the recorded traffic; exit 1 on a crash, a hang or
    /// memory over the bound, with the reproducer.
    Fuzz(crate::fuzz::FuzzOptions),
    /// The whole test pipeline (what CI runs); `--quick` for the edit-test loop.
    Test {
        /// Only formatting, `codegen --check` and the tests of the generator and the
        /// crate, without the slowest or those that need an installed tool.
        #[arg(long)]
        quick: bool,
    },
    /// Read, parse and generate once (what `bench` measures the memory of).
    #[command(name = GENERATE_ONCE, hide = true)]
    GenerateOnce {
        #[arg(long)]
        spec: Option<PathBuf>,
    },
}

/// Runs the xtask command line `args` (without the program name) from the workspace this
/// binary was built in.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    run_in(&workspace_root(), args)
}

pub(crate) fn run_in(root: &Path, args: &[String]) -> Result<(), XtaskError> {
    let words = std::iter::once("cargo xtask").chain(args.iter().map(String::as_str));
    let cli = match Cli::try_parse_from(words) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help: not an error.
            print!("{}", e.render());
            return Ok(());
        }
        Err(e) => return Err(XtaskError::Usage(e.render().to_string())),
    };
    match cli.command {
        Command::Codegen {
            check: true, spec, ..
        } => codegen_check(root, spec.as_deref()),
        Command::Codegen {
            check: false,
            spec,
            previous,
        } => codegen(root, spec.as_deref(), previous.as_deref()),
        Command::Repin(options) => repin(root, &options),
        Command::FetchSpec { url } => {
            let path = crate::fetch::fetch_spec(root, url.as_deref())?;
            println!("fetch-spec: {} matches the pin", path.display());
            Ok(())
        }
        Command::Bench(mut options) => {
            // Everything after `bench`, to run the same command again in a release build.
            options.raw_args = args.iter().skip(1).cloned().collect();
            crate::bench::bench(root, &options)
        }
        Command::Diff(options) => crate::diff::command(root, &options),
        Command::Prism(options) => crate::prism::command(root, &options),
        Command::Httpbin => crate::httpbin::command(root),
        Command::Features => crate::features::command(root),
        Command::Fuzz(options) => crate::fuzz::command(root, &options),
        Command::Test { quick } => crate::test_pipeline::run_pipeline(root, quick),
        Command::GenerateOnce { spec } => {
            let start = Instant::now();
            let generation = generation::generate(root, spec.as_deref(), None)?;
            println!(
                "{GENERATE_ONCE}: {} in {:.3} s",
                describe(&generation.generated),
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

fn describe_spec(path: &Path, source: SpecSource) -> String {
    format!("{} ({})", path.display(), source.describe())
}

fn codegen(root: &Path, spec: Option<&Path>, previous: Option<&Path>) -> Result<(), XtaskError> {
    let start = Instant::now();
    let outcome = generation::codegen(root, spec, previous)?;
    let g = &outcome.generation;
    let action = if outcome.written {
        format!(
            "wrote {}/{{{}}}",
            GENERATED_CRATE,
            atlas_codegen::GENERATED_ROOTS.join(",")
        )
    } else {
        format!("{} already up to date, nothing written", GENERATED_CRATE)
    };
    println!(
        "codegen: {} from {}; {action}; {:.2} s (parse {:.2} s, generate {:.2} s)",
        describe(&g.generated),
        describe_spec(&g.spec.path, g.spec.source),
        start.elapsed().as_secs_f64(),
        g.parse_time.as_secs_f64(),
        g.generate_time.as_secs_f64(),
    );
    if let Some(update) = &outcome.changelog {
        print_changelog(update);
    }
    Ok(())
}

fn print_changelog(update: &crate::changelog::Update) {
    let changelog = format!("{GENERATED_CRATE}/{}", crate::changelog::CHANGELOG);
    let Some(report) = &update.report else {
        println!("codegen: {changelog} started");
        return;
    };
    let (breaking, compatible) = report.counts();
    println!(
        "codegen: the spec changed: {} changes ({breaking} breaking, {compatible} compatible); \
         section [{}] added to {changelog}",
        report.changes.len(),
        report.verdict.next
    );
    if let Some(version) = &update.version {
        println!(
            "codegen: {GENERATED_CRATE} version {} -> {version}",
            report.verdict.current
        );
    }
}

fn codegen_check(root: &Path, spec: Option<&Path>) -> Result<(), XtaskError> {
    let start = Instant::now();
    let drift = generation::check(root, spec)?;
    if !drift.is_empty() {
        return Err(XtaskError::Drift(
            drift.iter().map(ToString::to_string).collect(),
        ));
    }
    println!(
        "codegen --check: {} matches the generator; {:.2} s",
        GENERATED_CRATE,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn repin(root: &Path, options: &RepinOptions) -> Result<(), XtaskError> {
    let outcome = repin::repin(root, options)?;
    let new = &outcome.new;
    match &outcome.old {
        Some(old) if old == new => println!("repin: {} unchanged", outcome.pin_path.display()),
        Some(old) if old.sha256 == new.sha256 => {
            println!("repin: {} updated (same spec)", outcome.pin_path.display());
        }
        Some(old) => println!(
            "repin: {} moved from sha256 {} to {}",
            outcome.pin_path.display(),
            old.sha256,
            new.sha256
        ),
        None => println!("repin: {} created", outcome.pin_path.display()),
    }
    println!(
        "  spec {}\n  sha256 {}\n  size {} bytes\n  x-xgen-sha {}\n  date {}\n  versions {}",
        outcome.spec_path.display(),
        new.sha256,
        new.size,
        new.x_xgen_sha,
        new.date,
        new.versions
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if outcome
        .old
        .as_ref()
        .is_none_or(|old| old.sha256 != new.sha256)
    {
        let spec = options
            .spec
            .as_ref()
            .map(|p| format!(" --spec {}", p.display()))
            .unwrap_or_default();
        println!(
            "now run `cargo xtask codegen{spec}` to regenerate atlas-generated from this spec"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn commands_and_their_options_parse() {
        let parse = |a: &[&str]| Cli::try_parse_from(std::iter::once("x").chain(a.iter().copied()));
        let cli = parse(&["bench", "--runs", "5", "--spec=/x.yaml", "--skip-compile"]).unwrap();
        let Command::Bench(options) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!((options.runs, options.compile_runs), (5, 3));
        assert_eq!(options.spec, Some(PathBuf::from("/x.yaml")));
        assert!(options.skip_compile);
        let cli = parse(&[
            "fuzz",
            "--seconds",
            "5",
            "--target",
            "from_slice",
            "--",
            "-fork=2",
        ]);
        let Command::Fuzz(options) = cli.unwrap().command else {
            panic!("not fuzz")
        };
        assert_eq!(options.seconds, 5);
        assert_eq!(options.targets, ["from_slice"]);
        assert_eq!(options.libfuzzer, ["-fork=2"]);
        let Command::Fuzz(defaults) = parse(&["fuzz"]).unwrap().command else {
            panic!("not fuzz")
        };
        assert_eq!(defaults.seconds, crate::fuzz::PIPELINE_SECONDS);
        assert!(defaults.targets.is_empty());
        assert!(matches!(
            parse(&["codegen", "--check"]).unwrap().command,
            Command::Codegen { check: true, .. }
        ));
        for bad in [
            &["codegen", "--spec"][..],
            &["bench", "--runs", "x"],
            &["prism"],
            &["codegen", "--check=yes"],
            &["positional"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn unknown_and_missing_commands_are_usage_errors_and_help_is_not() {
        let root = workspace_root();
        assert!(matches!(
            run_in(&root, &args(&["frobnicate"])),
            Err(XtaskError::Usage(_))
        ));
        assert!(matches!(run_in(&root, &[]), Err(XtaskError::Usage(_))));
        assert!(run_in(&root, &args(&["help"])).is_ok());
        assert!(run_in(&root, &args(&["codegen", "--help"])).is_ok());
    }
}
