//! A running `prism mock`, stopped when dropped.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::XtaskError;

/// How long Prism may take to load a spec and listen (about 2 s for one Atlas version).
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// Prism's log is shown whole up to this many lines, else its start and end.
const LOG_LINES_SHOWN: usize = 80;

/// A `prism mock` child process. Dropping it kills the process and reaps it, so no
/// Node process outlives the command, whatever the error path. On Linux the child also
/// gets `SIGKILL` if xtask itself dies first.
#[derive(Debug)]
pub struct PrismServer {
    child: Child,
    pub addr: SocketAddr,
    /// Prism's standard output and error.
    pub log_path: PathBuf,
    /// From spawning to accepting connections.
    pub startup: Duration,
}

impl PrismServer {
    /// Starts `prism mock` on `spec` on a free port of 127.0.0.1 and waits until it
    /// listens, writing its output to `log_path`.
    pub fn start(prism: &Path, spec: &Path, log_path: &Path) -> Result<PrismServer, XtaskError> {
        // The port is free when we look but could be taken before Prism binds it.
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            match Self::start_once(prism, spec, log_path) {
                Err(error) if attempt < ATTEMPTS && read_log(log_path).contains("EADDRINUSE") => {
                    eprintln!("prism: port taken, retrying ({error})");
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    fn start_once(prism: &Path, spec: &Path, log_path: &Path) -> Result<PrismServer, XtaskError> {
        let port = free_port()?;
        let log =
            File::create(log_path).map_err(|e| XtaskError::io_at("cannot create", log_path, e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| XtaskError::io_at("cannot open", log_path, e))?;
        let mut command = Command::new(prism);
        command
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        kill_with_parent(&mut command);
        let started = Instant::now();
        let child = command.spawn().map_err(|e| XtaskError::Command {
            command: format!("{} mock", prism.display()),
            message: format!("could not be started: {e}"),
        })?;
        // From here on, dropping `server` stops Prism.
        let mut server = PrismServer {
            child,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            log_path: log_path.to_owned(),
            startup: Duration::ZERO,
        };
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(server.failure(&format!("exited ({status}) before listening")));
            }
            if TcpStream::connect_timeout(&server.addr, Duration::from_millis(200)).is_ok() {
                server.startup = started.elapsed();
                return Ok(server);
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                return Err(server.failure(&format!(
                    "did not listen on {} within {} s",
                    server.addr,
                    STARTUP_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The process id of the Node process.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether Prism is still running after up to `grace`: a Prism that was just
    /// killed breaks connections a moment before it can be reaped.
    pub fn survives(&mut self, grace: Duration) -> bool {
        let start = Instant::now();
        loop {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return false;
            }
            if start.elapsed() >= grace {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Peak resident set size so far (`VmHWM`), on Linux.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// Prism's log, shortened to its start (where a fatal error is) and its end.
    pub fn log_excerpt(&self) -> String {
        let log = read_log(&self.log_path);
        let lines: Vec<&str> = log.lines().collect();
        if lines.len() <= LOG_LINES_SHOWN {
            return lines.join("\n");
        }
        let (head, tail) = (LOG_LINES_SHOWN / 4, LOG_LINES_SHOWN * 3 / 4);
        format!(
            "{}\n[… {} lines …]\n{}",
            lines[..head].join("\n"),
            lines.len() - head - tail,
            lines[lines.len() - tail..].join("\n")
        )
    }

    fn failure(&self, what: &str) -> XtaskError {
        XtaskError::Other(format!(
            "prism mock {what}; its output ({}):\n{}",
            self.log_path.display(),
            self.log_excerpt()
        ))
    }
}

impl Drop for PrismServer {
    fn drop(&mut self) {
        // `prism` is a `#!/usr/bin/env node` script, so the child is Node itself, and
        // `prism mock` without `--multiprocess` starts no processes of its own.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes the kernel kill the child when the thread that started it dies (Linux), so
/// that even a killed xtask leaves no Prism behind.
#[cfg(target_os = "linux")]
fn kill_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and only calls
    // prctl, which is async-signal-safe; it touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn kill_with_parent(_command: &mut Command) {}

fn free_port() -> Result<u16, XtaskError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| XtaskError::io("cannot find a free port on 127.0.0.1", e))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| XtaskError::io("cannot find a free port on 127.0.0.1", e))
}

fn read_log(path: &Path) -> String {
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}
