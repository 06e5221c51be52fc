//! Motions through a set of points: the playhead stepping over clip
//! boundaries, markers or breakpoints with a count.

/// Where `count` steps through `points` from `from` land (the points
/// before it when going back); `from` itself when there is none.
pub fn step_through(mut points: Vec<u64>, from: u64, count: u32, forward: bool) -> u64 {
    points.sort_unstable();
    points.dedup();
    let mut p = from;
    for _ in 0..count {
        let next = if forward {
            points.iter().copied().find(|&x| x > p)
        } else {
            points.iter().rev().copied().find(|&x| x < p)
        };
        match next {
            Some(x) => p = x,
            None => break,
        }
    }
    p
}
