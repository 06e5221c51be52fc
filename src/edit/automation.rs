//! Automation edits: breakpoints added, moved and deleted; a range set to a
//! value, trimmed or thinned; a written pass merged into a lane.

use crate::model::automation::value_at;
use crate::model::{Breakpoint, Lane, LaneTarget};

/// How long the lane takes to get from a written or set value back to
/// what it was, at the edges of a range: 10 ms at 48 kHz.
pub fn edge_ramp(sample_rate: u32) -> u64 {
    sample_rate as u64 / 100
}

/// Put a breakpoint at `at` (replacing one there).
pub fn add_point(lane: &mut Lane, at: u64, value: f32) {
    let value = lane.target.clamp(value);
    let i = lane.points.partition_point(|p| p.at < at);
    match lane.points.get_mut(i) {
        Some(p) if p.at == at => p.value = value,
        _ => lane.points.insert(i, Breakpoint { at, value }),
    }
}

/// The breakpoint nearest `at`, within `reach` samples.
pub fn point_near(lane: &Lane, at: u64, reach: u64) -> Option<usize> {
    lane.points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.at.abs_diff(at) <= reach)
        .min_by_key(|(_, p)| p.at.abs_diff(at))
        .map(|(i, _)| i)
}

/// Move breakpoint `i` by `by` samples, not past its neighbours.
pub fn move_point(lane: &mut Lane, i: usize, by: i64) -> u64 {
    let lo = if i == 0 { 0 } else { lane.points[i - 1].at + 1 };
    let hi = lane.points.get(i + 1).map_or(u64::MAX, |p| p.at - 1);
    let p = &mut lane.points[i];
    p.at = p.at.saturating_add_signed(by).clamp(lo, hi.max(lo));
    p.at
}

/// Change breakpoint `i`'s value by `by`.
pub fn change_point(lane: &mut Lane, i: usize, by: f32) -> f32 {
    let target = lane.target.clone();
    let p = &mut lane.points[i];
    p.value = target.clamp(p.value + by);
    p.value
}

/// The lane's value at `at`, or `base` (the control's own setting) when
/// the lane is empty.
pub fn value_or(lane: &Lane, at: u64, base: f32) -> f32 {
    lane.value_at(at).unwrap_or(base)
}

/// Replace the lane over `start..=end` with `inner` (breakpoints inside the
/// span), ramping from and back to what was there over `ramp` samples
/// outside it.
pub fn replace(lane: &mut Lane, start: u64, end: u64, inner: &[Breakpoint], ramp: u64, base: f32) {
    let stepped = lane.target.stepped();
    let old = |at: u64| value_at(&lane.points, at, stepped).unwrap_or(base);
    let before_at = start.saturating_sub(ramp);
    let after_at = end.saturating_add(ramp.max(1));
    let mut new = Vec::with_capacity(inner.len() + 2);
    if before_at < start {
        new.push(Breakpoint {
            at: before_at,
            value: old(before_at),
        });
    }
    new.extend(
        inner
            .iter()
            .copied()
            .filter(|p| p.at >= start && p.at <= end),
    );
    new.push(Breakpoint {
        at: after_at,
        value: old(after_at),
    });
    lane.points.retain(|p| p.at < before_at || p.at > after_at);
    let i = lane.points.partition_point(|p| p.at < before_at);
    lane.points.splice(i..i, new);
    lane.points.dedup_by_key(|p| p.at);
}

/// Set `start..end` of the lane to `value`.
pub fn set_range(lane: &mut Lane, start: u64, end: u64, value: f32, ramp: u64, base: f32) {
    let value = lane.target.clamp(value);
    let inner = [
        Breakpoint { at: start, value },
        Breakpoint { at: end, value },
    ];
    replace(lane, start, end, &inner, ramp, base);
}

/// Raise or lower `start..end` of a level lane by `db`, keeping its shape.
pub fn trim_range(
    lane: &mut Lane,
    start: u64,
    end: u64,
    db: f32,
    ramp: u64,
    base: f32,
) -> Result<(), String> {
    if !lane.target.trimmable() {
        return Err(format!(
            "{} is not a level: trim works in dB",
            lane.target.name()
        ));
    }
    let target = lane.target.clone();
    let mut inner = vec![Breakpoint {
        at: start,
        value: value_or(lane, start, base),
    }];
    inner.extend(
        lane.points
            .iter()
            .copied()
            .filter(|p| p.at > start && p.at < end),
    );
    inner.push(Breakpoint {
        at: end,
        value: value_or(lane, end, base),
    });
    for p in &mut inner {
        p.value = target.clamp(p.value + db);
    }
    replace(lane, start, end, &inner, ramp, base);
    Ok(())
}

/// Remove breakpoints of `start..=end` that the line between their
/// neighbours follows within `tolerance` (Ramer-Douglas-Peucker). Returns
/// how many went.
pub fn thin(lane: &mut Lane, start: u64, end: u64, tolerance: f32) -> usize {
    let inside: Vec<usize> = (0..lane.points.len())
        .filter(|&i| lane.points[i].at >= start && lane.points[i].at <= end)
        .collect();
    if inside.len() < 3 || lane.target.stepped() {
        return 0;
    }
    let (first, last) = (inside[0], *inside.last().unwrap_or(&0));
    let mut keep = vec![false; lane.points.len()];
    keep[first] = true;
    keep[last] = true;
    let mut stack = vec![(first, last)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (pa, pb) = (lane.points[a], lane.points[b]);
        let mut worst = (0.0f32, a);
        for (k, p) in lane.points.iter().enumerate().take(b).skip(a + 1) {
            let t = (p.at - pa.at) as f64 / (pb.at - pa.at).max(1) as f64;
            let line = pa.value as f64 + (pb.value as f64 - pa.value as f64) * t;
            let err = (p.value as f64 - line).abs() as f32;
            if err > worst.0 {
                worst = (err, k);
            }
        }
        if worst.0 > tolerance {
            keep[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
    let before = lane.points.len();
    let mut k = 0;
    lane.points.retain(|_| {
        let inside = k >= first && k <= last;
        let kept = !inside || keep[k];
        k += 1;
        kept
    });
    before - lane.points.len()
}

/// How close thinning keeps a lane to what was written.
pub fn tolerance(target: &LaneTarget) -> f32 {
    match target {
        LaneTarget::Volume | LaneTarget::Send(_) => 0.1,
        LaneTarget::Pan => 0.005,
        LaneTarget::Mute => 0.0,
        LaneTarget::Strip(p) => p.step() * 0.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane(points: &[(u64, f32)]) -> Lane {
        let mut l = Lane::new(LaneTarget::Volume);
        for &(at, value) in points {
            add_point(&mut l, at, value);
        }
        l
    }

    #[test]
    fn set_range_holds_the_value_and_returns_outside() {
        let mut l = lane(&[(0, -10.0), (10_000, -10.0)]);
        set_range(&mut l, 2000, 4000, -20.0, 100, 0.0);
        assert_eq!(l.value_at(1800), Some(-10.0));
        assert_eq!(l.value_at(1900), Some(-10.0));
        assert_eq!(l.value_at(2000), Some(-20.0));
        assert_eq!(l.value_at(3000), Some(-20.0));
        assert_eq!(l.value_at(4000), Some(-20.0));
        assert_eq!(l.value_at(4100), Some(-10.0));
        assert_eq!(l.value_at(9000), Some(-10.0));
    }

    #[test]
    fn set_range_on_an_empty_lane_uses_the_fader() {
        let mut l = Lane::new(LaneTarget::Volume);
        set_range(&mut l, 1000, 2000, -6.0, 100, -3.0);
        assert_eq!(l.value_at(0), Some(-3.0));
        assert_eq!(l.value_at(1500), Some(-6.0));
        assert_eq!(l.value_at(5000), Some(-3.0));
    }

    #[test]
    fn trim_keeps_the_shape() {
        let mut l = lane(&[(0, 0.0), (1000, -10.0), (2000, 0.0)]);
        trim_range(&mut l, 500, 1500, -3.0, 10, 0.0).unwrap();
        assert_eq!(l.value_at(1000), Some(-13.0));
        assert_eq!(l.value_at(500), Some(-8.0));
        assert_eq!(l.value_at(2000), Some(0.0));
        assert_eq!(l.value_at(0), Some(0.0));
    }

    #[test]
    fn thinning_drops_points_on_a_line_and_keeps_corners() {
        let pts: Vec<(u64, f32)> = (0..=100)
            .map(|i| (i * 100, if i <= 50 { i as f32 * 0.1 } else { 5.0 }))
            .collect();
        let mut l = lane(&pts);
        let gone = thin(&mut l, 0, 10_000, 0.01);
        assert_eq!(l.points.len(), 3, "{:?}", l.points);
        assert_eq!(gone, 98);
        assert_eq!(l.value_at(2500), Some(2.5));
    }

    #[test]
    fn points_move_between_neighbours() {
        let mut l = lane(&[(100, 0.0), (200, 1.0), (300, 2.0)]);
        assert_eq!(move_point(&mut l, 1, 500), 299);
        assert_eq!(move_point(&mut l, 1, -1000), 101);
        assert_eq!(point_near(&l, 120, 30), Some(1));
        assert_eq!(change_point(&mut l, 0, 100.0), 12.0);
    }
}
