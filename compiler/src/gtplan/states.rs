//! Global tag states and the transitions the conditions database allows
//! (DOMAIN.md): OPEN → TESTING | RUNNING; TESTING → VALIDATED | OPEN;
//! VALIDATED → PUBLISHED | OPEN; PUBLISHED → INVALID; INVALID is final.

use std::collections::VecDeque;

pub const STATES: [&str; 6] = [
    "OPEN",
    "TESTING",
    "VALIDATED",
    "PUBLISHED",
    "RUNNING",
    "INVALID",
];

/// The states a tag may move to next from `state`.
pub fn next_states(state: &str) -> &'static [&'static str] {
    match state {
        "OPEN" => &["TESTING", "RUNNING"],
        "TESTING" => &["VALIDATED", "OPEN"],
        "VALIDATED" => &["PUBLISHED", "OPEN"],
        "PUBLISHED" => &["INVALID"],
        _ => &[],
    }
}

/// The shortest sequence of transitions from `from` to `to` (empty when
/// they are equal); `None` when `to` cannot be reached.
pub fn path(from: &str, to: &str) -> Option<Vec<&'static str>> {
    let start = STATES.iter().find(|s| **s == from)?;
    let mut queue = VecDeque::from([(*start, Vec::new())]);
    let mut seen = vec![*start];
    while let Some((state, steps)) = queue.pop_front() {
        if state == to {
            return Some(steps);
        }
        for &next in next_states(state) {
            if !seen.contains(&next) {
                seen.push(next);
                let mut more = steps.clone();
                more.push(next);
                queue.push_back((next, more));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::path;

    #[test]
    fn transitions_follow_the_conditions_database() {
        assert_eq!(
            path("OPEN", "PUBLISHED"),
            Some(vec!["TESTING", "VALIDATED", "PUBLISHED"])
        );
        assert_eq!(path("OPEN", "RUNNING"), Some(vec!["RUNNING"]));
        assert_eq!(path("OPEN", "OPEN"), Some(vec![]));
        assert_eq!(path("PUBLISHED", "OPEN"), None);
        assert_eq!(path("INVALID", "TESTING"), None);
        assert_eq!(path("VALIDATED", "TESTING"), Some(vec!["OPEN", "TESTING"]));
    }
}
