//! Command-line parsing and the commands' output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::bench::{BenchOptions, GENERATE_ONCE};
use crate::error::XtaskError;
use crate::generation::{self, GENERATED_CRATE, describe};
use crate::repin::{self, RepinOptions};
use crate::spec::SpecSource;
use crate::spec::workspace_root;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  codegen [--spec PATH]          generate atlas-generated/{src/generated,reports}, replacing
                                 them atomically (nothing is written if generation fails)
  codegen --check [--spec PATH]  compare the generator's output with what is on disk; exit 1
                                 listing every changed, missing or stale file
  repin [--spec PATH] [--upstream TEXT] [--note TEXT] [--date YYYY-MM-DD]
                                 record the spec's sha256, size, x-xgen-sha and API versions
                                 in spec/atlas-api.pin
  fetch-spec [--url URL]         download the spec with curl into spec/atlas-api.yaml,
                                 keeping it only if it matches the pin
  bench [--runs N] [--compile-runs K] [--memory-runs M] [--skip-compile] [--spec PATH]
        [--allow-debug]          time generation and the compile of atlas-generated
  prism --requests FILE.jsonl [--spec PATH]
                                 check the requests in FILE.jsonl with Stoplight Prism (installed
                                 with npm into target/prism), one spec copy per API version; exit 1
                                 listing every rejected request (results in target/prism/results.jsonl)
  test                           the whole test pipeline (what CI runs)
  help                           this text

The spec is, in order: --spec PATH, $ATLAS_SPEC, spec/atlas-api.yaml,
../shared/atlas-openapi/atlas-api.yaml. Every command that reads it refuses one whose
sha256 is not the one in spec/atlas-api.pin.
";

/// Runs the xtask command line `args` (without the program name) from the
/// workspace this binary was built in.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    run_in(&workspace_root(), args)
}

pub(crate) fn run_in(root: &Path, args: &[String]) -> Result<(), XtaskError> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Err(XtaskError::Usage("no command given".into()));
    };
    match command.as_str() {
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        "codegen" => {
            let flags = Flags::parse(command, rest, &["--spec"], &["--check"])?;
            let spec = flags.path("--spec");
            if flags.switch("--check") {
                codegen_check(root, spec.as_deref())
            } else {
                codegen(root, spec.as_deref())
            }
        }
        "repin" => {
            let flags = Flags::parse(
                command,
                rest,
                &["--spec", "--upstream", "--note", "--date"],
                &[],
            )?;
            repin(
                root,
                &RepinOptions {
                    spec: flags.path("--spec"),
                    upstream: flags.value("--upstream"),
                    note: flags.value("--note"),
                    date: flags.value("--date"),
                },
            )
        }
        "fetch-spec" => {
            let flags = Flags::parse(command, rest, &["--url"], &[])?;
            let url = flags.value("--url");
            let path = crate::fetch::fetch_spec(root, url.as_deref())?;
            println!("fetch-spec: {} matches the pin", path.display());
            Ok(())
        }
        "bench" => {
            let flags = Flags::parse(
                command,
                rest,
                &["--runs", "--compile-runs", "--memory-runs", "--spec"],
                &["--skip-compile", "--allow-debug"],
            )?;
            let defaults = BenchOptions::default();
            let options = BenchOptions {
                runs: flags.count("--runs")?.unwrap_or(defaults.runs),
                memory_runs: flags
                    .count("--memory-runs")?
                    .unwrap_or(defaults.memory_runs),
                compile_runs: flags
                    .count("--compile-runs")?
                    .unwrap_or(defaults.compile_runs),
                skip_compile: flags.switch("--skip-compile"),
                spec: flags.path("--spec"),
                allow_debug: flags.switch("--allow-debug"),
                raw_args: rest.to_vec(),
            };
            crate::bench::bench(root, &options)
        }
        "prism" => {
            let flags = Flags::parse(command, rest, &["--requests", "--spec"], &[])?;
            let requests = flags
                .path("--requests")
                .ok_or_else(|| XtaskError::Usage("`prism` needs `--requests FILE.jsonl`".into()))?;
            crate::prism::command(
                root,
                &crate::prism::PrismOptions {
                    requests,
                    spec: flags.path("--spec"),
                },
            )
        }
        "test" => {
            Flags::parse(command, rest, &[], &[])?;
            crate::test_pipeline::run_pipeline(root)
        }
        GENERATE_ONCE => {
            let flags = Flags::parse(command, rest, &["--spec"], &[])?;
            let start = Instant::now();
            let generation = generation::generate(root, flags.path("--spec").as_deref())?;
            println!(
                "{GENERATE_ONCE}: {} in {:.3} s",
                describe(&generation.generated),
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        other => Err(XtaskError::Usage(format!("unknown command `{other}`"))),
    }
}

fn describe_spec(path: &Path, source: SpecSource) -> String {
    format!("{} ({})", path.display(), source.describe())
}

fn codegen(root: &Path, spec: Option<&Path>) -> Result<(), XtaskError> {
    let start = Instant::now();
    let outcome = generation::codegen(root, spec)?;
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
    Ok(())
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

/// Parsed `--flag VALUE`, `--flag=VALUE` and `--switch` options of one command.
struct Flags {
    values: BTreeMap<String, String>,
    switches: Vec<String>,
}

impl Flags {
    fn parse(
        command: &str,
        args: &[String],
        with_value: &[&str],
        switches: &[&str],
    ) -> Result<Flags, XtaskError> {
        let mut flags = Flags {
            values: BTreeMap::new(),
            switches: Vec::new(),
        };
        let accepted = || {
            let all: Vec<&str> = with_value.iter().chain(switches).copied().collect();
            if all.is_empty() {
                format!("`{command}` takes no options")
            } else {
                format!("`{command}` accepts {}", all.join(", "))
            }
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            if with_value.contains(&name) {
                let value = match inline {
                    Some(value) => value,
                    None => iter
                        .next()
                        .cloned()
                        .ok_or_else(|| XtaskError::Usage(format!("`{name}` needs a value")))?,
                };
                if flags.values.insert(name.to_owned(), value).is_some() {
                    return Err(XtaskError::Usage(format!("`{name}` given twice")));
                }
            } else if switches.contains(&name) && inline.is_none() {
                flags.switches.push(name.to_owned());
            } else {
                return Err(XtaskError::Usage(format!(
                    "unexpected argument `{arg}`: {}",
                    accepted()
                )));
            }
        }
        Ok(flags)
    }

    fn value(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        self.values.get(name).map(PathBuf::from)
    }

    fn switch(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }

    fn count(&self, name: &str) -> Result<Option<usize>, XtaskError> {
        self.values
            .get(name)
            .map(|v| match v.parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(XtaskError::Usage(format!(
                    "`{name}` needs a positive whole number, got {v:?}"
                ))),
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn flags_forms() {
        let f = Flags::parse(
            "bench",
            &args(&["--runs", "5", "--spec=/x.yaml", "--skip-compile"]),
            &["--runs", "--spec"],
            &["--skip-compile"],
        )
        .unwrap();
        assert_eq!(f.count("--runs").unwrap(), Some(5));
        assert_eq!(f.path("--spec"), Some(PathBuf::from("/x.yaml")));
        assert!(f.switch("--skip-compile"));
        assert_eq!(f.value("--missing"), None);
    }

    #[test]
    fn flags_errors() {
        let parse = |a: &[&str]| Flags::parse("c", &args(a), &["--spec", "--runs"], &["--check"]);
        assert!(parse(&["--spec"]).is_err());
        assert!(parse(&["--spec", "a", "--spec", "b"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["positional"]).is_err());
        assert!(parse(&["--check=yes"]).is_err());
        assert!(parse(&["--runs", "0"]).unwrap().count("--runs").is_err());
        assert!(parse(&["--runs", "x"]).unwrap().count("--runs").is_err());
    }

    #[test]
    fn unknown_and_missing_commands_are_usage_errors() {
        let root = workspace_root();
        assert!(matches!(
            run_in(&root, &args(&["frobnicate"])),
            Err(XtaskError::Usage(_))
        ));
        assert!(matches!(run_in(&root, &[]), Err(XtaskError::Usage(_))));
        assert!(run_in(&root, &args(&["help"])).is_ok());
    }
}
