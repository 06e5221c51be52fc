//! A channel strip at work: the broadband denoiser (or, on a strip
//! without one, the delay that keeps it in step with those that have
//! one), trim and polarity, hum notches, high- and low-pass filters, four
//! EQ bands, expander/gate, compressor and reverb, in that order, on up
//! to six channels with linked dynamics. Settings change through [`Strip::set`]
//! and take effect on the next sample; nothing here allocates.
//!
//! Each channel's filters are one cascade of up to eight sections, run as
//! a wavefront ([`super::wavefront`]); the channels of a stereo strip, or
//! the channels of several strips ([`StripProcessor::process_group`]), go
//! two by two, which costs little more than one. A cascade of one section
//! (a 12 dB/octave pass filter alone) runs across lanes instead, sixteen
//! channels at a time ([`super::across`]). The dynamics work on a control
//! grid ([`super::dynamics`]).

use super::across::run_chains;
use super::biquad::{Coefficients, State, BUTTERWORTH4_Q, BUTTERWORTH_Q};
use super::cascade::Chain;
use super::delay::Delay;
use super::denoise::Denoiser;
use super::dynamics::Dynamics;
use super::gain::db_to_gain;
use super::hum::HumRemover;
use super::reverb::Reverb;
use crate::model::strip::{BandKind, Filter, Slope, Strip, StripParam};

/// Most channels a strip processes (5.1).
pub const MAX_CHANNELS: usize = 6;
/// Filter sections: two for each pass filter (one when 12 dB/octave), four EQ bands.
const SECTIONS: usize = 8;

/// Strips processed together by [`StripProcessor::process_group`]: enough
/// mono tracks to fill the lanes of [`super::across`].
pub const GROUP: usize = super::across::LANES;

/// A strip and the channels it processes, in a group.
pub type Member<'a> = (&'a mut StripProcessor, &'a mut [Vec<f32>]);

/// A strip's settings, its filters' coefficients and every channel's state.
#[derive(Debug, Clone)]
pub struct StripProcessor {
    settings: Strip,
    rate: f32,
    bypassed: bool,
    trim: f32,
    /// The sections in use, in order.
    sections: [Coefficients; SECTIONS],
    used: usize,
    states: [[State; SECTIONS]; MAX_CHANNELS],
    dynamics: Dynamics,
    hum: HumRemover,
    /// Its lines are allocated with the strip, so switching it on in the
    /// callback allocates nothing.
    reverb: Reverb,
    /// Made with the strip when its denoiser is on (turning it on or off
    /// changes the strip's latency, so the desk compiles a new plan).
    denoiser: Option<Box<Denoiser>>,
    /// Per channel: the delay that brings the strip to the plan's latency.
    compensation: Vec<Delay>,
}

fn pass_sections(
    filter: &Filter,
    rate: f64,
    high: bool,
    out: &mut [Coefficients; SECTIONS],
    used: &mut usize,
) {
    if !filter.on {
        return;
    }
    let make = |q| {
        if high {
            Coefficients::high_pass(filter.freq as f64, rate, q)
        } else {
            Coefficients::low_pass(filter.freq as f64, rate, q)
        }
    };
    match filter.slope {
        Slope::Db12 => {
            out[*used] = make(BUTTERWORTH_Q);
            *used += 1;
        }
        Slope::Db24 => {
            for q in BUTTERWORTH4_Q {
                out[*used] = make(q);
                *used += 1;
            }
        }
    }
}

impl StripProcessor {
    pub fn new(settings: Strip, rate: u32) -> StripProcessor {
        let mut p = StripProcessor {
            settings,
            rate: rate as f32,
            bypassed: true,
            trim: 1.0,
            sections: [Coefficients::IDENTITY; SECTIONS],
            used: 0,
            states: [[State::default(); SECTIONS]; MAX_CHANNELS],
            dynamics: Dynamics::default(),
            hum: HumRemover::new(&settings.hum, rate),
            reverb: Reverb::new(&settings.reverb, rate),
            denoiser: settings
                .denoise
                .on
                .then(|| Box::new(Denoiser::new(&settings.denoise, MAX_CHANNELS, rate))),
            compensation: Vec::new(),
        };
        p.prepare();
        p
    }

    pub fn settings(&self) -> &Strip {
        &self.settings
    }

    /// Change one parameter; the filters keep their memory, so a sweep is smooth.
    pub fn set(&mut self, param: StripParam, value: f32) {
        let reverb_was_on = self.settings.reverb.on;
        self.settings.set(param, value);
        if self.settings.reverb.on && !reverb_was_on {
            // No stale tail from the last time it was on.
            self.reverb.clear();
        }
        self.prepare();
    }

    /// Turn the settings into coefficients.
    fn prepare(&mut self) {
        let s = &self.settings;
        let rate = self.rate as f64;
        self.bypassed = s.is_bypassed() && self.denoiser.is_none() && self.compensation.is_empty();
        if let Some(d) = self.denoiser.as_mut() {
            d.configure(&s.denoise);
        }
        let polarity = if s.invert { -1.0 } else { 1.0 };
        self.trim = db_to_gain(s.trim_db) * polarity;
        let mut used = 0;
        pass_sections(&s.hpf, rate, true, &mut self.sections, &mut used);
        pass_sections(&s.lpf, rate, false, &mut self.sections, &mut used);
        for band in s.eq.iter().filter(|b| b.on) {
            let (f, q, g) = (band.freq as f64, band.q as f64, band.gain_db as f64);
            self.sections[used] = match band.kind {
                BandKind::LowShelf => Coefficients::low_shelf(f, rate, q, g),
                BandKind::Bell => Coefficients::bell(f, rate, q, g),
                BandKind::HighShelf => Coefficients::high_shelf(f, rate, q, g),
            };
            used += 1;
        }
        if used < self.used {
            // Sections that fell out start from silence when they come back.
            for channel in self.states.iter_mut() {
                for state in &mut channel[used..self.used] {
                    state.reset();
                }
            }
        }
        self.used = used;
        self.dynamics.configure(&s.gate, &s.compressor, self.rate);
        if s.hum.on {
            self.hum.configure(&s.hum, self.rate as u32);
        }
        if s.reverb.on {
            self.reverb.configure(&s.reverb);
        }
    }

    /// Samples by which the strip's output is late: its denoiser's frame
    /// and the delay added to match the plan.
    pub fn latency(&self) -> usize {
        self.own_latency() + self.compensation.first().map_or(0, Delay::len)
    }

    /// The latency of the strip's own processing (its denoiser).
    pub fn own_latency(&self) -> usize {
        self.denoiser.as_ref().map_or(0, |d| d.latency())
    }

    /// Delay the strip by `samples` more (off the realtime thread, when the
    /// plan is compiled), so it is as late as the latest strip.
    pub fn compensate(&mut self, samples: usize) {
        self.compensation = if samples == 0 {
            Vec::new()
        } else {
            (0..MAX_CHANNELS).map(|_| Delay::new(samples)).collect()
        };
        self.prepare();
    }

    /// Forget what the denoiser and the compensating delay hold (after a
    /// locate).
    pub fn clear_latency(&mut self) {
        if let Some(d) = self.denoiser.as_mut() {
            d.clear();
        }
        for d in &mut self.compensation {
            d.clear();
        }
    }

    /// The denoiser or the compensating delay, first.
    fn front(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        if let Some(d) = self.denoiser.as_mut() {
            d.process(channels, from, to);
        }
        for (delay, plane) in self.compensation.iter_mut().zip(channels.iter_mut()) {
            delay.process(&mut plane[from..to]);
        }
    }

    /// Hum notches, after the trim.
    fn remove_hum(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        if self.settings.hum.on {
            self.hum.process(channels, from, to);
        }
    }

    /// The dynamics, then the reverb.
    fn finish(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        self.dynamics.process(channels, from, to);
        if self.settings.reverb.on {
            self.reverb.process(channels, from, to);
        }
    }

    /// Process `channels[c][..n]` in place.
    pub fn process(&mut self, channels: &mut [Vec<f32>], n: usize) {
        self.process_range(channels, 0, n);
    }

    /// Process samples `from..to` of each channel (automation changes
    /// parameters between such spans).
    pub fn process_range(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        if self.bypassed {
            return;
        }
        let count = channels.len().min(MAX_CHANNELS);
        let channels = &mut channels[..count];
        self.front(channels, from, to);
        self.apply_trim(channels, from, to);
        self.remove_hum(channels, from, to);
        run_chains(self.chains(channels, from, to));
        self.finish(channels, from, to);
    }

    /// Process the first `n` samples of every member's channels, as each
    /// strip would alone: their filters share the wavefront and the lanes
    /// ([`super::across`]), so a group costs far less than its members one
    /// by one. Empty slots and bypassed strips are skipped.
    pub fn process_group(members: &mut [Option<Member<'_>>], n: usize) {
        fn live<'m>(
            member: &'m mut Option<Member<'_>>,
        ) -> Option<(&'m mut StripProcessor, &'m mut [Vec<f32>])> {
            let (strip, channels) = member.as_mut()?;
            let count = channels.len().min(MAX_CHANNELS);
            (!strip.bypassed).then_some((&mut **strip, &mut channels[..count]))
        }
        for (strip, channels) in members.iter_mut().filter_map(live) {
            strip.front(channels, 0, n);
            strip.apply_trim(channels, 0, n);
            strip.remove_hum(channels, 0, n);
        }
        run_chains(
            members
                .iter_mut()
                .filter_map(live)
                .flat_map(|(strip, channels)| strip.chains(channels, 0, n)),
        );
        for (strip, channels) in members.iter_mut().filter_map(live) {
            strip.finish(channels, 0, n);
        }
    }

    /// Process the first `n` samples of two strips' channels: their filters
    /// run two by two in the wavefront, which costs about what one does.
    /// The output is what each would give alone.
    pub fn process_two(
        a: &mut StripProcessor,
        a_channels: &mut [Vec<f32>],
        b: &mut StripProcessor,
        b_channels: &mut [Vec<f32>],
        n: usize,
    ) {
        if a.bypassed || b.bypassed {
            a.process(a_channels, n);
            b.process(b_channels, n);
            return;
        }
        let (a_count, b_count) = (a_channels.len(), b_channels.len());
        let a_channels = &mut a_channels[..a_count.min(MAX_CHANNELS)];
        let b_channels = &mut b_channels[..b_count.min(MAX_CHANNELS)];
        a.front(a_channels, 0, n);
        b.front(b_channels, 0, n);
        a.apply_trim(a_channels, 0, n);
        b.apply_trim(b_channels, 0, n);
        a.remove_hum(a_channels, 0, n);
        b.remove_hum(b_channels, 0, n);
        run_chains(a.chains(a_channels, 0, n).chain(b.chains(b_channels, 0, n)));
        a.finish(a_channels, 0, n);
        b.finish(b_channels, 0, n);
    }

    /// Whether the strip passes its signal untouched.
    pub fn is_bypassed(&self) -> bool {
        self.bypassed
    }

    fn apply_trim(&self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        if self.trim != 1.0 {
            for plane in channels.iter_mut() {
                for s in &mut plane[from..to] {
                    *s *= self.trim;
                }
            }
        }
    }

    /// The filter cascade of each channel over `from..to`.
    fn chains<'a>(
        &'a mut self,
        channels: &'a mut [Vec<f32>],
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = Chain<'a>> {
        let sections = &self.sections[..self.used];
        channels
            .iter_mut()
            .zip(self.states.iter_mut())
            .map(move |(plane, states)| Chain {
                sections,
                states: &mut states[..sections.len()],
                samples: &mut plane[from..to],
            })
    }

    /// Gain reduction in dB now: (gate, compressor), for meters.
    pub fn reduction_db(&self) -> (f32, f32) {
        self.dynamics.reduction_db()
    }
}
