//! Waiting for long-running operations: [`Client::send_and_wait`] and [`Client::watch`].
//!
//! The operation is sent once; then the GET its [`Waitable`] impl names is polled, with
//! a backoff and jitter, until the resource reaches a target state (or, after a delete,
//! is gone), all within [`Wait::up_to`]. What a poll can meet on the way and is not the
//! operation's fault (a `5xx`, an HTML proxy page, a reset connection, a body cut short,
//! a `429`) is polled through; the wait ends with an error only on a failure state, a
//! resource that disappears, an answer that polling again cannot change (`401`, `403`,
//! …), or the deadline. See [`WaitRule::after_change`](crate::runtime::WaitRule::after_change) for how a wait after an update
//! tells the old target state from the new one.

use std::fmt;
use std::time::Duration;

use futures_util::Stream;
use tokio::time::Instant;

use super::{Client, Error, ErrorBody, ErrorKind};
use crate::runtime::{Endpoint, Progress, Seen, Verdict, Waitable};

/// How long a wait may last and how often it polls.
///
/// ```
/// use std::time::Duration;
/// use atlas_generated::client::Wait;
///
/// let wait = Wait::up_to(Duration::from_secs(30 * 60)).interval(Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    deadline: Duration,
    interval: Duration,
    max_interval: Duration,
    settle: Duration,
}

impl Wait {
    /// A wait of at most `deadline` from Atlas's answer to the operation, polling first
    /// after 5 s, then 1.5 times longer each poll up to 30 s, each delay jittered by up to
    /// a fifth either way. An update's old target state is taken as its end after it has
    /// held for 30 s unseen changing ([`settle`](Self::settle)).
    #[must_use]
    pub fn up_to(deadline: Duration) -> Wait {
        Wait {
            deadline,
            interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(30),
            settle: Duration::from_secs(30),
        }
    }

    /// The first delay between polls: the backoff's base (the longest delay grows to it
    /// when it is smaller).
    #[must_use]
    pub fn interval(mut self, first: Duration) -> Wait {
        self.interval = first;
        self.max_interval = self.max_interval.max(first);
        self
    }

    /// The longest delay between polls (at least the [`interval`](Self::interval)).
    #[must_use]
    pub fn max_interval(mut self, longest: Duration) -> Wait {
        self.max_interval = longest.max(self.interval);
        self
    }

    /// How long an update's target state must hold, when the change it asked for was
    /// never seen to begin, before the wait takes it as done: an update that changes
    /// nothing never leaves its target state ([`WaitRule::after_change`](crate::runtime::WaitRule::after_change)).
    #[must_use]
    pub fn settle(mut self, settle: Duration) -> Wait {
        self.settle = settle;
        self
    }

    /// The delay before poll `poll` (from 1): the backoff, jittered, never past what is
    /// left of the wait.
    fn delay(&self, poll: u32, left: Duration) -> Duration {
        let growth = 1.5_f64.powi(i32::try_from(poll.saturating_sub(1).min(64)).unwrap_or(64));
        let backoff = self
            .interval
            .mul_f64(growth.min(1e6))
            .min(self.max_interval);
        // At least a millisecond: a zero interval must not spin.
        let jittered = backoff.mul_f64(0.8 + 0.4 * fastrand::f64());
        jittered.max(Duration::from_millis(1)).min(left)
    }
}

/// A state a [`Client::watch`] saw the resource in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Observed<T> {
    /// The state at [`WaitRule::state_path`](crate::runtime::WaitRule::state_path); `None` for a resource without one, or gone.
    pub state: Option<String>,
    /// The resource as polled; `None` when it is gone (`404`).
    pub resource: Option<T>,
    /// How long after Atlas's answer to the operation the poll came.
    pub elapsed: Duration,
    /// Whether this ends the wait: the last item of the stream.
    pub done: bool,
}

/// Why a wait ended without its operation done. `T` is the polled resource.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T> {
    /// The resource reached a state that means the operation failed.
    Failed {
        /// The state, one of [`WaitRule::failures`](crate::runtime::WaitRule::failures).
        state: String,
        /// The resource in that state.
        resource: T,
    },
    /// The resource disappeared (`404`) while a state was awaited.
    Gone {
        /// The resource as last seen.
        last: Option<T>,
    },
    /// The deadline passed first.
    TimedOut {
        /// How long the wait lasted.
        waited: Duration,
        /// The last state seen.
        state: Option<String>,
        /// The resource as last seen.
        resource: Option<T>,
        /// The last failure polling went through, if the last poll failed.
        last_error: Option<Error>,
    },
    /// The operation failed, or a poll failed in a way that polling again cannot change.
    Request(Error),
}

impl<T> WaitError<T> {
    /// The resource as last seen, when one was.
    pub fn resource(&self) -> Option<&T> {
        match self {
            WaitError::Failed { resource, .. } => Some(resource),
            WaitError::Gone { last, .. } => last.as_ref(),
            WaitError::TimedOut { resource, .. } => resource.as_ref(),
            WaitError::Request(_) => None,
        }
    }
}

impl<T> From<Error> for WaitError<T> {
    fn from(error: Error) -> Self {
        WaitError::Request(error)
    }
}

impl<T> fmt::Display for WaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { state, .. } => write!(f, "the operation failed: state `{state}`"),
            WaitError::Gone { .. } => f.write_str("the resource disappeared during the wait"),
            WaitError::TimedOut {
                waited,
                state,
                last_error,
                ..
            } => {
                write!(f, "the wait did not end within {waited:?}")?;
                if let Some(state) = state {
                    write!(f, "; last state `{state}`")?;
                }
                if let Some(error) = last_error {
                    write!(f, "; last poll: {error}")?;
                }
                Ok(())
            }
            WaitError::Request(error) => error.fmt(f),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for WaitError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(error) => Some(error),
            WaitError::TimedOut {
                last_error: Some(error),
                ..
            } => Some(error),
            _ => None,
        }
    }
}

impl<T> From<WaitError<T>> for Error {
    /// An [`ErrorKind::Wait`] error with the same message, for `?` in code that returns
    /// this crate's [`Error`]; the request's own error stays itself.
    fn from(error: WaitError<T>) -> Self {
        match error {
            WaitError::Request(error) => error,
            other => Error::new(ErrorKind::Wait, other.to_string()),
        }
    }
}

/// The resource a wait of `W` polls.
pub type Resource<W> = <<W as Waitable>::Poll as Endpoint>::Success;

impl Client {
    /// Sends `operation`, then polls until its work is done, and returns the resource
    /// in its final state (`()` after a delete): the operation's [`Waitable`] impl says
    /// which GET polls and which states end the wait. Every operation that has one says so
    /// in its docs ("Long-running").
    ///
    /// ```no_run
    /// # async fn run(client: atlas_generated::client::Client) -> Result<(), atlas_generated::client::Error> {
    /// use std::time::Duration;
    /// use atlas_generated::client::Wait;
    /// use atlas_generated::operations::DeleteCluster;
    ///
    /// let delete = DeleteCluster::new("5f1e…", "Cluster0");
    /// client.send_and_wait(&delete, Wait::up_to(Duration::from_secs(20 * 60))).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// A [`WaitError`]: the operation failed, the resource reached a failure state or
    /// disappeared, a poll failed for good, or the wait's deadline passed.
    pub async fn send_and_wait<W>(
        &self,
        operation: &W,
        wait: Wait,
    ) -> Result<W::Output, WaitError<Resource<W>>>
    where
        W: Waitable + Clone,
        W::Error: ErrorBody,
        <W::Poll as Endpoint>::Error: ErrorBody,
        Resource<W>: Clone,
    {
        let mut waiting = Waiting::new(self.clone(), operation.clone(), wait);
        while let Some(observed) = waiting.next().await {
            let observed = observed?;
            if observed.done {
                return W::output(observed.resource).ok_or(WaitError::Gone { last: None });
            }
        }
        Err(WaitError::Gone { last: None })
    }

    /// The wait of [`send_and_wait`](Self::send_and_wait) as a stream, for progress: the
    /// operation is sent when the stream is first polled, then an item comes for each
    /// state the resource is seen in (each change, not each poll), the last with
    /// [`Observed::done`]; a failed wait ends with its [`WaitError`].
    ///
    /// ```no_run
    /// # async fn run(client: atlas_generated::client::Client, create: atlas_generated::operations::CreateCluster) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use futures_util::TryStreamExt;
    /// use atlas_generated::client::Wait;
    ///
    /// let mut states = client.watch(&create, Wait::up_to(Duration::from_secs(3600)));
    /// while let Some(seen) = states.try_next().await? {
    ///     println!("{:?} after {:?}", seen.state, seen.elapsed);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch<W>(
        &self,
        operation: &W,
        wait: Wait,
    ) -> impl Stream<Item = Result<Observed<Resource<W>>, WaitError<Resource<W>>>> + Send + Unpin + 'static
    where
        W: Waitable + Clone + Send + Sync + 'static,
        W::Success: Send,
        W::Error: ErrorBody,
        W::Poll: Send + Sync,
        <W::Poll as Endpoint>::Error: ErrorBody,
        Resource<W>: Clone + Send,
    {
        let waiting = Waiting::new(self.clone(), operation.clone(), wait);
        Box::pin(futures_util::stream::unfold(
            waiting,
            |mut waiting| async move { waiting.next().await.map(|item| (item, waiting)) },
        ))
    }
}

/// What a wait of `W` yields.
type Item<W> = Result<Observed<Resource<W>>, WaitError<Resource<W>>>;

/// One wait, poll by poll.
struct Waiting<W: Waitable> {
    client: Client,
    operation: W,
    wait: Wait,
    started: Option<Started<W>>,
    finished: bool,
}

/// A wait whose operation Atlas answered.
struct Started<W: Waitable> {
    poll: W::Poll,
    progress: Progress,
    since: Instant,
    polls: u32,
    last_state: Option<Option<String>>,
    last_resource: Option<Resource<W>>,
    last_error: Option<Error>,
}

impl<W> Waiting<W>
where
    W: Waitable,
    W::Error: ErrorBody,
    <W::Poll as Endpoint>::Error: ErrorBody,
    Resource<W>: Clone,
{
    fn new(client: Client, operation: W, wait: Wait) -> Self {
        Waiting {
            client,
            operation,
            wait,
            started: None,
            finished: false,
        }
    }

    /// The next state seen, the end, or `None` after the end.
    async fn next(&mut self) -> Option<Item<W>> {
        if self.finished {
            return None;
        }
        let item = self.step().await;
        self.finished = match &item {
            None | Some(Err(_)) => true,
            Some(Ok(observed)) => observed.done,
        };
        item
    }

    async fn step(&mut self) -> Option<Item<W>> {
        if self.started.is_none() {
            match self.start().await {
                Ok(started) => self.started = Some(started),
                Err(error) => return Some(Err(error)),
            }
        }
        let started = self.started.as_mut()?;
        loop {
            let left = self.wait.deadline.saturating_sub(started.since.elapsed());
            if left.is_zero() {
                return Some(Err(started.timed_out()));
            }
            started.polls += 1;
            tokio::time::sleep(self.wait.delay(started.polls, left)).await;
            let left = self.wait.deadline.saturating_sub(started.since.elapsed());
            let polled = match tokio::time::timeout(left, self.client.send(&started.poll)).await {
                Ok(polled) => polled,
                Err(_) => return Some(Err(started.timed_out())),
            };
            let resource = match polled {
                Ok(resource) => Some(resource),
                Err(error) if error.status() == Some(404) => None,
                Err(error) if passing(&error) => {
                    tracing::debug!(operation = W::OPERATION_ID, %error, "atlas wait: polling through a failure");
                    started.last_error = Some(error);
                    continue;
                }
                Err(error) => return Some(Err(WaitError::Request(error))),
            };
            started.last_error = None;
            if let Some(item) = started.observe(resource) {
                return Some(item);
            }
        }
    }

    /// Sends the operation and builds the GET that polls its resource.
    async fn start(&mut self) -> Result<Started<W>, WaitError<Resource<W>>> {
        let answer = self.client.send(&self.operation).await?;
        let poll = self.operation.poll_request(&answer).map_err(|path| {
            Error::new(
                ErrorKind::Undecodable,
                format!(
                    "the answer has no `{path}`, which polling with `{}` needs",
                    W::RULE.poll_operation
                ),
            )
            .for_operation(W::OPERATION_ID, W::METHOD, W::PATH)
        })?;
        let answer_state = W::answer_state(&answer);
        tracing::info!(
            operation = W::OPERATION_ID,
            poll = W::RULE.poll_operation,
            state = answer_state,
            "atlas wait: started"
        );
        Ok(Started {
            poll,
            progress: Progress::new(W::RULE, self.wait.settle, answer_state),
            since: Instant::now(),
            polls: 0,
            last_state: None,
            last_resource: None,
            last_error: None,
        })
    }
}

impl<W: Waitable> Started<W>
where
    Resource<W>: Clone,
{
    /// What one answer (`None`: `404`) means: an item when it ends the wait or shows a new
    /// state, else `None` (poll again).
    fn observe(&mut self, resource: Option<Resource<W>>) -> Option<Item<W>> {
        let elapsed = self.since.elapsed();
        let state = resource.as_ref().and_then(W::state).map(str::to_owned);
        let seen = match &resource {
            Some(_) => Seen::State(state.as_deref()),
            None => Seen::Gone,
        };
        let verdict = self.progress.observe(seen, elapsed);
        let changed = self.last_state.as_ref() != Some(&state)
            || resource.is_none() != self.last_resource.is_none();
        if changed {
            tracing::info!(
                operation = W::OPERATION_ID,
                state = state
                    .as_deref()
                    .unwrap_or(if resource.is_some() { "" } else { "404" }),
                elapsed_ms = super::millis(elapsed),
                "atlas wait: state changed"
            );
        }
        self.last_state = Some(state.clone());
        let observed = |resource| Observed {
            state: state.clone(),
            resource,
            elapsed,
            done: verdict == Verdict::Done,
        };
        match verdict {
            Verdict::Done => Some(Ok(observed(resource))),
            Verdict::Failed => Some(Err(WaitError::Failed {
                state: state.clone().unwrap_or_default(),
                resource: resource?,
            })),
            Verdict::Gone => Some(Err(WaitError::Gone {
                last: self.last_resource.take(),
            })),
            Verdict::Continue => {
                let item = changed.then(|| Ok(observed(resource.clone())));
                if resource.is_some() {
                    self.last_resource = resource;
                }
                item
            }
        }
    }

    fn timed_out(&mut self) -> WaitError<Resource<W>> {
        WaitError::TimedOut {
            waited: self.since.elapsed(),
            state: self.last_state.clone().flatten(),
            resource: self.last_resource.take(),
            last_error: self.last_error.take(),
        }
    }
}

/// Whether a poll's failure is polled through: the server or the way to it failed, not
/// the request (a `5xx`, a `429`, a proxy's HTML page, a connection reset or cut short).
fn passing(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Transport
        | ErrorKind::Timeout
        | ErrorKind::RetriesExhausted
        | ErrorKind::Undecodable => true,
        ErrorKind::Api => matches!(error.status(), Some(429 | 500..=599)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_back_off_with_jitter_up_to_the_longest_delay_and_never_past_the_deadline() {
        let wait = Wait::up_to(Duration::from_secs(600))
            .interval(Duration::from_secs(10))
            .max_interval(Duration::from_secs(40));
        let left = Duration::from_secs(600);
        for _ in 0..200 {
            let first = wait.delay(1, left);
            assert!((8.0..=12.0).contains(&first.as_secs_f64()), "{first:?}");
            let second = wait.delay(2, left);
            assert!((12.0..=18.0).contains(&second.as_secs_f64()), "{second:?}");
            let late = wait.delay(40, left);
            assert!((32.0..=48.0).contains(&late.as_secs_f64()), "{late:?}");
        }
        assert!(wait.delay(u32::MAX, Duration::from_secs(2)) <= Duration::from_secs(2));
        let varied: std::collections::BTreeSet<u128> =
            (0..50).map(|_| wait.delay(1, left).as_millis()).collect();
        assert!(varied.len() > 10, "the delays are jittered: {varied:?}");
    }
}
