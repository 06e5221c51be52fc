//! Deterministic white noise (xorshift32): the same seed, the same signal.
//! For test signals and benchmark media; allocation-free.

/// A xorshift32 generator; iterating gives samples uniform in -1..1.
#[derive(Debug, Clone)]
pub struct Noise(u32);

impl Noise {
    /// A generator from its first state (0 would stay 0: it is made 1).
    pub fn new(state: u32) -> Noise {
        Noise(state.max(1))
    }

    /// The next 32 random bits.
    pub fn next_bits(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

impl Iterator for Noise {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        Some((self.next_bits() as i32 as f32) / 2_147_483_648.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Noise;

    #[test]
    fn it_is_white_enough_and_repeats_for_a_seed() {
        let a: Vec<f32> = Noise::new(7).take(48_000).collect();
        assert!(a.iter().all(|x| (-1.0..1.0).contains(x)));
        let mean = a.iter().sum::<f32>() / a.len() as f32;
        let power = a.iter().map(|x| x * x).sum::<f32>() / a.len() as f32;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((power - 1.0 / 3.0).abs() < 0.01, "{power}");
        assert_eq!(a, Noise::new(7).take(48_000).collect::<Vec<_>>());
        assert_ne!(a[..100], Noise::new(8).take(100).collect::<Vec<_>>()[..]);
    }
}
