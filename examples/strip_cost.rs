//! How much one full channel strip costs per sample: `cargo run --release
//! --example strip_cost` (use `perf stat` for instruction counts); and the
//! reverb, hum remover and denoiser alone (a stereo reverb per stereo
//! frame, on noise and on a silent tail, where subnormals would show as a
//! slowdown).

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
    reverb_and_hum();
    lv2_chain();
}

/// Nanoseconds per frame of an insert chain of `inserts` on a mono strip,
/// in 256-frame cycles as playback runs them.
fn chain_cost(inserts: &[dubstage::model::insert::Insert]) -> Option<f64> {
    use dubstage::plugin::InsertChain;
    let (mut chain, problems) = InsertChain::build("cost", inserts, 1, 48_000, 256);
    if !problems.is_empty() {
        println!("LV2: {}", problems.join("; "));
        return None;
    }
    let mut noise = Noise::new(3);
    let mut block = vec![vec![0f32; 256]];
    let blocks = 48_000 * 30 / 256;
    let mut spent = std::time::Duration::ZERO;
    for _ in 0..blocks {
        for s in block[0].iter_mut() {
            *s = noise.next().unwrap_or(0.0) * 0.3;
        }
        let t = std::time::Instant::now();
        chain.process(&mut block, 0, 256);
        spent += t.elapsed();
    }
    std::hint::black_box(&block);
    Some(spent.as_secs_f64() / (blocks * 256) as f64 * 1e9)
}

/// The LV2 insert chain's own cost: one slot of x42's nodelay set to no
/// delay (its run is a short copy), so the figure is the chain's work
/// (connecting ports, resetting atom buffers, copying the plugin's output
/// back) plus that copy: an upper bound on the overhead. Then a bypassed
/// slot (the chain's loop alone) and fil4, a real EQ, for scale.
fn lv2_chain() {
    use dubstage::model::insert::Insert;
    let mut nodelay = Insert::new("http://gareus.org/oss/lv2/nodelay");
    nodelay.params.insert("report_latency".into(), 3.0);
    let mut bypassed = nodelay.clone();
    bypassed.bypass = true;
    let mut eq = Insert::new("http://gareus.org/oss/lv2/fil4#mono");
    eq.params.insert("gain1".into(), 3.0);
    let runs = [
        (
            "LV2 chain, one nodelay slot at 0 (overhead + a copy)",
            vec![nodelay],
        ),
        ("LV2 chain, one bypassed slot", vec![bypassed]),
        (
            "LV2 chain, fil4 (x42 EQ: its defaults, band 1 at +3 dB)",
            vec![eq],
        ),
    ];
    for (what, inserts) in runs {
        match chain_cost(&inserts) {
            Some(ns) => println!("{what}: {ns:.2} ns per sample"),
            None => return,
        }
    }
}

/// Nanoseconds per frame of `strip` on `channels` channels of `input(i)`.
fn cost(strip: Strip, channels: usize, input: impl Fn(usize) -> f32) -> f64 {
    let mut p = StripProcessor::new(strip, 48_000);
    let mut block = vec![vec![0f32; 256]; channels];
    let blocks = 48_000 * 30 / 256;
    let mut spent = std::time::Duration::ZERO;
    let mut checksum = 0u32;
    for b in 0..blocks {
        for plane in block.iter_mut() {
            for (i, s) in plane.iter_mut().enumerate() {
                *s = input(b * 256 + i);
            }
        }
        let t = std::time::Instant::now();
        p.process(&mut block, 256);
        spent += t.elapsed();
        checksum ^= block[0][255].to_bits();
    }
    std::hint::black_box(checksum);
    spent.as_secs_f64() / (blocks * 256) as f64 * 1e9
}

fn reverb_and_hum() {
    let mut reverb = Strip::default();
    reverb.reverb.on = true;
    reverb.reverb.decay_s = 2.0;
    reverb.reverb.mix = 100.0;
    let noise = |i: usize| {
        let x = (i as u32).wrapping_mul(2_654_435_761);
        (x >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    println!(
        "reverb, stereo: {:.1} ns per frame (target 40)",
        cost(reverb, 2, noise)
    );
    println!("reverb, 5.1: {:.1} ns per frame", cost(reverb, 6, noise));
    // An impulse, then 30 s of silence: the tail decays through the
    // subnormal range, which the flush keeps from slowing anything.
    println!(
        "reverb, stereo, a silent tail: {:.1} ns per frame",
        cost(reverb, 2, |i| f32::from(u8::from(i == 0)))
    );
    let mut hum = Strip::default();
    hum.hum.on = true;
    hum.hum.freq_hz = 60.0;
    hum.hum.harmonics = 8;
    println!(
        "hum remover (8 notches), mono: {:.1} ns per sample",
        cost(hum, 1, noise)
    );
    // The denoiser with a profile learned from the same noise, taking it
    // down 18 dB: a 2048-point transform pair every 512 samples.
    let room: Vec<f32> = (0..48_000).map(|i| noise(i + 7_777_777)).collect();
    let mut denoise = Strip::default();
    denoise.denoise.on = true;
    denoise.denoise.amount_db = 18.0;
    denoise.denoise.profile = Some(dubstage::dsp::denoise::learn(&[&room[..]], 48_000).unwrap());
    println!(
        "denoiser, mono: {:.1} ns per sample (target 80)",
        cost(denoise, 1, noise)
    );
    println!(
        "denoiser, silence: {:.1} ns per sample",
        cost(denoise, 1, |_| 0.0)
    );
}
