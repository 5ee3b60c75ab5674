//! A stack overflow reported like any other crash, with its input.
//!
//! libFuzzer runs inputs on the main thread of a C `main`, where Rust installs no stack
//! overflow handler; without a sanitizer nothing gives the thread an alternate signal
//! stack either, so libFuzzer's own `SIGSEGV` handler would run on the exhausted stack and
//! the process would die without a word and without saving the input. [`catch_stack_overflows`],
//! called from `LLVMFuzzerInitialize` (before libFuzzer installs its handlers), gives the
//! thread an alternate stack and marks `SIGSEGV` and `SIGBUS` `SA_ONSTACK`, a flag libFuzzer
//! keeps: its handler then runs, says `deadly signal` and writes the crashing input.

/// Bytes of the alternate stack libFuzzer's crash handler runs on.
const ALTERNATE_STACK_BYTES: usize = 256 * 1024;

/// Gives the calling thread an alternate signal stack and has `SIGSEGV` and `SIGBUS`
/// delivered on it (their action stays the default until libFuzzer sets its own).
///
/// # Panics
///
/// When the system refuses either call.
pub fn catch_stack_overflows() {
    let stack: &'static mut [u8] = Box::leak(vec![0; ALTERNATE_STACK_BYTES].into_boxed_slice());
    let alternate = libc::stack_t {
        ss_sp: stack.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: stack.len(),
    };
    // SAFETY: `alternate` describes a live, leaked buffer that is never freed or used
    // otherwise; the old stack is not asked for.
    let rc = unsafe { libc::sigaltstack(&alternate, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "sigaltstack: {}", std::io::Error::last_os_error());
    for signal in [libc::SIGSEGV, libc::SIGBUS] {
        // SAFETY: an all-zero `sigaction` is valid (handler `SIG_DFL`, empty mask); the
        // default action is kept, only the flags change.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = libc::SIG_DFL;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        // SAFETY: `action` is a valid, initialised `sigaction`; the old one is not asked for.
        let rc = unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
        assert_eq!(rc, 0, "sigaction: {}", std::io::Error::last_os_error());
    }
}
