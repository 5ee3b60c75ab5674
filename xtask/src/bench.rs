//! `cargo xtask bench`: how fast and how lean generation and the generated crate's
//! compile are, against the project's targets and other generators' figures.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::XtaskError;
use crate::generation::{describe, parse_and_generate};
use crate::process::{Measured, cargo_program, run_measured, run_status, show};

/// Hidden subcommand the memory measurement runs in a child process.
pub const GENERATE_ONCE: &str = "__generate-once";

/// Targets: generation under 1 s and 300 MB, compile under 60 s and 2 GB.
const TARGET_GENERATE: Duration = Duration::from_secs(1);
const TARGET_GENERATE_MB: f64 = 300.0;
const TARGET_COMPILE: Duration = Duration::from_secs(60);
const TARGET_COMPILE_MB: f64 = 2000.0;

/// Other generators on the same document: (name, generate s, compile s, peak GB).
const COMPARISON: &[(&str, f64, f64, Option<f64>)] = &[
    ("openapi-generator", 27.7, 272.0, Some(4.9)),
    ("progenitor", 6.9, 145.0, None),
    ("typify", 3.3, 107.0, None),
];

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchOptions {
    /// In-process generation runs.
    #[arg(long, default_value_t = 11)]
    pub runs: usize,
    /// Generation runs in a child process, for its peak memory.
    #[arg(long, default_value_t = 3)]
    pub memory_runs: usize,
    /// Clean compiles of atlas-generated.
    #[arg(long, default_value_t = 3)]
    pub compile_runs: usize,
    /// Measure generation only.
    #[arg(long)]
    pub skip_compile: bool,
    /// Skip the client's per-request overhead benchmark.
    #[arg(long)]
    pub skip_client: bool,
    /// Skip the codec's throughput benchmark.
    #[arg(long)]
    pub skip_codec: bool,
    /// Skip the release build and the example binary's size.
    #[arg(long)]
    pub skip_release: bool,
    /// The spec to read instead of the usual places.
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// Measure this debug build instead of re-running in release.
    #[arg(long)]
    pub allow_debug: bool,
    /// The arguments after `bench`, to re-run the same command in release mode.
    #[arg(skip)]
    pub raw_args: Vec<String>,
}

/// Median, minimum and maximum of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    /// `None` for an empty sample. The median of an even-sized sample is the mean of
    /// the middle two.
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let (min, max) = (*sorted.first()?, *sorted.last()?);
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            f64::midpoint(sorted[n / 2 - 1], sorted[n / 2])
        };
        Some(Stats { median, min, max })
    }
}

fn secs(values: &[Duration]) -> Vec<f64> {
    values.iter().map(Duration::as_secs_f64).collect()
}

fn megabytes(bytes: u64) -> f64 {
    // Decimal megabytes, like the targets and the comparison figures.
    bytes as f64 / 1e6
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

fn line(label: &str, unit: &str, stats: Stats, precision: usize, target: Option<(&str, bool)>) {
    let mut out = format!(
        "  {label:<10} median {:>9.precision$} {unit}   min {:>9.precision$} {unit}   max {:>9.precision$} {unit}",
        stats.median, stats.min, stats.max
    );
    if let Some((target, pass)) = target {
        out.push_str(&format!("   target {target:<9} {}", verdict(pass)));
    }
    println!("{out}");
}

/// The part of the report that compares with the targets and other generators.
#[derive(Debug, Default)]
struct Results {
    generate: Option<Stats>,
    generate_mb: Option<Stats>,
    compile: Option<Stats>,
    compile_mb_max: Option<f64>,
}

/// Runs the benchmark and prints its report.
pub fn bench(workspace_root: &Path, options: &BenchOptions) -> Result<(), XtaskError> {
    if cfg!(debug_assertions) && !options.allow_debug {
        return rerun_in_release(workspace_root, options);
    }
    if options.runs == 0 || options.memory_runs == 0 || options.compile_runs == 0 {
        return Err(XtaskError::Usage("run counts must be at least 1".into()));
    }

    let spec = crate::spec::load_pinned(workspace_root, options.spec.as_deref())?;
    let spec_path = std::fs::canonicalize(&spec.path)
        .map_err(|e| XtaskError::io_at("cannot resolve", &spec.path, e))?;
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "bench: spec {} ({}, {} bytes, sha256 matches the pin); xtask {build} build",
        spec_path.display(),
        spec.source.describe(),
        spec.text.len()
    );
    drop(spec);

    let mut results = Results::default();
    bench_generation(&spec_path, options, &mut results)?;
    bench_memory(&spec_path, options, &mut results)?;
    if options.skip_compile {
        println!("\ncompile: skipped (--skip-compile)");
    } else {
        bench_compile(workspace_root, options, &mut results)?;
    }
    print_comparison(&results);
    if options.skip_release {
        println!("\nrelease: skipped (--skip-release)");
    } else {
        bench_release(workspace_root)?;
    }
    if options.skip_codec {
        println!("\ncodec: skipped (--skip-codec)");
    } else {
        bench_codec(workspace_root)?;
    }
    if options.skip_client {
        println!("\nclient overhead: skipped (--skip-client)");
    } else {
        bench_client_overhead(workspace_root)?;
    }
    Ok(())
}

fn rerun_in_release(workspace_root: &Path, options: &BenchOptions) -> Result<(), XtaskError> {
    let mut cmd = Command::new(cargo_program());
    cmd.args([
        "run",
        "--release",
        "--quiet",
        "--package",
        "xtask",
        "--",
        "bench",
    ])
    .args(&options.raw_args)
    .current_dir(workspace_root);
    println!(
        "bench: this xtask is a debug build; measuring with a release build instead:\n  {}\n\
         (pass --allow-debug to measure the debug build)",
        show(&cmd)
    );
    run_status(&mut cmd)
}

fn bench_generation(
    spec_path: &Path,
    options: &BenchOptions,
    results: &mut Results,
) -> Result<(), XtaskError> {
    let (mut read, mut parse, mut generate, mut total) = (vec![], vec![], vec![], vec![]);
    let mut summary = String::new();
    let waiters = crate::generation::load_waiters(&crate::workspace_root())?;
    for _ in 0..options.runs {
        let start = Instant::now();
        let text = std::fs::read_to_string(spec_path)
            .map_err(|e| XtaskError::io_at("cannot read the spec", spec_path, e))?;
        let read_time = start.elapsed();
        let run = parse_and_generate(&text, spec_path, None, &waiters)?;
        total.push(start.elapsed());
        read.push(read_time);
        parse.push(run.parse_time);
        generate.push(run.generate_time);
        if summary.is_empty() {
            summary = describe(&run.generated);
        }
    }
    println!(
        "\ngeneration: read + parse + generate to formatted files in memory, in-process, {} runs\n  output: {summary}",
        options.runs
    );
    let total = Stats::of(&secs(&total));
    if let Some(stats) = total {
        line(
            "total",
            "s",
            stats,
            3,
            Some(("< 1 s", stats.median < TARGET_GENERATE.as_secs_f64())),
        );
    }
    for (label, values) in [("read", &read), ("parse", &parse), ("generate", &generate)] {
        if let Some(stats) = Stats::of(&secs(values)) {
            line(label, "s", stats, 3, None);
        }
    }
    results.generate = total;
    Ok(())
}

fn bench_memory(
    spec_path: &Path,
    options: &BenchOptions,
    results: &mut Results,
) -> Result<(), XtaskError> {
    let exe = std::env::current_exe()
        .map_err(|e| XtaskError::io("cannot find the xtask executable", e))?;
    let mut peaks = Vec::new();
    let mut walls = Vec::new();
    for _ in 0..options.memory_runs {
        let mut cmd = Command::new(&exe);
        cmd.arg(GENERATE_ONCE)
            .arg("--spec")
            .arg(spec_path)
            .stdin(Stdio::null());
        let measured = run_measured(&mut cmd, true)?;
        ensure_success(&cmd, &measured)?;
        walls.push(measured.wall);
        match measured.peak_rss_bytes {
            Some(bytes) => peaks.push(megabytes(bytes)),
            None => {
                println!("\ngeneration peak memory: not measurable on this platform");
                return Ok(());
            }
        }
    }
    println!(
        "\ngeneration peak memory: `xtask {GENERATE_ONCE}` in a child process (read + parse + generate once), {} runs",
        options.memory_runs
    );
    let stats = Stats::of(&peaks);
    if let Some(stats) = stats {
        line(
            "peak RSS",
            "MB",
            stats,
            1,
            Some(("< 300 MB", stats.median < TARGET_GENERATE_MB)),
        );
    }
    if let Some(stats) = Stats::of(&secs(&walls)) {
        line("wall", "s", stats, 3, None);
    }
    results.generate_mb = stats;
    Ok(())
}

/// A target directory of its own: cleaning atlas-generated there does not disturb the
/// developer's builds.
const BENCH_TARGET_DIR: &str = "target/xtask-bench";

/// `cargo ARGS` in the benchmark's target directory, not incremental, and with full debug
/// info for workspace crates: what a downstream crate's default dev profile gives
/// atlas-generated, not the workspace's own lighter setting.
fn bench_cargo(workspace_root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(cargo_program());
    cmd.args(args)
        .arg("--target-dir")
        .arg(workspace_root.join(BENCH_TARGET_DIR))
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "true")
        .current_dir(workspace_root)
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` capturing its output; an error unless it succeeds.
fn run_checked(cmd: &mut Command) -> Result<Measured, XtaskError> {
    let measured = run_measured(cmd, true)?;
    ensure_success(cmd, &measured)?;
    Ok(measured)
}

/// The builds of atlas-generated the compile benchmark alternates: (label, feature arguments).
const COMPILE_VARIANTS: &[(&str, &[&str])] = &[
    ("all features", &["--all-features"]),
    ("full", &["--no-default-features", "--features", "full"]),
    (
        "clusters",
        &["--no-default-features", "--features", "clusters"],
    ),
];

/// The most a build of the `clusters` tag alone may take, as a share of `full`'s.
const TARGET_ONE_TAG_SHARE: f64 = 0.25;

fn bench_compile(
    workspace_root: &Path,
    options: &BenchOptions,
    results: &mut Results,
) -> Result<(), XtaskError> {
    let cargo = |args: &[&str]| bench_cargo(workspace_root, args);
    let build = |features: &[&str]| {
        let mut args = vec!["build", "--package", "atlas-generated"];
        args.extend(features);
        cargo(&args)
    };

    println!("\ncompile: building atlas-generated's dependencies first (not measured)");
    for (_, features) in COMPILE_VARIANTS {
        run_checked(&mut build(features))?;
    }

    let mut walls = vec![Vec::new(); COMPILE_VARIANTS.len()];
    let mut peaks = vec![Vec::new(); COMPILE_VARIANTS.len()];
    for run in 1..=options.compile_runs {
        // The builds alternate, so that a drift of the machine hits all alike.
        for (i, (label, features)) in COMPILE_VARIANTS.iter().enumerate() {
            run_checked(&mut cargo(&[
                "clean",
                "--quiet",
                "--package",
                "atlas-generated",
            ]))?;
            let mut cmd = build(features);
            if run == 1 {
                println!("compile: measuring `{}`", show(&cmd));
            }
            let measured = run_checked(&mut cmd)?;
            println!("  run {run}, {label}: {:.2} s", measured.wall.as_secs_f64());
            if run == 1 {
                note_warnings(&measured);
            }
            walls[i].push(measured.wall);
            if let Some(bytes) = measured.peak_rss_bytes {
                peaks[i].push(megabytes(bytes));
            }
        }
    }
    println!(
        "\ncompile of atlas-generated: dev profile, CARGO_INCREMENTAL=0, dependencies prebuilt, {} runs",
        options.compile_runs
    );
    let mut medians = Vec::new();
    for (i, (label, _)) in COMPILE_VARIANTS.iter().enumerate() {
        let wall = Stats::of(&secs(&walls[i]));
        let peak = Stats::of(&peaks[i]);
        println!("  {label}:");
        if let Some(stats) = wall {
            let target = (i == 0).then(|| ("< 60 s", stats.median < TARGET_COMPILE.as_secs_f64()));
            line("wall", "s", stats, 2, target);
        }
        match peak {
            // The limit is about the worst case, so the maximum is what is judged.
            Some(stats) => {
                let target = (i == 0).then_some(("< 2 GB", stats.max < TARGET_COMPILE_MB));
                line("peak RSS", "MB", stats, 1, target);
            }
            None => println!("  peak RSS: not measurable on this platform"),
        }
        medians.push(wall.map(|s| s.median));
        if i == 0 {
            results.compile = wall;
            results.compile_mb_max = peak.map(|s| s.max);
        }
    }
    if let [Some(all), Some(full), Some(one)] = medians[..] {
        let share = one / full;
        println!(
            "  `clusters` alone takes {share:.3}x the time of `full`   target <= {TARGET_ONE_TAG_SHARE}x  {}",
            verdict(share <= TARGET_ONE_TAG_SHARE)
        );
        println!(
            "  `client` and `dynamic` add {:.2} s to `full` ({:.3}x)",
            all - full,
            all / full
        );
    }
    Ok(())
}

/// A clean release build of atlas-generated with its default features, and the size of a
/// small program using only the `clusters` tag (`examples/clusters.rs`), for the record.
fn bench_release(workspace_root: &Path) -> Result<(), XtaskError> {
    let target_dir = workspace_root.join(BENCH_TARGET_DIR);
    let cargo = |args: &[&str]| bench_cargo(workspace_root, args);
    let release = ["build", "--release", "--package", "atlas-generated"];
    println!("\nrelease: building atlas-generated's dependencies first (not measured)");
    run_checked(&mut cargo(&release))?;
    run_checked(&mut cargo(&[
        "clean",
        "--quiet",
        "--release",
        "--package",
        "atlas-generated",
    ]))?;
    let mut build = cargo(&release);
    let measured = run_checked(&mut build)?;
    println!(
        "  `{}` (default features: full, client): {:.2} s, peak RSS {}",
        show(&build),
        measured.wall.as_secs_f64(),
        measured
            .peak_rss_bytes
            .map_or_else(|| "-".to_owned(), |b| format!("{:.1} MB", megabytes(b)))
    );
    for (profile, dir, flags) in [
        ("release", "release", &["--release"][..]),
        ("dev", "debug", &[][..]),
    ] {
        let mut args = vec![
            "build",
            "--package",
            "atlas-generated",
            "--example",
            "clusters",
        ];
        args.extend(flags);
        args.extend(["--no-default-features", "--features", "clusters,client"]);
        run_checked(&mut cargo(&args))?;
        let binary = target_dir.join(dir).join("examples").join("clusters");
        let size = std::fs::metadata(&binary)
            .map_err(|e| XtaskError::io_at("cannot read the size of", &binary, e))?
            .len();
        println!(
            "  the `clusters` example (features clusters, client), {profile} binary: {:.1} MB",
            megabytes(size)
        );
    }
    Ok(())
}

/// Codec throughput targets (issue 11), as ratios of time for the same bytes: typed decoding
/// against a `Value` parse, typed encoding against serializing the `Value`.
const TARGET_DECODE: f64 = 0.9;
const TARGET_ENCODE: f64 = 0.5;

/// Runs the codec benchmark (`atlas-generated/benches/codec.rs`, criterion, release) and
/// prints the throughput ratios measured in that run against their targets.
fn bench_codec(workspace_root: &Path) -> Result<(), XtaskError> {
    run_criterion(workspace_root, "codec")?;
    let group = workspace_root.join("target/criterion/codec");
    let median = |name: &str| criterion_median_ns(&group.join(name));
    let (value_decode, typed_decode) = (median("decode_value")?, median("decode_typed")?);
    let value_encode = median("encode_value")?;
    let (serde_encode, crate_encode) = (
        median("encode_typed_serde")?,
        median("encode_typed_runtime")?,
    );
    println!("\ncodec throughput on the real cluster bodies (criterion medians, same run):");
    let row = |what: &str, ns: f64, baseline: f64, target: f64| {
        let ratio = baseline / ns;
        println!(
            "  {what:<44} {:8.1} µs   {ratio:.3}x   target >= {target}x  {}",
            ns / 1e3,
            verdict(ratio >= target)
        );
    };
    println!(
        "  {:<44} {:8.1} µs",
        "decode: serde_json::from_slice::<Value>",
        value_decode / 1e3
    );
    row(
        "decode: GetCluster::decode_response",
        typed_decode,
        value_decode,
        TARGET_DECODE,
    );
    println!(
        "  {:<44} {:8.1} µs",
        "encode: serde_json::to_vec(&value)",
        value_encode / 1e3
    );
    row(
        "encode: serde_json::to_vec(&model)",
        serde_encode,
        value_encode,
        TARGET_ENCODE,
    );
    row(
        "encode: runtime::to_vec(&model)",
        crate_encode,
        value_encode,
        TARGET_ENCODE,
    );
    Ok(())
}

/// `cargo bench -p atlas-generated --bench NAME`.
fn run_criterion(workspace_root: &Path, name: &str) -> Result<(), XtaskError> {
    println!("\n{name}: cargo bench -p atlas-generated --bench {name}");
    let mut bench = Command::new(cargo_program());
    bench
        .args(["bench", "--package", "atlas-generated", "--bench", name])
        .current_dir(workspace_root)
        .stdin(Stdio::null());
    run_status(&mut bench)
}

/// The per-request cost `Client::send` may add over raw `reqwest` + `serde_json::Value`.
const TARGET_CLIENT_OVERHEAD: f64 = 1.2;

/// Runs the client's overhead benchmark (`atlas-generated/benches/client_overhead.rs`,
/// criterion, release): `client.send` against raw `reqwest` and `serde_json::Value` on
/// loopback, then prints the two medians criterion estimated in that run and their ratio.
fn bench_client_overhead(workspace_root: &Path) -> Result<(), XtaskError> {
    run_criterion(workspace_root, "client_overhead")?;
    let group = workspace_root.join("target/criterion/client_overhead");
    let median = |name: &str| criterion_median_ns(&group.join(name));
    let baseline = median("raw_reqwest_value")?;
    let client = median("client_send")?;
    let transport = median("client_send_request_value")?;
    let (value_parse, typed_decode) = (median("value_parse")?, median("typed_decode")?);
    let ratio = client / baseline;
    println!("\nclient overhead per request (criterion medians, same run):");
    let row = |what: &str, ns: f64| println!("  {what:<46} {:8.1} µs", ns / 1e3);
    row("raw reqwest + serde_json::Value", baseline);
    row("Client::send, typed", client);
    row("Client::send_request + serde_json::Value", transport);
    row("decoding alone: serde_json::Value", value_parse);
    row("decoding alone: GetCluster::decode_response", typed_decode);
    println!(
        "  ratio {ratio:.3}x   target <= {TARGET_CLIENT_OVERHEAD}x  {}",
        verdict(ratio <= TARGET_CLIENT_OVERHEAD)
    );
    println!(
        "  transport alone {:.3}x; typed decoding takes {:.3}x the time of a Value parse",
        transport / baseline,
        typed_decode / value_parse
    );
    Ok(())
}

/// The median (ns) criterion estimated for the benchmark whose directory is `dir`, from
/// its `new/estimates.json`.
fn criterion_median_ns(dir: &Path) -> Result<f64, XtaskError> {
    let path = dir.join("new").join("estimates.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| XtaskError::io_at("cannot read criterion's estimates", &path, e))?;
    let estimates: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| XtaskError::Other(format!("{}: {e}", path.display())))?;
    estimates["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| XtaskError::Other(format!("{}: no median.point_estimate", path.display())))
}

/// An error for a failed child, with the end of whatever it printed.
fn ensure_success(cmd: &Command, measured: &Measured) -> Result<(), XtaskError> {
    if measured.status.success() {
        return Ok(());
    }
    let output = format!("{}{}", measured.stdout, measured.stderr);
    let lines: Vec<&str> = output.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    Err(XtaskError::Command {
        command: show(cmd),
        message: if tail.is_empty() {
            format!("failed ({})", measured.status)
        } else {
            format!(
                "failed ({}); the end of its output:\n{tail}",
                measured.status
            )
        },
    })
}

/// Repeats cargo's warning summary of a captured build (not the warnings themselves).
fn note_warnings(measured: &Measured) {
    for line in measured.stderr.lines() {
        // `warning: `atlas-generated` (lib) generated 12 warnings`
        if line.starts_with("warning: `") && line.contains(") generated ") {
            println!("  (the build said: {line})");
        }
    }
}

fn ratio(theirs: f64, ours: Option<f64>) -> String {
    match ours {
        Some(ours) if ours > 0.0 => format!("{:.1}x", theirs / ours),
        _ => "-".into(),
    }
}

fn print_comparison(results: &Results) {
    println!(
        "\ncomparison with other generators (their figure / ours; above 1x means we are faster or leaner):"
    );
    println!(
        "  {:<18} {:>16} {:>16} {:>18}",
        "", "generate", "compile", "peak memory"
    );
    let compile_gb = results.compile_mb_max.map(|mb| mb / 1000.0);
    for &(name, generate, compile, peak) in COMPARISON {
        let peak = peak.map_or_else(
            || "-".to_owned(),
            |gb| format!("{gb} GB ({})", ratio(gb, compile_gb)),
        );
        println!(
            "  {name:<18} {:>16} {:>16} {peak:>18}",
            format!(
                "{generate} s ({})",
                ratio(generate, results.generate.map(|s| s.median))
            ),
            format!(
                "{compile} s ({})",
                ratio(compile, results.compile.map(|s| s.median))
            ),
        );
    }
    let ours = |s: Option<Stats>, unit: &str| {
        s.map_or_else(|| "-".to_owned(), |s| format!("{:.2} {unit}", s.median))
    };
    println!(
        "  {:<18} {:>16} {:>16} {:>18}",
        "atlas-codegen",
        ours(results.generate, "s"),
        ours(results.compile, "s"),
        compile_gb.map_or_else(|| "-".to_owned(), |gb| format!("{gb:.2} GB")),
    );
    match results.generate_mb {
        Some(mb) => println!(
            "  (peak memory is the compile's; atlas-codegen's generation itself peaks at {:.1} MB)",
            mb.median
        ),
        None => println!("  (peak memory is the compile's)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_median_min_max() {
        assert_eq!(Stats::of(&[]), None);
        assert_eq!(
            Stats::of(&[3.0, 1.0, 2.0]),
            Some(Stats {
                median: 2.0,
                min: 1.0,
                max: 3.0
            })
        );
        assert_eq!(
            Stats::of(&[4.0, 1.0, 2.0, 3.0]).map(|s| s.median),
            Some(2.5)
        );
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(27.7, Some(2.77)), "10.0x");
        assert_eq!(ratio(27.7, None), "-");
        assert_eq!(ratio(27.7, Some(0.0)), "-");
    }
}
