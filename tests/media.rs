//! Media: every supported format decodes to the expected samples; damaged
//! files are decoded as far as they go or refused, naming the file.

// Several arrays are compared index by index.
#![allow(clippy::needless_range_loop)]

mod common;

use std::path::Path;

use common::*;
use dubstage::media::cache::MediaCache;
use dubstage::media::decode::decode_to_vec;
use dubstage::media::wav::{self, WavReader};
use dubstage::media::writer::{OutputFormat, WavWriter};
use dubstage::media::MediaError;

/// The reference: tests/media/ref24.wav (sox: 1 kHz left, 440 Hz right, -6 dB,
/// 0.25 s at 48 kHz, 24-bit), read with hound.
fn reference() -> Vec<Vec<f32>> {
    read_wav(&media_dir().join("ref24.wav")).1
}

/// Read a whole file through the cache the way a session does.
fn prepared_samples(
    path: &Path,
    rate: u32,
    cache: &Path,
) -> (dubstage::media::cache::Prepared, Vec<Vec<f32>>) {
    let prepared = MediaCache::new(cache)
        .prepare(path, rate)
        .unwrap_or_else(|e| panic!("{e}"));
    let n = prepared.info.frames as usize;
    let channels = prepared.info.channels;
    let mut reader = WavReader::open(&prepared.file, prepared.info.clone()).unwrap();
    let mut out = vec![vec![0f32; n]; channels];
    let picks: Vec<usize> = (0..channels).collect();
    let mut slices: Vec<&mut [f32]> = out.iter_mut().map(|v| v.as_mut_slice()).collect();
    reader.read(0, n, &picks, &mut slices).unwrap();
    (prepared, out)
}

#[test]
fn lossless_formats_decode_to_the_reference_samples() {
    let want = reference();
    assert_eq!(want[0].len(), 12_000);
    for name in ["ref24.wav", "ref.flac", "ref.aiff", "ref.aifc"] {
        let (decoded, got) =
            decode_to_vec(&media_dir().join(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (decoded.channels, decoded.sample_rate, decoded.frames),
            (2, 48_000, 12_000),
            "{name}"
        );
        assert!(
            decoded.warnings.is_empty(),
            "{name}: {:?}",
            decoded.warnings
        );
        for c in 0..2 {
            assert_eq!(
                first_difference(&got[c], &want[c]),
                None,
                "{name} channel {c}"
            );
        }
    }
}

#[test]
fn the_direct_wav_reader_agrees_with_symphonia_and_hound() {
    let cache = tempfile::tempdir().unwrap();
    let (prepared, got) = prepared_samples(&media_dir().join("ref24.wav"), 48_000, cache.path());
    assert!(
        prepared.conversion.is_none(),
        "a WAV at the session rate is read in place"
    );
    let want = reference();
    for c in 0..2 {
        assert_eq!(first_difference(&got[c], &want[c]), None);
    }
}

#[test]
fn compressed_formats_decode_through_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let want = reference();
    for name in ["ref.flac", "ref.aiff", "ref.aifc"] {
        let (prepared, got) = prepared_samples(&media_dir().join(name), 48_000, cache.path());
        assert!(
            prepared
                .conversion
                .as_deref()
                .unwrap()
                .starts_with("decoded from"),
            "{name}"
        );
        for c in 0..2 {
            assert_eq!(
                first_difference(&got[c], &want[c]),
                None,
                "{name} channel {c}"
            );
        }
    }
    // Lossy codecs: the same tones at the same level once aligned (an MP3
    // without a LAME header keeps its encoder delay, which gapless cannot trim).
    for name in ["ref.mp3", "ref.ogg"] {
        let (prepared, got) = prepared_samples(&media_dir().join(name), 48_000, cache.path());
        assert_eq!(prepared.info.channels, 2, "{name}");
        assert!(
            (11_000..=14_000).contains(&got[0].len()),
            "{name}: {} frames",
            got[0].len()
        );
        let best = (0..1500usize)
            .map(|lag| {
                let error: Vec<f32> = (0..2)
                    .flat_map(|c| (2000..10_000).map(move |i| (c, i)))
                    .map(|(c, i)| got[c][i + lag] - want[c][i])
                    .collect();
                (rms(&error), lag)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap();
        for c in 0..2 {
            let error: Vec<f32> = (2000..10_000)
                .map(|i| got[c][i + best.1] - want[c][i])
                .collect();
            let snr = db(rms(&want[c][2000..10_000]) / rms(&error));
            assert!(
                snr > 20.0,
                "{name} channel {c}: {snr:.1} dB signal to error at lag {}",
                best.1
            );
        }
    }
    // The second time, the conversion comes from the cache.
    let (prepared, _) = prepared_samples(&media_dir().join("ref.flac"), 48_000, cache.path());
    assert_eq!(
        prepared.conversion.as_deref(),
        Some("decoded from FLAC (cached)")
    );
}

#[test]
fn wav_sample_formats_all_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let want = reference();
    let cases: [(u16, hound::SampleFormat, f32); 5] = [
        (8, hound::SampleFormat::Int, 1.0 / 128.0),
        (16, hound::SampleFormat::Int, 1.0 / 32768.0),
        (24, hound::SampleFormat::Int, 1.0 / 8_388_608.0),
        (32, hound::SampleFormat::Int, 1e-7),
        (32, hound::SampleFormat::Float, 0.0),
    ];
    for (bits, format, tolerance) in cases {
        let path = dir.path().join(format!("w{bits}{format:?}.wav"));
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48_000,
            bits_per_sample: bits,
            sample_format: format,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for i in 0..want[0].len() {
            for c in &want {
                match format {
                    hound::SampleFormat::Float => w.write_sample(c[i]).unwrap(),
                    hound::SampleFormat::Int => {
                        let full = (1i64 << (bits - 1)) as f32;
                        let v = (c[i] * full).round().clamp(-full, full - 1.0) as i32;
                        if bits == 8 {
                            w.write_sample(v as i8).unwrap()
                        } else {
                            w.write_sample(v).unwrap()
                        }
                    }
                }
            }
        }
        w.finalize().unwrap();
        let (_, direct) = prepared_samples(&path, 48_000, &dir.path().join("cache"));
        let (_, via_symphonia) = decode_to_vec(&path).unwrap();
        for c in 0..2 {
            for i in 0..want[c].len() {
                assert!(
                    (direct[c][i] - want[c][i]).abs() <= tolerance * 0.5 + 1e-9,
                    "{bits} {format:?} at {i}"
                );
                assert!(
                    (direct[c][i] - via_symphonia[c][i]).abs() <= 1e-7,
                    "{bits} {format:?} disagrees with symphonia at {i}"
                );
            }
        }
    }
}

#[test]
fn float64_extensible_and_bwf_files_read() {
    let dir = tempfile::tempdir().unwrap();
    let want = reference();
    // 64-bit float in a WAVE_FORMAT_EXTENSIBLE header, built by hand.
    let frames = want[0].len();
    let mut bytes = Vec::new();
    let data_len = (frames * 2 * 8) as u32;
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(4 + 8 + 40 + 8 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&40u32.to_le_bytes());
    bytes.extend_from_slice(&0xFFFEu16.to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&48_000u32.to_le_bytes());
    bytes.extend_from_slice(&(48_000u32 * 16).to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(&64u16.to_le_bytes());
    bytes.extend_from_slice(&22u16.to_le_bytes());
    bytes.extend_from_slice(&64u16.to_le_bytes());
    bytes.extend_from_slice(&3u32.to_le_bytes());
    bytes.extend_from_slice(&[
        3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
    ]);
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..frames {
        for c in &want {
            bytes.extend_from_slice(&(c[i] as f64).to_le_bytes());
        }
    }
    let path = dir.path().join("f64ext.wav");
    std::fs::write(&path, &bytes).unwrap();
    let (_, got) = prepared_samples(&path, 48_000, &dir.path().join("cache"));
    for c in 0..2 {
        assert_eq!(first_difference(&got[c], &want[c]), None);
    }

    // Our own BWF writer: the bext time reference survives, samples are exact.
    let bwf = dir.path().join("bwf.wav");
    let mut w =
        WavWriter::create(&bwf, 2, 48_000, OutputFormat::Float32, Some(172_800_000)).unwrap();
    w.write_planar(&[&want[0], &want[1]], frames).unwrap();
    w.finish().unwrap();
    let info = wav::probe(&bwf).unwrap().unwrap();
    assert_eq!(info.time_reference, Some(172_800_000));
    let (_, read_back) = read_wav(&bwf);
    assert!(read_back == want, "hound reads our float BWF back exactly");
}

#[test]
fn resampling_converts_44k1_to_the_session_rate() {
    let cache = tempfile::tempdir().unwrap();
    let (prepared, got) = prepared_samples(&media_dir().join("sine44k.wav"), 48_000, cache.path());
    assert_eq!(prepared.info.frames, 24_000, "0.5 s at 48 kHz");
    assert!(prepared
        .conversion
        .unwrap()
        .contains("44100 Hz converted to 48000 Hz"));
    // A -6 dB 1 kHz sine, in phase with the original's timeline.
    let mut worst = 0f64;
    for i in 2000..22_000 {
        let want = 0.5 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 48_000.0).sin();
        worst = worst.max((got[0][i] as f64 - want).abs());
    }
    assert!(worst < 2e-3, "worst error {worst}");
}

#[test]
fn a_truncated_wav_plays_what_is_there_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(media_dir().join("ref24.wav")).unwrap();
    let path = dir.path().join("cut.wav");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let (prepared, got) = prepared_samples(&path, 48_000, &dir.path().join("cache"));
    assert!(prepared.info.frames > 5000 && prepared.info.frames < 6100);
    assert_eq!(prepared.warnings.len(), 1);
    assert!(prepared.warnings[0].contains("cut.wav") && prepared.warnings[0].contains("cut short"));
    let want = reference();
    assert_eq!(first_difference(&got[0], &want[0][..got[0].len()]), None);
}

#[test]
fn damaged_compressed_files_decode_in_part_or_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::new(dir.path().join("cache"));
    for name in ["ref.flac", "ref.mp3", "ref.ogg", "ref.aiff"] {
        let bytes = std::fs::read(media_dir().join(name)).unwrap();
        // Cut short, and with garbage written over the middle.
        let cut = dir.path().join(format!("cut-{name}"));
        std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let mut mangled = bytes.clone();
        let mid = mangled.len() / 2;
        for (k, b) in mangled[mid..mid + 600].iter_mut().enumerate() {
            *b = (k * 7919 % 251) as u8;
        }
        let bad = dir.path().join(format!("mangled-{name}"));
        std::fs::write(&bad, &mangled).unwrap();
        for path in [cut, bad] {
            match cache.prepare(&path, 48_000) {
                Ok(p) => assert!(p.info.frames > 0, "{}", path.display()),
                Err(e) => assert!(
                    e.to_string()
                        .contains(path.file_name().unwrap().to_str().unwrap()),
                    "{e}"
                ),
            }
        }
    }
}

#[test]
fn files_that_are_not_media_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::new(dir.path().join("cache"));
    let text = dir.path().join("notes.wav");
    std::fs::write(
        &text,
        "this is not audio at all, just some words\n".repeat(20),
    )
    .unwrap();
    let empty = dir.path().join("empty.flac");
    std::fs::write(&empty, b"").unwrap();
    let header_only = dir.path().join("header.wav");
    std::fs::write(
        &header_only,
        &std::fs::read(media_dir().join("ref24.wav")).unwrap()[..44],
    )
    .unwrap();
    for path in [&text, &empty, &header_only, &dir.path().join("absent.wav")] {
        let err = cache.prepare(path, 48_000).unwrap_err();
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(err.to_string().contains(name), "{err}");
        if path == &dir.path().join("absent.wav") {
            assert!(matches!(err, MediaError::Io { .. }));
        }
    }
}
