//! A fixed delay: what keeps signals in step with a limiter's lookahead.

/// A delay line of fixed length for one channel.
#[derive(Debug, Clone)]
pub struct Delay {
    line: Vec<f32>,
    at: usize,
}

impl Delay {
    pub fn new(samples: usize) -> Delay {
        Delay {
            line: super::buffer::zeroed(samples),
            at: 0,
        }
    }

    /// The delay, in samples.
    pub fn len(&self) -> usize {
        self.line.len()
    }

    /// Whether it delays nothing.
    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// Forget the signal: silence comes out next.
    pub fn clear(&mut self) {
        self.line.fill(0.0);
        self.at = 0;
    }

    /// Replace `x` by the signal `samples` earlier.
    pub fn process(&mut self, x: &mut [f32]) {
        if self.line.is_empty() {
            return;
        }
        for s in x {
            std::mem::swap(s, &mut self.line[self.at]);
            self.at += 1;
            if self.at == self.line.len() {
                self.at = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delay_line_delays_exactly() {
        let mut d = Delay::new(3);
        let mut x = [1.0, 2.0, 3.0, 4.0, 5.0];
        d.process(&mut x[..2]);
        d.process(&mut x[2..]);
        assert_eq!(x, [0.0, 0.0, 0.0, 1.0, 2.0]);
    }
}
