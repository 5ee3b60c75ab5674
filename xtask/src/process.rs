//! Child processes: which `cargo` to run, how to show a command, running one while
//! measuring its wall time and peak memory, and locking the directory a tool they run is
//! installed into.
//!
//! On Unix the child is reaped with `wait4`, whose `rusage` covers exactly that
//! child: its `ru_maxrss` is the largest resident set of the child itself and of
//! every descendant it waited for (for `cargo build`, every `rustc`). Each
//! measurement therefore stands alone, unlike `getrusage(RUSAGE_CHILDREN)`, which
//! keeps the maximum over every child this process has ever waited for.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::error::XtaskError;

/// The `cargo` to run: the one that started us, else the one on `PATH`.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Creates `dir` and locks it for installing a tool into it: concurrent runs (parallel
/// tests, a second terminal) must not install into the same directory at once. The lock
/// holds until the returned file is dropped.
pub fn lock_install_dir(dir: &std::path::Path) -> Result<std::fs::File, XtaskError> {
    std::fs::create_dir_all(dir).map_err(|e| XtaskError::io_at("cannot create", dir, e))?;
    let lock_path = dir.join(".install.lock");
    std::fs::File::create(&lock_path)
        .and_then(|file| file.lock().map(|()| file))
        .map_err(|e| XtaskError::io_at("cannot lock", &lock_path, e))
}

/// The result of [`run_measured`].
#[derive(Debug)]
pub struct Measured {
    pub status: ExitStatus,
    pub wall: Duration,
    /// Peak resident set size in bytes of the child and its waited-for descendants;
    /// `None` where the platform cannot tell.
    pub peak_rss_bytes: Option<u64>,
    /// The child's standard output and error when `capture` was set (lossily UTF-8).
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` to completion, timing it and measuring its peak memory. With
/// `capture`, its standard output and error are collected instead of shown.
pub fn run_measured(command: &mut Command, capture: bool) -> Result<Measured, XtaskError> {
    let shown = show(command);
    if capture {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let start = Instant::now();
    let mut child = command.spawn().map_err(|e| XtaskError::Command {
        command: shown.clone(),
        message: format!("could not be started: {e}"),
    })?;
    let stdout_pipe = child.stdout.take();
    let stderr_pipe = child.stderr.take();
    let (stdout, stderr) = std::thread::scope(|scope| {
        let err = scope.spawn(|| read_all(stderr_pipe));
        let out = read_all(stdout_pipe);
        (out, err.join().unwrap_or_default())
    });
    let (status, peak_rss_bytes) = wait(child, &shown)?;
    Ok(Measured {
        status,
        wall: start.elapsed(),
        peak_rss_bytes,
        stdout,
        stderr,
    })
}

/// Everything a pipe yields, until it closes or fails.
fn read_all(pipe: Option<impl Read>) -> String {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        let _ = pipe.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(unix)]
fn wait(child: std::process::Child, shown: &str) -> Result<(ExitStatus, Option<u64>), XtaskError> {
    use std::os::unix::process::ExitStatusExt;

    let pid = libc::pid_t::try_from(child.id()).map_err(|_| XtaskError::Command {
        command: shown.to_owned(),
        message: "has a process id out of range".into(),
    })?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct of integers, for which all-zero bytes
    // are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, properly aligned locals that wait4 only
        // writes through; `pid` is our own, not yet reaped child (std never waits on
        // it because we never call `Child::wait`).
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(XtaskError::io(format!("cannot wait for `{shown}`"), err));
        }
    }
    // Reaped by wait4: dropping `child` only closes its remaining pipes.
    drop(child);
    let maxrss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    // Linux and the BSDs report kilobytes, macOS bytes.
    let bytes = if cfg!(target_os = "macos") {
        maxrss
    } else {
        maxrss.saturating_mul(1024)
    };
    Ok((ExitStatus::from_raw(status), Some(bytes)))
}

#[cfg(not(unix))]
fn wait(
    mut child: std::process::Child,
    shown: &str,
) -> Result<(ExitStatus, Option<u64>), XtaskError> {
    let status = child
        .wait()
        .map_err(|e| XtaskError::io(format!("cannot wait for `{shown}`"), e))?;
    Ok((status, None))
}

/// Runs `command` with its output shown as it comes; an error naming the command unless
/// it succeeds.
pub fn run_status(command: &mut Command) -> Result<(), XtaskError> {
    let status = command.status().map_err(|e| XtaskError::Command {
        command: show(command),
        message: format!("could not be started: {e}"),
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::Command {
            command: show(command),
            message: format!("failed ({status})"),
        })
    }
}

/// Runs `command` with its standard output and error written to the file `log`, within
/// `timeout` (killed after it): its exit status and what it wrote. An error when it cannot
/// start or does not finish in time, naming the command and holding its output.
pub fn run_logged(
    command: &mut Command,
    log: &std::path::Path,
    timeout: Duration,
) -> Result<(ExitStatus, String), XtaskError> {
    use wait_timeout::ChildExt;
    let output =
        std::fs::File::create(log).map_err(|e| XtaskError::io_at("cannot create", log, e))?;
    let errors = output
        .try_clone()
        .map_err(|e| XtaskError::io_at("cannot open", log, e))?;
    command.stdin(Stdio::null()).stdout(output).stderr(errors);
    let shown = show(command);
    let mut child = command.spawn().map_err(|e| XtaskError::Command {
        command: shown.clone(),
        message: format!("could not be started: {e}"),
    })?;
    let status = child
        .wait_timeout(timeout)
        .map_err(|e| XtaskError::io(format!("cannot wait for `{shown}`"), e))?;
    let text = std::fs::read_to_string(log).unwrap_or_default();
    match status {
        Some(status) => Ok((status, text)),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(XtaskError::Command {
                command: shown,
                message: format!("did not finish within {} s:\n{text}", timeout.as_secs()),
            })
        }
    }
}

/// Whether `cargo SUB` is installed (`cargo SUB --version` succeeds).
pub fn cargo_subcommand_available(sub: &str) -> bool {
    Command::new(cargo_program())
        .args([sub, "--version"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How the cargo tools are built. cargo-semver-checks and cargo-hack ask for fat LTO and
/// one codegen unit, which made cargo-semver-checks take 9 min 43 s to install on two
/// cores; these settings (cargo's defaults) build it in 4 min 19 s. Comparing two full
/// crates still takes 24 s, nearly all of it rustdoc: its checks take 2.7 s instead of 2.3.
pub const INSTALL_PROFILE: &[(&str, &str)] = &[
    ("CARGO_PROFILE_RELEASE_LTO", "false"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
];

/// Installs `krate` at `version` from crates.io (`cargo install --locked`) unless
/// `cargo SUB` already runs: how the test command gets the cargo tools it uses. Tests that
/// need the same tool run in parallel processes: the first installs it while the others
/// wait on a lock, then find it.
///
/// The tools are built without their release profile's whole-program optimisation
/// ([`INSTALL_PROFILE`]), in one target directory so that what they share is built once:
/// a fresh machine installs them all on every CI run.
pub fn ensure_cargo_tool(sub: &str, krate: &str, version: &str) -> Result<(), XtaskError> {
    let tools = crate::spec::workspace_root().join("target").join("tools");
    let _lock = lock_install_dir(&tools)?;
    if cargo_subcommand_available(sub) {
        return Ok(());
    }
    let mut install = Command::new(cargo_program());
    install
        .args(["install", "--locked", krate, "--version", version])
        .env("CARGO_TARGET_DIR", tools.join("build"))
        .envs(INSTALL_PROFILE.iter().copied())
        .stdin(Stdio::null());
    println!("`cargo {sub}` is missing; {}", show(&install));
    run_status(&mut install)
}

/// A command as a shell-like string, for messages.
pub fn show(command: &Command) -> String {
    let mut out = String::new();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            out.push_str(&format!(
                "{}={} ",
                key.to_string_lossy(),
                shell_word(&value.to_string_lossy())
            ));
        }
    }
    out.push_str(&shell_word(&command.get_program().to_string_lossy()));
    for arg in command.get_args() {
        out.push(' ');
        out.push_str(&shell_word(&arg.to_string_lossy()));
    }
    out
}

fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        word.to_owned()
    } else {
        format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn measures_a_child() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo hello; exit 3"]);
        let m = run_measured(&mut cmd, true).unwrap();
        assert_eq!(m.status.code(), Some(3));
        assert_eq!(m.stdout, "hello\n");
        assert!(m.peak_rss_bytes.unwrap() > 0);
    }

    #[test]
    fn peak_memory_is_per_child() {
        // A child that touches ~64 MB, then a small one: the small one's peak must not
        // inherit the big one's.
        let mut big = Command::new("sh");
        big.args([
            "-c",
            "head -c 67108864 /dev/zero | { x=$(cat | tr '\\0' a); echo ${#x}; }",
        ]);
        let big = run_measured(&mut big, true).unwrap();
        let mut small = Command::new("true");
        let small = run_measured(&mut small, false).unwrap();
        assert!(small.status.success());
        assert!(
            small.peak_rss_bytes.unwrap() < big.peak_rss_bytes.unwrap(),
            "small {:?} big {:?}",
            small.peak_rss_bytes,
            big.peak_rss_bytes
        );
    }

    #[test]
    fn show_quotes_what_needs_quoting() {
        let mut cmd = Command::new("cargo");
        cmd.args(["doc", "-p", "atlas-generated"])
            .env("RUSTDOCFLAGS", "-D warnings");
        assert_eq!(
            show(&cmd),
            "RUSTDOCFLAGS=\"-D warnings\" cargo doc -p atlas-generated"
        );
    }
}
