//! Sample-rate conversion to the session rate (rubato's synchronous FFT
//! resampler), streamed: input arrives in packets of any size, output goes
//! to a sink, and the resampler's own delay is removed so that the output
//! lines up with the input sample for sample.

use rubato::{FftFixedIn, Resampler as _};

/// Input frames per resampler step.
const CHUNK: usize = 4096;

/// Converts a stream of planar audio from one rate to another.
pub struct Resampler {
    inner: FftFixedIn<f32>,
    input: Vec<Vec<f32>>,
    output: Vec<Vec<f32>>,
    /// Output frames still to drop (the resampler's delay).
    skip: usize,
    frames_in: u64,
    frames_out: u64,
    from: u32,
    to: u32,
}

impl Resampler {
    pub fn new(from: u32, to: u32, channels: usize) -> Result<Resampler, String> {
        let inner = FftFixedIn::<f32>::new(from as usize, to as usize, CHUNK, 2, channels)
            .map_err(|e| format!("cannot convert {from} Hz to {to} Hz: {e}"))?;
        let skip = inner.output_delay();
        let output = inner.output_buffer_allocate(true);
        Ok(Resampler {
            inner,
            input: vec![Vec::with_capacity(CHUNK); channels],
            output,
            skip,
            frames_in: 0,
            frames_out: 0,
            from,
            to,
        })
    }

    /// Frames the whole output has for `frames` input frames: ceil(frames * to / from).
    pub fn output_length(&self, frames: u64) -> u64 {
        (frames as u128 * self.to as u128).div_ceil(self.from as u128) as u64
    }

    /// Feed one packet (one slice per channel).
    pub fn push(
        &mut self,
        planes: &[&[f32]],
        sink: &mut impl FnMut(&[&[f32]]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let frames = planes.first().map_or(0, |p| p.len());
        self.frames_in += frames as u64;
        let mut done = 0;
        while done < frames {
            let room = self.inner.input_frames_next() - self.input[0].len();
            let take = room.min(frames - done);
            for (buf, plane) in self.input.iter_mut().zip(planes) {
                buf.extend_from_slice(&plane[done..done + take]);
            }
            done += take;
            if self.input[0].len() == self.inner.input_frames_next() {
                self.step(None, sink)?;
            }
        }
        Ok(())
    }

    /// Flush what is left; the output then has exactly `output_length` frames.
    pub fn finish(
        mut self,
        sink: &mut impl FnMut(&[&[f32]]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let total = self.output_length(self.frames_in);
        while self.frames_out < total {
            let want = self.inner.input_frames_next();
            for buf in self.input.iter_mut() {
                buf.resize(want, 0.0);
            }
            self.step(Some(total), sink)?;
        }
        Ok(())
    }

    fn step(
        &mut self,
        limit: Option<u64>,
        sink: &mut impl FnMut(&[&[f32]]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let (_, produced) = self
            .inner
            .process_into_buffer(&self.input, &mut self.output, None)
            .map_err(std::io::Error::other)?;
        for buf in self.input.iter_mut() {
            buf.clear();
        }
        let skip = self.skip.min(produced);
        self.skip -= skip;
        let mut end = produced;
        if let Some(total) = limit {
            end = end.min(skip + (total - self.frames_out) as usize);
        }
        if end > skip {
            let planes: Vec<&[f32]> = self.output.iter().map(|o| &o[skip..end]).collect();
            sink(&planes)?;
            self.frames_out += (end - skip) as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(from: u32, to: u32, input: &[f32]) -> Vec<f32> {
        let mut r = Resampler::new(from, to, 1).unwrap();
        let mut out = Vec::new();
        let mut sink = |p: &[&[f32]]| {
            out.extend_from_slice(p[0]);
            Ok(())
        };
        for chunk in input.chunks(1000) {
            r.push(&[chunk], &mut sink).unwrap();
        }
        r.finish(&mut sink).unwrap();
        out
    }

    #[test]
    fn length_and_alignment_hold() {
        // A 1 kHz sine at 44.1 kHz becomes a 1 kHz sine at 48 kHz, in phase.
        let n = 44_100;
        let input: Vec<f32> = (0..n)
            .map(|i| (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 44_100.0).sin() as f32 * 0.5)
            .collect();
        let out = run(44_100, 48_000, &input);
        assert_eq!(out.len(), 48_000);
        let mut worst = 0f64;
        for (i, &s) in out.iter().enumerate().take(47_000).skip(1000) {
            let want = (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 48_000.0).sin() * 0.5;
            worst = worst.max((s as f64 - want).abs());
        }
        assert!(worst < 1e-3, "worst error {worst}");
    }

    #[test]
    fn downsampling_length() {
        let out = run(96_000, 48_000, &vec![0.25; 96_001]);
        assert_eq!(out.len(), 48_001);
        assert!((out[24_000] - 0.25).abs() < 1e-3);
    }
}
