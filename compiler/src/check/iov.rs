//! The algebra of intervals of validity, as the Belle II conditions database
//! defines it: bounds are (experiment, run) pairs ordered lexicographically,
//! both ends inclusive; `EXP:*` is the last run of `EXP`, so the run after
//! it is `EXP+1:0`; an open interval never ends.

use crate::model::{Iov, RunId};

/// The run just after `run`, or `None` past the very last one.
pub fn next(run: RunId) -> Option<RunId> {
    if run.run == RunId::LAST {
        run.exp.checked_add(1).map(|exp| RunId { exp, run: 0 })
    } else {
        Some(RunId {
            exp: run.exp,
            run: run.run + 1,
        })
    }
}

/// The run just before `run`, or `None` before `0:0`.
pub fn prev(run: RunId) -> Option<RunId> {
    if run.run == 0 {
        run.exp.checked_sub(1).map(|exp| RunId {
            exp,
            run: RunId::LAST,
        })
    } else {
        Some(RunId {
            exp: run.exp,
            run: run.run - 1,
        })
    }
}

/// An end bound: `None` is "never ends" and compares after every run.
fn end_le(a: Option<RunId>, b: Option<RunId>) -> bool {
    match (a, b) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => a <= b,
    }
}

fn end_min(a: Option<RunId>, b: Option<RunId>) -> Option<RunId> {
    if end_le(a, b) {
        a
    } else {
        b
    }
}

/// Whether two intervals share a run.
pub fn overlaps(a: &Iov, b: &Iov) -> bool {
    end_le(Some(b.start), a.end) && end_le(Some(a.start), b.end)
}

/// The runs two overlapping intervals share.
pub fn intersection(a: &Iov, b: &Iov) -> Iov {
    Iov {
        start: a.start.max(b.start),
        end: end_min(a.end, b.end),
    }
}

/// `a ..= b`, `a ..` or a single run, as written in manifests.
pub fn format_range(iov: &Iov) -> String {
    let mut out = String::with_capacity(24);
    write_range(&mut out, iov);
    out
}

/// Appends [`format_range`] to `out`, without allocating: a plan for a new
/// tag shows a million ranges.
pub fn write_range(out: &mut String, iov: &Iov) {
    write_run(out, iov.start);
    match iov.end {
        None => out.push_str(" .."),
        Some(end) if end == iov.start => {}
        Some(end) => {
            out.push_str(" ..= ");
            write_run(out, end);
        }
    }
}

/// Appends a run as written in manifests: `EXP:RUN`, or `EXP:*` for the
/// last run of an experiment.
fn write_run(out: &mut String, run: RunId) {
    push_number(out, run.exp);
    out.push(':');
    if run.run == RunId::LAST {
        out.push('*');
    } else {
        push_number(out, run.run);
    }
}

/// The database form `e1,r1,e2,r2` with `-1` for "no bound".
pub fn database_form(iov: &Iov) -> String {
    let mut out = String::with_capacity(24);
    write_database_form(&mut out, iov);
    out
}

/// Appends [`database_form`] to `out`, without allocating: the gtplan
/// target writes one per IoV line, a million for a full tag.
pub fn write_database_form(out: &mut String, iov: &Iov) {
    // Writing to a `String` cannot fail.
    let _ = write_database_form_to(out, iov);
}

/// [`write_database_form`] into any text writer, e.g. a formatter.
pub fn write_database_form_to(out: &mut impl std::fmt::Write, iov: &Iov) -> std::fmt::Result {
    fn number(out: &mut impl std::fmt::Write, n: u64) -> std::fmt::Result {
        out.write_str(itoa::Buffer::new().format(n))
    }
    // The database writes `-1` for the last run of an experiment.
    fn run(out: &mut impl std::fmt::Write, r: u64) -> std::fmt::Result {
        if r == RunId::LAST {
            out.write_str("-1")
        } else {
            number(out, r)
        }
    }
    number(out, iov.start.exp)?;
    out.write_char(',')?;
    match iov.end {
        None => {
            number(out, iov.start.run)?;
            out.write_str(",-1,-1")
        }
        Some(end) => {
            run(out, iov.start.run)?;
            out.write_char(',')?;
            number(out, end.exp)?;
            out.write_char(',')?;
            run(out, end.run)
        }
    }
}

fn push_number(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// What the strict rules find in one payload's intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Intervals `first` and `second` (indices into the input) share `runs`.
    Overlap {
        first: usize,
        second: usize,
        runs: Iov,
    },
    /// No interval covers `runs`, between `before` and `after`.
    Gap {
        before: usize,
        after: usize,
        runs: Iov,
    },
    /// The interval ending last, `last`, is not open.
    LastNotOpen { last: usize },
}

/// Checks intervals with one sort and one sweep: overlaps always, gaps and
/// an open last interval when `strict`. Intervals whose start is after
/// their end are skipped (they are reported on their own).
pub fn sweep(iovs: &[Iov], strict: bool) -> Vec<Finding> {
    let mut order: Vec<usize> = (0..iovs.len())
        .filter(|&i| end_le(Some(iovs[i].start), iovs[i].end))
        .collect();
    order.sort_by_key(|&i| (iovs[i].start, iovs[i].end.is_none(), iovs[i].end));
    let mut findings = Vec::new();
    // The interval reaching furthest so far, and where it ends.
    let mut reach: Option<(usize, Option<RunId>)> = None;
    for &i in &order {
        let iov = &iovs[i];
        if let Some((j, end)) = reach {
            let shared = end_le(Some(iov.start), end);
            if shared {
                findings.push(Finding::Overlap {
                    first: j,
                    second: i,
                    runs: intersection(&iovs[j], iov),
                });
            } else if strict {
                let after_end = end.and_then(next);
                if let (Some(gap_start), Some(gap_end)) = (after_end, prev(iov.start)) {
                    if gap_start <= gap_end {
                        findings.push(Finding::Gap {
                            before: j,
                            after: i,
                            runs: Iov {
                                start: gap_start,
                                end: Some(gap_end),
                            },
                        });
                    }
                }
            }
            if end_le(end, iov.end) && end != iov.end {
                reach = Some((i, iov.end));
            }
        } else {
            reach = Some((i, iov.end));
        }
    }
    if strict {
        if let Some((last, Some(_))) = reach {
            findings.push(Finding::LastNotOpen { last });
        }
    }
    findings
}

/// The parts of `range` that no interval of `cover` contains, in order.
pub fn uncovered(range: &Iov, cover: &[Iov]) -> Vec<Iov> {
    let mut cover: Vec<&Iov> = cover.iter().filter(|c| overlaps(c, range)).collect();
    cover.sort_by_key(|c| c.start);
    let mut missing = Vec::new();
    let mut cursor = Some(range.start);
    for c in cover {
        let Some(at) = cursor else { break };
        if c.start > at {
            let gap_end = end_min(prev(c.start), range.end);
            missing.push(Iov {
                start: at,
                end: gap_end,
            });
        }
        if end_le(Some(at), c.end) {
            cursor = match c.end {
                None => None,
                Some(end) => next(end).filter(|n| end_le(Some(*n), range.end)),
            };
            if c.end.is_some() && !end_le(c.end, range.end) {
                cursor = None;
            }
        }
    }
    if let Some(at) = cursor {
        if end_le(Some(at), range.end) {
            missing.push(Iov {
                start: at,
                end: range.end,
            });
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(exp: u64, run: u64) -> RunId {
        RunId { exp, run }
    }

    const STAR: u64 = RunId::LAST;

    fn closed(a: RunId, b: RunId) -> Iov {
        Iov {
            start: a,
            end: Some(b),
        }
    }

    fn open(a: RunId) -> Iov {
        Iov {
            start: a,
            end: None,
        }
    }

    #[test]
    fn the_run_after_the_last_run_of_an_experiment_starts_the_next() {
        assert_eq!(next(r(5, STAR)), Some(r(6, 0)));
        assert_eq!(next(r(5, 3)), Some(r(5, 4)));
        assert_eq!(prev(r(6, 0)), Some(r(5, STAR)));
        assert_eq!(prev(r(0, 0)), None);
    }

    #[test]
    fn adjacent_across_a_star_bound_is_neither_gap_nor_overlap() {
        let iovs = [closed(r(3, 529), r(7, STAR)), open(r(8, 0))];
        assert_eq!(sweep(&iovs, true), vec![]);
    }

    #[test]
    fn gaps_name_the_uncovered_runs() {
        let iovs = [closed(r(3, 529), r(5, STAR)), open(r(7, 0))];
        assert_eq!(
            sweep(&iovs, true),
            vec![Finding::Gap {
                before: 0,
                after: 1,
                runs: closed(r(6, 0), r(6, STAR))
            }]
        );
        let iovs = [closed(r(3, 0), r(3, 10)), open(r(3, 12))];
        assert_eq!(
            sweep(&iovs, true),
            vec![Finding::Gap {
                before: 0,
                after: 1,
                runs: closed(r(3, 11), r(3, 11))
            }]
        );
    }

    #[test]
    fn overlaps_name_the_shared_runs_and_relaxed_keeps_only_them() {
        let iovs = [open(r(8, 0)), closed(r(3, 529), r(8, 10))];
        let expected = vec![Finding::Overlap {
            first: 1,
            second: 0,
            runs: closed(r(8, 0), r(8, 10)),
        }];
        assert_eq!(sweep(&iovs, true), expected);
        let iovs = [closed(r(1, 0), r(1, 5)), closed(r(3, 0), r(3, 5))];
        assert_eq!(sweep(&iovs, false), vec![]);
        assert_eq!(
            sweep(&iovs, true).len(),
            2,
            "a gap and a closed last interval"
        );
    }

    #[test]
    fn the_last_interval_must_be_open() {
        let iovs = [closed(r(0, 0), r(5, STAR))];
        assert_eq!(sweep(&iovs, true), vec![Finding::LastNotOpen { last: 0 }]);
    }

    #[test]
    fn uncovered_runs_are_ranges() {
        let range = closed(r(3, 1), r(3, 100));
        let cover = [closed(r(3, 10), r(3, 20)), closed(r(3, 50), r(3, STAR))];
        assert_eq!(
            uncovered(&range, &cover),
            vec![closed(r(3, 1), r(3, 9)), closed(r(3, 21), r(3, 49))]
        );
        assert_eq!(uncovered(&range, &[open(r(0, 0))]), vec![]);
        assert_eq!(uncovered(&range, &[]), vec![range]);
        assert_eq!(
            uncovered(&range, &[closed(r(3, 1), r(3, 99))]),
            vec![closed(r(3, 100), r(3, 100))]
        );
    }

    #[test]
    fn database_form_uses_minus_one_for_open_bounds() {
        assert_eq!(database_form(&closed(r(3, 0), r(7, STAR))), "3,0,7,-1");
        assert_eq!(database_form(&open(r(8, 0))), "8,0,-1,-1");
        assert_eq!(database_form(&closed(r(0, 0), r(5, 10))), "0,0,5,10");
    }

    /// A brute-force model on a small universe: experiments 0..4, numeric
    /// runs 0..=4, and a point per experiment for "runs after 4 up to `*`".
    /// Point `POINTS` stands for everything after the last experiment.
    mod brute {
        use super::*;

        pub const EXPS: u64 = 4;
        pub const RUNS: u64 = 5;
        pub const POINTS: usize = (EXPS * (RUNS + 1)) as usize;

        fn index(run: RunId) -> usize {
            let r = if run.run == RunId::LAST {
                RUNS
            } else {
                run.run
            };
            (run.exp * (RUNS + 1) + r) as usize
        }

        /// Which points (and the point past the end) an interval covers.
        pub fn cover(iov: &Iov) -> Vec<bool> {
            let mut covered = vec![false; POINTS + 1];
            let start = index(iov.start);
            let end = iov.end.map_or(POINTS, index);
            for slot in covered.iter_mut().take(end + 1).skip(start) {
                *slot = true;
            }
            covered
        }

        pub fn findings(iovs: &[Iov]) -> (bool, bool, bool) {
            let counts: Vec<usize> = (0..=POINTS)
                .map(|p| iovs.iter().filter(|i| cover(i)[p]).count())
                .collect();
            let overlap = counts.iter().any(|&c| c > 1);
            let first = counts.iter().position(|&c| c > 0);
            let last = counts.iter().rposition(|&c| c > 0);
            let gap = match (first, last) {
                (Some(f), Some(l)) => counts[f..=l].contains(&0),
                _ => false,
            };
            let open = iovs.is_empty() || counts[POINTS] > 0;
            (overlap, gap, !open)
        }
    }

    #[test]
    fn sweep_agrees_with_brute_force_on_random_small_sets() {
        let mut state = 0x1234_5678_u64;
        let mut rand = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for case in 0..20_000 {
            let count = rand(5) as usize;
            let mut iovs = Vec::new();
            for _ in 0..count {
                let point = |rand: &mut dyn FnMut(u64) -> u64, star: bool| {
                    let exp = rand(brute::EXPS);
                    let run = if star && rand(3) == 0 {
                        RunId::LAST
                    } else {
                        rand(brute::RUNS)
                    };
                    RunId { exp, run }
                };
                let a = point(&mut rand, false);
                let b = point(&mut rand, true);
                let iov = match rand(4) {
                    0 => open(a),
                    _ if a <= b => closed(a, b),
                    _ => closed(b.min(a), a.max(b)),
                };
                if iov.end.is_none_or(|e| iov.start <= e) && iov.start.run != RunId::LAST {
                    iovs.push(iov);
                }
            }
            let found = sweep(&iovs, true);
            let overlap = found.iter().any(|f| matches!(f, Finding::Overlap { .. }));
            let gap = found.iter().any(|f| matches!(f, Finding::Gap { .. }));
            let closed_last = found
                .iter()
                .any(|f| matches!(f, Finding::LastNotOpen { .. }));
            assert_eq!(
                (overlap, gap, closed_last),
                brute::findings(&iovs),
                "case {case}: {iovs:?} -> {found:?}"
            );
            // Every reported gap is really uncovered, every overlap really shared.
            for f in &found {
                match f {
                    Finding::Gap { runs, .. } => {
                        assert!(iovs.iter().all(|i| !overlaps(i, runs)), "case {case}")
                    }
                    Finding::Overlap {
                        first,
                        second,
                        runs,
                    } => {
                        assert!(
                            overlaps(&iovs[*first], runs) && overlaps(&iovs[*second], runs),
                            "case {case}"
                        )
                    }
                    Finding::LastNotOpen { .. } => {}
                }
            }
            // Uncovered parts of a range agree with the brute-force cover.
            let range = closed(
                RunId {
                    exp: rand(brute::EXPS),
                    run: 0,
                },
                RunId {
                    exp: brute::EXPS - 1,
                    run: RunId::LAST,
                },
            );
            let missing = uncovered(&range, &iovs);
            let in_range = brute::cover(&range);
            let covered: Vec<bool> = (0..=brute::POINTS)
                .map(|p| iovs.iter().any(|i| brute::cover(i)[p]))
                .collect();
            for p in 0..brute::POINTS {
                let in_missing = missing.iter().any(|m| brute::cover(m)[p]);
                assert_eq!(
                    in_missing,
                    in_range[p] && !covered[p],
                    "case {case} point {p}: {iovs:?} missing {missing:?}"
                );
            }
        }
    }
}
