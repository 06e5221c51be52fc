//! The output stage: a true-peak limiter on each stem and on the
//! printmaster, and the delays that keep every output in step with them.
//!
//! A limiter looks ahead: the gain for a sample is known only
//! [`OutputStage::lookahead`] samples after the sample came in, so the
//! limited signal comes out that much later. Two stages, each active only
//! when one of its limiters is on:
//! 1. **stems**: each stem after its fader, through its own limiter, or
//!    delayed alike when its limiter is off, so DX, MX and FX stay in step;
//! 2. **master**, after the M&E and the printmaster are summed from the
//!    stems: the printmaster through its limiter, the stems and the M&E
//!    delayed alike.
//!
//! So every output (and the monitor pair, taken from the printmaster) is
//! late by the same [`OutputStage::latency`], and where no limiter acts the
//! stems still sum to the printmaster sample for sample. With every limiter
//! off the stage does nothing at all: the outputs are bit for bit what they
//! were without it. The offline renderer takes the latency back out, so a
//! bounce starts on time.
//!
//! Everything is allocated when the Plan is compiled (all four limiters,
//! on or not, so a limiter can be switched on while playing); nothing here
//! allocates, locks or waits.

use crate::dsp::delay::Delay;
use crate::dsp::limiter::{LimiterStats, LimiterTiming, TruePeakLimiter};
use crate::model::limiter::{Limiter, LimiterParam, LOOKAHEAD_MS};

/// Index of the printmaster's limiter; 0, 1, 2 are DX, MX, FX.
pub const PM_LIMITER: usize = 3;
/// Most channels an output has.
const MAX_CHANNELS: usize = 8;

/// Samples by which the output limiters of `session` make its outputs
/// late, as they are set: one limiter's lookahead for the stems' limiters
/// (if any is on) and one for the printmaster's (the whole latency is
/// [`super::plan::latency_of`]).
pub fn limiters_latency_of(session: &crate::model::Session) -> usize {
    let stems = crate::model::StemKind::ALL
        .iter()
        .any(|&k| session.stems.strip(k).limiter.on);
    let stages = usize::from(stems) + usize::from(session.printmaster.limiter.on);
    if stages == 0 {
        return 0;
    }
    let timing = LimiterTiming {
        lookahead_ms: LOOKAHEAD_MS,
        release_ms: 80.0,
    };
    stages * TruePeakLimiter::new(1, session.sample_rate, 0.0, timing, 1).latency()
}

/// The limiters and delays after the stem faders.
#[derive(Debug, Clone)]
pub struct OutputStage {
    channels: usize,
    /// DX, MX, FX, PM.
    settings: [Limiter; 4],
    limiters: Vec<TruePeakLimiter>,
    /// Latency of one limiter.
    lookahead: usize,
    /// Stage 1: every stem channel.
    stem_delays: Vec<Delay>,
    /// Stage 2: every stem channel, then the M&E's, then the printmaster's.
    master_delays: Vec<Delay>,
    /// One gain per frame, for the limiter at work.
    gains: Vec<f32>,
    /// Whether each stage ran in the last block (a stage coming back on
    /// starts from silence, not from what it held when it went off).
    stems_active: bool,
    master_active: bool,
}

impl OutputStage {
    /// An output stage for outputs of `channels` channels (at most 8), with
    /// the stems' and the printmaster's limiter settings.
    pub fn new(
        stems: [Limiter; 3],
        printmaster: Limiter,
        channels: usize,
        sample_rate: u32,
        max_block: usize,
    ) -> OutputStage {
        let channels = channels.min(MAX_CHANNELS);
        let settings = [stems[0], stems[1], stems[2], printmaster];
        let limiters: Vec<TruePeakLimiter> = settings
            .iter()
            .map(|l| {
                TruePeakLimiter::new(
                    channels,
                    sample_rate,
                    l.ceiling_dbtp,
                    LimiterTiming {
                        lookahead_ms: LOOKAHEAD_MS,
                        release_ms: l.release_ms as f64,
                    },
                    max_block,
                )
            })
            .collect();
        let lookahead = limiters[0].latency();
        OutputStage {
            channels,
            settings,
            limiters,
            lookahead,
            stem_delays: (0..3 * channels).map(|_| Delay::new(lookahead)).collect(),
            master_delays: (0..5 * channels).map(|_| Delay::new(lookahead)).collect(),
            gains: vec![1.0; max_block.max(1)],
            stems_active: false,
            master_active: false,
        }
    }

    /// Samples by which one limiter delays its output.
    pub fn lookahead(&self) -> usize {
        self.lookahead
    }

    fn stems_on(&self) -> bool {
        self.settings[..PM_LIMITER].iter().any(|l| l.on)
    }

    fn master_on(&self) -> bool {
        self.settings[PM_LIMITER].on
    }

    /// Samples by which every output is late, with the limiters as set now.
    pub fn latency(&self) -> usize {
        self.lookahead * (usize::from(self.stems_on()) + usize::from(self.master_on()))
    }

    /// The settings of limiter `output` (0..3 the stems, [`PM_LIMITER`]).
    pub fn settings(&self, output: usize) -> Option<&Limiter> {
        self.settings.get(output)
    }

    /// What limiter `output` has done since it was built or last reset.
    pub fn stats(&self, output: usize) -> Option<LimiterStats> {
        self.limiters.get(output).map(TruePeakLimiter::stats)
    }

    /// Change one setting of limiter `output`, from the next block on.
    pub fn set(&mut self, output: usize, param: LimiterParam, value: f32) {
        let (Some(settings), Some(limiter)) =
            (self.settings.get_mut(output), self.limiters.get_mut(output))
        else {
            return;
        };
        let was_on = settings.on;
        settings.set(param, value);
        match param {
            LimiterParam::On if settings.on && !was_on => limiter.reset(),
            LimiterParam::Ceiling => limiter.set_ceiling(settings.ceiling_dbtp),
            LimiterParam::Release => limiter.set_release(settings.release_ms as f64),
            _ => {}
        }
    }

    /// Forget everything in flight (a locate): silence comes out first.
    pub fn reset(&mut self) {
        for d in self.stem_delays.iter_mut().chain(&mut self.master_delays) {
            d.clear();
        }
        for l in &mut self.limiters {
            l.reset();
        }
    }

    /// Stage 1, on the stems after their faders: each stem limited (or
    /// only delayed, when its limiter is off).
    pub fn stems(&mut self, stems: &mut [Vec<Vec<f32>>; 3], n: usize) {
        if !wake(
            self.stems_on(),
            &mut self.stems_active,
            &mut self.stem_delays,
        ) {
            return;
        }
        let n = n.min(self.gains.len());
        let channels = self.channels;
        for (k, stem) in stems.iter_mut().enumerate() {
            let delays = &mut self.stem_delays[k * channels..(k + 1) * channels];
            if self.settings[k].on {
                limit(
                    &mut self.limiters[k],
                    &mut stem[..channels],
                    delays,
                    &mut self.gains[..n],
                );
            } else {
                for (plane, delay) in stem.iter_mut().zip(delays) {
                    delay.process(&mut plane[..n]);
                }
            }
        }
    }

    /// Stage 2, after the M&E and printmaster are summed: the printmaster
    /// limited, the stems and the M&E delayed alike.
    pub fn master(
        &mut self,
        stems: &mut [Vec<Vec<f32>>; 3],
        me: &mut [Vec<f32>],
        printmaster: &mut [Vec<f32>],
        n: usize,
    ) {
        if !wake(
            self.master_on(),
            &mut self.master_active,
            &mut self.master_delays,
        ) {
            return;
        }
        let n = n.min(self.gains.len());
        let channels = self.channels;
        let planes = stems
            .iter_mut()
            .flat_map(|s| s[..channels].iter_mut())
            .chain(me[..channels].iter_mut());
        for (plane, delay) in planes.zip(&mut self.master_delays[..4 * channels]) {
            delay.process(&mut plane[..n]);
        }
        limit(
            &mut self.limiters[PM_LIMITER],
            &mut printmaster[..channels],
            &mut self.master_delays[4 * channels..],
            &mut self.gains[..n],
        );
    }
}

/// Run `planes[..][..gains.len()]` through `limiter`: the gains computed
/// from the signal as it comes in, applied to it delayed to meet them.
/// Whether a stage works this block: `on` now. A stage that wakes starts
/// from empty delay lines, not from what they held when it went to sleep.
fn wake(on: bool, was_on: &mut bool, delays: &mut [Delay]) -> bool {
    if on && !*was_on {
        for d in delays.iter_mut() {
            d.clear();
        }
    }
    *was_on = on;
    on
}

fn limit(
    limiter: &mut TruePeakLimiter,
    planes: &mut [Vec<f32>],
    delays: &mut [Delay],
    gains: &mut [f32],
) {
    let n = gains.len();
    let mut key: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
    for (k, plane) in key.iter_mut().zip(planes.iter()) {
        *k = &plane[..n];
    }
    limiter.gains(&key[..planes.len()], gains);
    for (plane, delay) in planes.iter_mut().zip(delays) {
        let x = &mut plane[..n];
        delay.process(x);
        for (s, g) in x.iter_mut().zip(gains.iter()) {
            *s *= *g;
        }
    }
}
