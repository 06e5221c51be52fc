//! Dialog-gated loudness: the printmaster's integrated loudness measured only
//! where the dialog stem carries speech.
//!
//! This is an open, level-based gate driven by the DX stem, not a speech
//! classifier and not Dolby's Dialogue Intelligence; its readings can differ
//! from a meter that uses that. The rule, on the BS.1770 gating blocks
//! (400 ms, one every 100 ms), taken at the same instants on the DX stem and
//! on the printmaster:
//!
//! 1. A block is *voiced* when the DX loudness in it is at least
//!    [`ABSOLUTE_LUFS`] (-45 LUFS) and no more than [`RELATIVE_LU`] (15 LU)
//!    below the DX stem's own integrated loudness (BS.1770-gated), so room
//!    tone and quiet backgrounds cut into the dialog stem do not count.
//! 2. A block is *dialog* when it is voiced or one of the
//!    [`HANGOVER_BLOCKS`] (3, i.e. 300 ms) blocks before it is, which
//!    bridges the pauses between words.
//! 3. The dialog-gated loudness is the BS.1770 integrated loudness (absolute
//!    gate -70 LUFS, relative gate -10 LU) of the printmaster's dialog blocks.
//!    With less than [`MIN_DIALOG_SECONDS`] of dialog there is none to gate on.
//!
//! Whatever the DX stem carries counts: efforts, walla and crowd cut into it
//! open the gate as speech would.

use serde::Serialize;

use super::{energy_to_lufs, lufs_to_energy};

/// Voiced blocks reach at least this DX loudness.
pub const ABSOLUTE_LUFS: f64 = -45.0;
/// Voiced blocks are at most this far below the DX integrated loudness.
pub const RELATIVE_LU: f64 = 15.0;
/// Blocks after a voiced one that still count as dialog.
pub const HANGOVER_BLOCKS: usize = 3;
/// Seconds between gating blocks.
pub const BLOCK_HOP_SECONDS: f64 = 0.1;
/// Less dialog than this is no dialog.
pub const MIN_DIALOG_SECONDS: f64 = 1.0;

/// The printmaster's loudness over the dialog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DialogLoudness {
    /// Dialog-gated integrated loudness of the printmaster, LUFS; `None`
    /// when there is too little dialog.
    pub integrated: Option<f64>,
    /// Seconds of programme the gate counted as dialog (gating blocks x 0.1 s).
    pub dialog_seconds: f64,
    /// The share of the programme's gating blocks that are dialog, 0 to 1.
    pub dialog_share: f64,
}

/// The speech gate over the gating blocks of a DX stem.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechGate {
    /// Per gating block: is it dialog?
    pub dialog: Vec<bool>,
}

impl SpeechGate {
    /// Apply the rule to the DX stem's gating-block energies, given its
    /// integrated loudness.
    pub fn new(dx_blocks: &[f64], dx_integrated: Option<f64>) -> SpeechGate {
        let Some(integrated) = dx_integrated else {
            return SpeechGate {
                dialog: vec![false; dx_blocks.len()],
            };
        };
        let floor = lufs_to_energy(ABSOLUTE_LUFS.max(integrated - RELATIVE_LU));
        let mut since_voiced = usize::MAX;
        let dialog = dx_blocks
            .iter()
            .map(|&e| {
                since_voiced = if e >= floor {
                    0
                } else {
                    since_voiced.saturating_add(1)
                };
                since_voiced <= HANGOVER_BLOCKS
            })
            .collect();
        SpeechGate { dialog }
    }

    /// The printmaster's integrated loudness over the dialog blocks, from its
    /// gating-block energies (taken at the same instants as the DX's).
    pub fn measure(&self, pm_blocks: &[f64]) -> DialogLoudness {
        let chosen: Vec<f64> = pm_blocks
            .iter()
            .zip(&self.dialog)
            .filter(|(_, &d)| d)
            .map(|(&e, _)| e)
            .collect();
        let dialog_seconds = chosen.len() as f64 * BLOCK_HOP_SECONDS;
        let integrated = if dialog_seconds + 1e-9 < MIN_DIALOG_SECONDS {
            None
        } else {
            gated_loudness(&chosen)
        };
        DialogLoudness {
            integrated,
            dialog_seconds,
            dialog_share: if pm_blocks.is_empty() {
                0.0
            } else {
                chosen.len() as f64 / pm_blocks.len().min(self.dialog.len()).max(1) as f64
            },
        }
    }
}

/// BS.1770 gated loudness of a set of gating-block energies: blocks above
/// -70 LUFS, then those above their mean less 10 LU.
pub fn gated_loudness(blocks: &[f64]) -> Option<f64> {
    let mean_above = |threshold: f64| {
        let (sum, n) = blocks
            .iter()
            .filter(|&&e| e > threshold)
            .fold((0.0, 0usize), |(s, n), &e| (s + e, n + 1));
        (n > 0).then(|| sum / n as f64)
    };
    let absolute = mean_above(lufs_to_energy(-70.0))?;
    let relative = absolute * 10f64.powf(-10.0 / 10.0);
    mean_above(relative).and_then(energy_to_lufs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_opens_on_voiced_blocks_and_hangs_over() {
        let speech = lufs_to_energy(-25.0);
        let tone = lufs_to_energy(-50.0);
        let mut dx = vec![tone; 10];
        dx[2] = speech;
        dx[3] = speech;
        let gate = SpeechGate::new(&dx, Some(-25.0));
        let open: Vec<usize> = (0..10).filter(|&k| gate.dialog[k]).collect();
        assert_eq!(open, vec![2, 3, 4, 5, 6]);
        assert_eq!(SpeechGate::new(&dx, None).dialog, vec![false; 10]);
    }

    #[test]
    fn gated_loudness_follows_bs1770() {
        // Ten blocks at -20 and ten at -35: the -35 blocks fall under the
        // relative gate (-20 - 3 - 10 = about -33).
        let mut blocks = vec![lufs_to_energy(-20.0); 10];
        blocks.extend(vec![lufs_to_energy(-35.0); 10]);
        blocks.push(lufs_to_energy(-80.0));
        let l = gated_loudness(&blocks).unwrap();
        assert!((l + 20.0).abs() < 1e-9, "{l}");
        assert_eq!(gated_loudness(&[lufs_to_energy(-75.0)]), None);
    }
}
