//! Long-running operations: which request polls one, and which states end the wait.
//!
//! Atlas answers many operations (create a cluster, delete a search deployment) before
//! their work is done; the resource then moves through states (`CREATING`, `UPDATING`)
//! until one that ends it. The generator implements [`Waitable`] for each such operation
//! that `spec/waiters.yaml` describes, after checking every fact of it against the spec;
//! `Client::send_and_wait` and `Client::watch` (with the `client` feature) poll with it.
//! [`Progress`] is the rule that decides, poll by poll, and needs no I/O.

use std::time::Duration;

use super::response::Endpoint;

/// An operation whose work goes on after Atlas answers, and how to wait for it: the GET
/// that polls the resource it acts on, and the states that end the wait.
pub trait Waitable: Endpoint {
    /// The GET that polls the resource.
    type Poll: Endpoint;
    /// What a finished wait gives: the polled resource, or `()` when the wait ends
    /// with the resource gone (`404`), after a delete.
    type Output;
    /// The states that end the wait, and how.
    const RULE: WaitRule;

    /// The GET polling the resource this request acted on, with its path parameters taken
    /// from this request and from Atlas's answer to it.
    ///
    /// # Errors
    ///
    /// The JSON path (`$.name`) of a field of the answer that the GET needs and the answer
    /// lacks.
    fn poll_request(&self, answer: &Self::Success) -> Result<Self::Poll, &'static str>;

    /// The resource's state in a polled answer (at [`WaitRule::state_path`]); `None` when the
    /// answer has none, or the wait ends on `404`.
    fn state(resource: &<Self::Poll as Endpoint>::Success) -> Option<&str>;

    /// The state in the answer to the operation itself, when that answer is the resource:
    /// a `PATCH` of a cluster answers with the cluster, already `UPDATING`.
    fn answer_state(answer: &Self::Success) -> Option<&str> {
        let _ = answer;
        None
    }

    /// The wait's result from the last resource polled: `None` for the resource gone.
    fn output(resource: Option<<Self::Poll as Endpoint>::Success>) -> Option<Self::Output>;
}

/// What ends the wait of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitRule {
    /// The `operationId` of the GET that polls.
    pub poll_operation: &'static str,
    /// Where the state is in the GET's answer (`$.stateName`); empty when the wait ends on
    /// `404`.
    pub state_path: &'static str,
    /// The states that end the wait with success.
    pub targets: &'static [&'static str],
    /// The states that end the wait with an error: the operation failed.
    pub failures: &'static [&'static str],
    /// Whether the wait ends when the GET answers `404`: the resource is gone.
    pub ends_when_gone: bool,
    /// Whether the operation changes a resource that may already be in a target state (an
    /// update): a target state then ends the wait only once the change was seen to begin
    /// (another state, in the answer or a poll), or after it has held for the wait's
    /// settle time. Without this rule a wait can end before Atlas starts the change.
    pub after_change: bool,
}

/// What one poll saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    /// The resource, in this state (`None`: the answer had no state).
    State(Option<&'a str>),
    /// `404`: no such resource.
    Gone,
}

/// What the wait does after a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Poll again.
    Continue,
    /// The operation's work is done.
    Done,
    /// The resource is in one of [`WaitRule::failures`].
    Failed,
    /// The resource disappeared while a state was awaited.
    Gone,
}

/// The rule of one wait applied poll after poll: whether the change was seen to begin,
/// since when a target state holds, whether the resource was ever seen.
#[derive(Debug, Clone)]
pub struct Progress {
    rule: WaitRule,
    settle: Duration,
    change_seen: bool,
    target_since: Option<Duration>,
    resource_seen: bool,
}

impl Progress {
    /// A wait by `rule`, where an unseen change is taken as done once a target state has
    /// held for `settle`; `answer_state` is the state in the operation's own answer.
    #[must_use]
    pub fn new(rule: WaitRule, settle: Duration, answer_state: Option<&str>) -> Self {
        let change_seen = answer_state.is_some_and(|state| !rule.targets.contains(&state));
        Progress {
            rule,
            settle,
            change_seen,
            target_since: None,
            resource_seen: false,
        }
    }

    /// Whether the change the operation asked for was seen to begin.
    #[must_use]
    pub fn change_seen(&self) -> bool {
        self.change_seen
    }

    /// The verdict on what a poll `elapsed` after the wait began saw.
    ///
    /// A `404` before the resource was ever seen is a creation not yet visible, polled
    /// again; after, it ends a wait for a state as [`Verdict::Gone`].
    pub fn observe(&mut self, seen: Seen<'_>, elapsed: Duration) -> Verdict {
        let state = match seen {
            Seen::Gone if self.rule.ends_when_gone => return Verdict::Done,
            Seen::Gone if self.resource_seen => return Verdict::Gone,
            Seen::Gone => return Verdict::Continue,
            Seen::State(_) if self.rule.ends_when_gone => {
                self.resource_seen = true;
                return Verdict::Continue;
            }
            Seen::State(state) => {
                self.resource_seen = true;
                state
            }
        };
        let Some(state) = state else {
            return Verdict::Continue;
        };
        if self.rule.failures.contains(&state) {
            return Verdict::Failed;
        }
        if !self.rule.targets.contains(&state) {
            self.change_seen = true;
            self.target_since = None;
            return Verdict::Continue;
        }
        if !self.rule.after_change || self.change_seen {
            return Verdict::Done;
        }
        let since = *self.target_since.get_or_insert(elapsed);
        if elapsed.saturating_sub(since) >= self.settle {
            Verdict::Done
        } else {
            Verdict::Continue
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLUSTER: WaitRule = WaitRule {
        poll_operation: "getCluster",
        state_path: "$.stateName",
        targets: &["IDLE"],
        failures: &[],
        ends_when_gone: false,
        after_change: false,
    };

    const UPDATE: WaitRule = WaitRule {
        after_change: true,
        ..CLUSTER
    };

    const DELETE: WaitRule = WaitRule {
        state_path: "",
        targets: &[],
        ends_when_gone: true,
        ..CLUSTER
    };

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn a_create_ends_at_its_target_and_waits_out_a_404_before_the_resource_shows() {
        let mut wait = Progress::new(CLUSTER, secs(30), None);
        assert_eq!(wait.observe(Seen::Gone, secs(1)), Verdict::Continue);
        assert_eq!(
            wait.observe(Seen::State(Some("CREATING")), secs(2)),
            Verdict::Continue
        );
        assert_eq!(wait.observe(Seen::State(None), secs(3)), Verdict::Continue);
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(4)),
            Verdict::Done
        );
        let mut wait = Progress::new(CLUSTER, secs(30), None);
        wait.observe(Seen::State(Some("CREATING")), secs(1));
        assert_eq!(wait.observe(Seen::Gone, secs(2)), Verdict::Gone);
    }

    #[test]
    fn a_failure_state_ends_the_wait() {
        let rule = WaitRule {
            failures: &["FAILED"],
            ..CLUSTER
        };
        let mut wait = Progress::new(rule, secs(30), None);
        assert_eq!(
            wait.observe(Seen::State(Some("FAILED")), secs(1)),
            Verdict::Failed
        );
    }

    /// The Terraform provider's race (#3315): an update whose first poll comes before
    /// Atlas starts the change sees the old `IDLE`.
    #[test]
    fn an_update_waits_for_its_change_to_begin() {
        let mut wait = Progress::new(UPDATE, secs(30), None);
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(5)),
            Verdict::Continue,
            "the change has not begun"
        );
        assert_eq!(
            wait.observe(Seen::State(Some("UPDATING")), secs(10)),
            Verdict::Continue
        );
        assert!(wait.change_seen());
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(15)),
            Verdict::Done
        );
    }

    #[test]
    fn an_update_whose_answer_shows_the_change_needs_no_other_sign() {
        let mut wait = Progress::new(UPDATE, secs(30), Some("UPDATING"));
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(1)),
            Verdict::Done
        );
        let mut wait = Progress::new(UPDATE, secs(30), Some("IDLE"));
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(1)),
            Verdict::Continue
        );
    }

    #[test]
    fn an_update_that_changes_nothing_ends_once_its_target_held_for_the_settle_time() {
        let mut wait = Progress::new(UPDATE, secs(30), None);
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(10)),
            Verdict::Continue
        );
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(39)),
            Verdict::Continue
        );
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(40)),
            Verdict::Done
        );
    }

    #[test]
    fn a_delete_ends_on_404_only() {
        let mut wait = Progress::new(DELETE, secs(30), None);
        assert_eq!(
            wait.observe(Seen::State(Some("DELETING")), secs(1)),
            Verdict::Continue
        );
        assert_eq!(
            wait.observe(Seen::State(Some("IDLE")), secs(2)),
            Verdict::Continue
        );
        assert_eq!(wait.observe(Seen::Gone, secs(3)), Verdict::Done);
    }
}
