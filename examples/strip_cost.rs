//! How much one full channel strip costs per sample: `cargo run --release
//! --example strip_cost` (use `perf stat` for instruction counts).

use dubstage::dsp::noise::Noise;
use dubstage::dsp::strip::StripProcessor;
use dubstage::model::strip::Strip;

fn main() {
    let mut strip = Strip::default();
    strip.hpf.on = true;
    for band in &mut strip.eq {
        band.on = true;
        band.gain_db = 2.0;
    }
    strip.compressor.on = true;
    let mut p = StripProcessor::new(strip, 48_000);
    let mut noise = Noise::new(1);
    let mut block = vec![vec![0f32; 4096]];
    let blocks = 48_000 * 60 / 4096;
    // Every output sample folded in: a change that should not change the
    // sound must leave this alone.
    let mut checksum = 0u64;
    let mut spent = std::time::Duration::ZERO;
    for _ in 0..blocks {
        for s in block[0].iter_mut() {
            *s = noise.next().unwrap_or(0.0) * 0.3;
        }
        let t = std::time::Instant::now();
        p.process(&mut block, 4096);
        spent += t.elapsed();
        for s in &block[0] {
            checksum = checksum.rotate_left(5) ^ u64::from(s.to_bits());
        }
    }
    let samples = (blocks * 4096) as f64;
    println!(
        "one mono strip (HPF, 4 EQ bands, compressor): {:.1} ns per sample (output checksum {checksum:016x})",
        spent.as_secs_f64() / samples * 1e9
    );
    // Two tracks' strips at once, as the engine runs them.
    let mut q = p.clone();
    let mut other = vec![vec![0f32; 4096]];
    let mut spent = std::time::Duration::ZERO;
    for _ in 0..blocks {
        for s in block[0].iter_mut().chain(other[0].iter_mut()) {
            *s = noise.next().unwrap_or(0.0) * 0.3;
        }
        let t = std::time::Instant::now();
        StripProcessor::process_two(&mut p, &mut block, &mut q, &mut other, 4096);
        spent += t.elapsed();
    }
    println!(
        "two mono strips at once: {:.1} ns per sample of each",
        spent.as_secs_f64() / samples / 2.0 * 1e9
    );
}
