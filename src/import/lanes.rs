//! A track's automation from the cut (AAF): its volume and pan
//! breakpoints, or the level keyframes of its clips as volume breakpoints,
//! unity between the clips that have them.

use super::cut::{CutClip, CutTrack};
use super::report::Report;
use super::time::Seconds;
use crate::model::{AutoMode, Breakpoint, Clip, Lane, LaneTarget};

/// The track's automation: the cut's volume and pan breakpoints, or
/// the level keyframes of its clips as volume breakpoints (unity
/// between the clips that have them).
pub fn lanes(
    track: &CutTrack,
    clips: &[(Clip, &CutClip)],
    start: Seconds,
    sample_rate: u32,
    report: &mut Report,
) -> Vec<Lane> {
    let samples =
        |at: Seconds| -> u64 { u64::try_from((at - start).to_samples(sample_rate)).unwrap_or(0) };
    let lane = |target: LaneTarget, points: Vec<Breakpoint>| Lane {
        target,
        mode: AutoMode::Read,
        points,
    };
    let at = |points: &[(Seconds, f32)], range: (f32, f32)| -> Vec<Breakpoint> {
        points
            .iter()
            .filter(|(t, _)| *t >= start)
            .map(|&(t, value)| Breakpoint {
                at: samples(t),
                value: value.clamp(range.0, range.1),
            })
            .collect()
    };
    let mut lanes = Vec::new();
    let mut volume = at(&track.mix.volume, LaneTarget::Volume.range());
    let keyed: Vec<&(Clip, &CutClip)> = clips
        .iter()
        .filter(|(_, c)| !c.edits.level.is_empty())
        .collect();
    if !keyed.is_empty() && !volume.is_empty() {
        report.unsupported.push(format!(
            "{}: level keyframes on {} clip(s) of a track that also has volume automation: the track's automation is used",
            track.name,
            keyed.len()
        ));
    } else if !keyed.is_empty() {
        let range = LaneTarget::Volume.range();
        let mut last_end = None;
        for (clip, cut_clip) in keyed {
            let clip_start = cut_clip.record_in;
            if clip.position > 0 && last_end != Some(clip.position) {
                volume.push(Breakpoint {
                    at: clip.position - 1,
                    value: 0.0,
                });
            }
            for &(t, db) in &cut_clip.edits.level {
                let at = samples(clip_start + t).clamp(clip.position, clip.end() - 1);
                volume.push(Breakpoint {
                    at,
                    value: db.clamp(range.0, range.1),
                });
            }
            volume.push(Breakpoint {
                at: clip.end(),
                value: 0.0,
            });
            last_end = Some(clip.end());
        }
        // Keep the last value given for a sample.
        volume.reverse();
        volume.sort_by_key(|b| b.at);
        volume.dedup_by_key(|b| b.at);
    }
    if !volume.is_empty() {
        lanes.push(lane(LaneTarget::Volume, volume));
    }
    let pan = at(&track.mix.pan_points, LaneTarget::Pan.range());
    if !pan.is_empty() {
        lanes.push(lane(LaneTarget::Pan, pan));
    }
    lanes
}
