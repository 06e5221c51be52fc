//! Panning a track into the buses and stems: the gain from each track
//! channel to each output channel of a stereo or 5.1 layout.
//!
//! Stereo: a mono track pans with the session's pan law: each side's gain is
//! `cos(θ)^p` with θ running from 0 (left) to π/2 (right), and p = 1, 1.5 or
//! 2 for the -3, -4.5 and -6 dB laws (the level of each side at centre). A
//! stereo track's pan is a balance control, unity on both sides at centre.
//!
//! 5.1 (L R C LFE Ls Rs): a mono track pans across L-C-R in pairs with the
//! same law, moves back toward Ls/Rs with `surround`, and spreads over L, C
//! and R with `divergence` (power-preserving: dialog panned centre with no
//! divergence plays from C alone). A stereo track keeps L and R apart and
//! moves back with `surround`. The LFE send is added on top.

use std::f32::consts::FRAC_PI_2;

use crate::model::{Layout, PanLaw, TrackFormat};

/// Most output channels (5.1).
pub const MAX_OUT: usize = 6;
/// Gains from each of a track's (at most two) channels to each output channel.
pub type Matrix = [[f32; MAX_OUT]; 2];

const L: usize = 0;
const R: usize = 1;
const C: usize = 2;
const LFE: usize = 3;
const LS: usize = 4;
const RS: usize = 5;

/// The exponent of a pan law.
fn exponent(law: PanLaw) -> f32 {
    match law {
        PanLaw::Minus3 => 1.0,
        PanLaw::Minus4_5 => 1.5,
        PanLaw::Minus6 => 2.0,
    }
}

/// The two gains of a pair for `t` from 0 (all first) to 1 (all second).
fn pair(t: f32, law: PanLaw) -> (f32, f32) {
    let t = t.clamp(0.0, 1.0);
    let p = exponent(law);
    let (a, b) = (
        (t * FRAC_PI_2).cos().max(0.0),
        (t * FRAC_PI_2).sin().max(0.0),
    );
    if t == 0.5 && p == 1.0 {
        return (
            std::f32::consts::FRAC_1_SQRT_2,
            std::f32::consts::FRAC_1_SQRT_2,
        );
    }
    (a.powf(p), b.powf(p))
}

/// Left and right gains of a mono source panned to `pan` (-1 left .. 1 right).
pub fn mono_to_stereo(pan: f32, law: PanLaw) -> [f32; 2] {
    let (l, r) = pair((pan.clamp(-1.0, 1.0) + 1.0) / 2.0, law);
    [l, r]
}

/// Left and right gains of a stereo source under a balance control.
pub fn stereo_balance(pan: f32) -> [f32; 2] {
    let pan = pan.clamp(-1.0, 1.0);
    if pan <= 0.0 {
        [1.0, 1.0 + pan]
    } else {
        [1.0 - pan, 1.0]
    }
}

/// Where a track sits: its pan controls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub pan: f32,
    pub surround: f32,
    pub divergence: f32,
    /// Linear LFE send.
    pub lfe: f32,
}

/// The gains of a mono source across L, C and R.
fn front(pan: f32, divergence: f32, law: PanLaw) -> [f32; 3] {
    let pan = pan.clamp(-1.0, 1.0);
    let pinpoint = if pan <= 0.0 {
        let (l, c) = pair(pan + 1.0, law);
        [l, c, 0.0]
    } else {
        let (c, r) = pair(pan, law);
        [0.0, c, r]
    };
    let d = divergence.clamp(0.0, 1.0);
    if d == 0.0 {
        return pinpoint;
    }
    // Blend the powers of the pinpoint and of an even spread over L, C, R.
    let spread = 1.0 / 3.0;
    pinpoint.map(|g| ((1.0 - d) * g * g + d * spread).sqrt())
}

/// The matrix for a track of `format` in `layout`, before its fader.
pub fn matrix(layout: Layout, format: TrackFormat, law: PanLaw, at: Position) -> Matrix {
    let mut m = [[0.0; MAX_OUT]; 2];
    match (layout, format) {
        (Layout::Stereo, TrackFormat::Mono) => {
            let [l, r] = mono_to_stereo(at.pan, law);
            m[0][L] = l;
            m[0][R] = r;
        }
        (Layout::Stereo, TrackFormat::Stereo) => {
            let [l, r] = stereo_balance(at.pan);
            m[0][L] = l;
            m[1][R] = r;
        }
        (Layout::FivePointOne, TrackFormat::Mono) => {
            let (to_front, to_back) = pair(at.surround, PanLaw::Minus3);
            let [l, c, r] = front(at.pan, at.divergence, law);
            m[0][L] = l * to_front;
            m[0][C] = c * to_front;
            m[0][R] = r * to_front;
            let (ls, rs) = pair((at.pan.clamp(-1.0, 1.0) + 1.0) / 2.0, law);
            m[0][LS] = ls * to_back;
            m[0][RS] = rs * to_back;
            m[0][LFE] = at.lfe;
        }
        (Layout::FivePointOne, TrackFormat::Stereo) => {
            let (to_front, to_back) = pair(at.surround, PanLaw::Minus3);
            let [l, r] = stereo_balance(at.pan);
            m[0][L] = l * to_front;
            m[0][LS] = l * to_back;
            m[1][R] = r * to_front;
            m[1][RS] = r * to_back;
            m[0][LFE] = at.lfe * 0.5;
            m[1][LFE] = at.lfe * 0.5;
        }
    }
    m
}

/// Fold a 5.1 frame down to stereo for the monitor pair (ITU-R BS.775, no LFE).
pub fn fold_down(frame: &[f32]) -> [f32; 2] {
    const K: f32 = std::f32::consts::FRAC_1_SQRT_2;
    [
        frame[L] + K * frame[C] + K * frame[LS],
        frame[R] + K * frame[C] + K * frame[RS],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(g: f32) -> f32 {
        20.0 * g.log10()
    }

    #[test]
    fn pan_laws_at_centre() {
        for (law, want) in [
            (PanLaw::Minus3, -3.0103),
            (PanLaw::Minus4_5, -4.5154),
            (PanLaw::Minus6, -6.0206),
        ] {
            let [l, r] = mono_to_stereo(0.0, law);
            assert!(
                (db(l) - want).abs() < 0.001 && l == r,
                "{law:?}: {} dB",
                db(l)
            );
            assert!((mono_to_stereo(-1.0, law)[0] - 1.0).abs() < 1e-6);
            assert!(mono_to_stereo(-1.0, law)[1] < 1e-6);
        }
        for i in -10..=10 {
            let [l, r] = mono_to_stereo(i as f32 / 10.0, PanLaw::Minus3);
            assert!((l * l + r * r - 1.0).abs() < 1e-5, "constant power");
            let [l, r] = mono_to_stereo(i as f32 / 10.0, PanLaw::Minus6);
            assert!((l + r - 1.0).abs() < 1e-5, "constant amplitude");
        }
    }

    #[test]
    fn dialog_panned_centre_is_in_c_alone() {
        let at = Position {
            pan: 0.0,
            surround: 0.0,
            divergence: 0.0,
            lfe: 0.0,
        };
        let m = matrix(Layout::FivePointOne, TrackFormat::Mono, PanLaw::Minus3, at);
        assert_eq!(m[0], [0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn five_one_panning_keeps_power() {
        for (pan, surround, divergence) in [
            (-1.0, 0.0, 0.0),
            (-0.5, 0.3, 0.2),
            (0.7, 1.0, 0.0),
            (0.2, 0.5, 1.0),
        ] {
            let at = Position {
                pan,
                surround,
                divergence,
                lfe: 0.0,
            };
            let m = matrix(Layout::FivePointOne, TrackFormat::Mono, PanLaw::Minus3, at);
            let power: f32 = m[0].iter().map(|g| g * g).sum();
            assert!(
                (power - 1.0).abs() < 1e-5,
                "{pan} {surround} {divergence}: {power}"
            );
        }
        let full = matrix(
            Layout::FivePointOne,
            TrackFormat::Mono,
            PanLaw::Minus3,
            Position {
                pan: 0.0,
                surround: 0.0,
                divergence: 1.0,
                lfe: 0.0,
            },
        );
        assert!((full[0][L] - full[0][C]).abs() < 1e-6 && (full[0][R] - full[0][C]).abs() < 1e-6);
        let back = matrix(
            Layout::FivePointOne,
            TrackFormat::Mono,
            PanLaw::Minus3,
            Position {
                pan: -1.0,
                surround: 1.0,
                divergence: 0.0,
                lfe: 0.5,
            },
        );
        assert!(back[0][LS] > 0.999 && back[0][L] < 1e-6 && back[0][LFE] == 0.5);
    }

    #[test]
    fn balance_is_unity_at_centre() {
        assert_eq!(stereo_balance(0.0), [1.0, 1.0]);
        assert_eq!(stereo_balance(-0.5), [1.0, 0.5]);
        assert_eq!(stereo_balance(1.0), [0.0, 1.0]);
    }
}
