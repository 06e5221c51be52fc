//! Delivery versions: a session bounced per profile, its written files read
//! back with hound and measured on their own (the `ebur128` crate for
//! programme loudness and true peak, the meter and speech gate for the
//! dialog-gated loudness), against the profiles' targets and ceilings.

mod common;

use std::path::Path;
use std::process::Command;

use common::synth;
use common::*;
use dubstage::bounce::deliver::deliver;
use dubstage::bounce::profile::{self, Profile};
use dubstage::bounce::BounceOptions;
use dubstage::loudness::{LoudnessMeter, SpeechGate};
use dubstage::model::{Session, StemKind, TrackFormat};

const RATE: u32 = 48_000;
const LSB: f32 = 1.0 / 8_388_608.0;

/// Dialog with pauses, a music bed, and effects hits whose peaks stand far
/// above the programme's loudness (but under full scale): the broadcast
/// versions, trimmed up, have to limit.
fn mix(dir: &Path) -> Session {
    let frames = 24 * RATE as usize;
    let (speech, _) = synth::speech(frames, RATE, 0.15, 9);
    write_wav24(&dir.join("dx.wav"), RATE, &[speech]);
    let [l, r] = synth::music(frames, RATE, 0.08);
    write_wav24(&dir.join("mx.wav"), RATE, &[l, r]);
    write_wav24(
        &dir.join("fx.wav"),
        RATE,
        &[synth::hits(frames, RATE, 2.5, 0.75)],
    );
    let mut s = session();
    for id in ["dx", "mx", "fx"] {
        s.sources.push(source(id, &format!("{id}.wav")));
    }
    let all = frames as u64;
    let hits = clip("fx", 0, all);
    s.tracks = vec![
        track(
            "Dialog",
            TrackFormat::Mono,
            StemKind::DX,
            vec![clip("dx", 0, all)],
        ),
        track(
            "Score",
            TrackFormat::Stereo,
            StemKind::MX,
            vec![clip("mx", 0, all)],
        ),
        track("Hits", TrackFormat::Mono, StemKind::FX, vec![hits]),
    ];
    s
}

/// Integrated loudness and true peak of a file, read with hound and
/// measured by the ebur128 crate.
fn ebu(channels: &[Vec<f32>]) -> (f64, f64) {
    let mut m = ebur128::EbuR128::new(
        channels.len() as u32,
        RATE,
        ebur128::Mode::I | ebur128::Mode::TRUE_PEAK,
    )
    .unwrap();
    let planes: Vec<&[f32]> = channels.iter().map(|c| &c[..]).collect();
    m.add_frames_planar_f32(&planes).unwrap();
    let tp = (0..channels.len() as u32)
        .map(|c| m.true_peak(c).unwrap())
        .fold(0.0, f64::max);
    (m.loudness_global().unwrap(), 20.0 * tp.log10())
}

/// Dialog-gated loudness of written PM and DX files.
fn dialog_gated(pm: &[Vec<f32>], dx: &[Vec<f32>]) -> Option<f64> {
    let meter = |x: &[Vec<f32>]| {
        let mut m = LoudnessMeter::new(2, RATE).unwrap().log_blocks();
        m.add(&[&x[0], &x[1]]);
        m
    };
    let (pm, dx) = (meter(pm), meter(dx));
    SpeechGate::new(dx.blocks(), dx.integrated())
        .measure(pm.blocks())
        .integrated
}

#[test]
fn every_shipped_profile_is_met_by_the_files_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix(dir.path());
    let pool = pool(&s, dir.path());
    // The stereo downmix versions are for 5.1 mixes (tests/delivery_downmix.rs).
    let profiles: Vec<Profile> = profile::defaults()
        .into_iter()
        .filter(|p| p.downmix.is_none())
        .collect();
    let out = dir.path().join("versions");
    let versions = deliver(
        &s,
        &pool,
        &BounceOptions::new(&out),
        &profiles,
        |_, _, _| {},
    )
    .unwrap();
    assert_eq!(versions.len(), 4);

    // The theatrical version is the plain bounce, bit for bit.
    let plain = dir.path().join("plain");
    dubstage::bounce::bounce(&s, &pool, &BounceOptions::new(&plain), |_, _| {}).unwrap();

    for v in &versions {
        let (report, qc) = v.outcome.as_ref().expect("written");
        assert!(qc.pass, "{}:\n{}", v.profile.name, qc.text());
        let read = |n: &str| read_wav(&v.dir.join(format!("{n}.wav"))).1;
        let (dx, mx, fx, me, pm) = (read("DX"), read("MX"), read("FX"), read("ME"), read("PM"));
        // One trim and one limiter gain for all: the stems still sum to the
        // PM and MX + FX to the M&E, to 24-bit rounding.
        for c in 0..2 {
            for i in 0..pm[c].len() {
                let sum = dx[c][i] + mx[c][i] + fx[c][i];
                assert!(
                    (pm[c][i] - sum).abs() <= 2.0 * LSB,
                    "{} PM at {i}",
                    v.profile.name
                );
                assert!((me[c][i] - (mx[c][i] + fx[c][i])).abs() <= 1.5 * LSB);
            }
        }
        let (integrated, tp) = ebu(&pm);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(v.dir.join("qc.json")).unwrap()).unwrap();
        assert_eq!(json["pass"], true);
        assert!(std::fs::read_to_string(v.dir.join("qc.txt"))
            .unwrap()
            .contains("RESULT: PASS"));
        match v.profile.name.as_str() {
            "ebu-r128" | "atsc-a85" => {
                let target = if v.profile.name == "ebu-r128" {
                    -23.0
                } else {
                    -24.0
                };
                let ceiling = v.profile.true_peak_max.unwrap();
                assert!(
                    (integrated - target).abs() <= 0.1,
                    "{}: {integrated:.2} LUFS",
                    v.profile.name
                );
                assert!(tp <= ceiling + 1e-3, "{}: {tp:.3} dBTP", v.profile.name);
                assert!(
                    report.limiter.unwrap().max_reduction_db > 1.0,
                    "the limiter worked"
                );
            }
            "streaming" => {
                let gated = dialog_gated(&pm, &dx).unwrap();
                assert!((gated + 27.0).abs() <= 0.1, "dialog-gated {gated:.2}");
                assert!(tp <= -2.0 + 1e-3, "{tp:.3} dBTP");
                assert_eq!(json["checks"][0]["what"], "dialog-gated loudness");
            }
            "theatrical" => {
                assert_eq!(
                    std::fs::read(v.dir.join("PM.wav")).unwrap(),
                    std::fs::read(plain.join("PM.wav")).unwrap()
                );
                assert_eq!(report.trim_db, 0.0);
                assert!(report.limiter.is_none());
            }
            other => panic!("unexpected version {other}"),
        }
    }
}

#[test]
fn a_version_does_not_depend_on_the_block_size() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix(dir.path());
    let pool = pool(&s, dir.path());
    let r128 = vec![profile::find(&profile::defaults(), "ebu-r128")
        .unwrap()
        .clone()];
    let pm = |block: usize| {
        let mut options = BounceOptions::new(dir.path().join(format!("b{block}")));
        options.block = block;
        deliver(&s, &pool, &options, &r128, |_, _, _| {}).unwrap();
        std::fs::read(dir.path().join(format!("b{block}/ebu-r128/PM.wav"))).unwrap()
    };
    assert!(
        pm(4096) == pm(777),
        "block size changed the delivered printmaster"
    );
}

fn dubstage(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dubstage"))
        .args(args)
        .current_dir(cwd)
        .env("DUBSTAGE_CACHE_DIR", cwd.join("cache"))
        .output()
        .expect("run dubstage")
}

#[test]
fn a_failing_version_fails_the_run_and_the_others_are_still_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix(dir.path());
    dubstage::model::file::save(&s, &dir.path().join("mix.ron")).unwrap();
    let narrow = Profile {
        name: "narrow".into(),
        description: "a loudness range this mix cannot meet".into(),
        loudness: profile::find(&profile::defaults(), "ebu-r128")
            .unwrap()
            .loudness,
        true_peak_max: Some(-1.0),
        loudness_range_max: Some(0.5),
        downmix: None,
    };
    std::fs::write(
        dir.path().join("mine.ron"),
        format!("(profiles: [{}])", ron::to_string(&narrow).unwrap()),
    )
    .unwrap();
    let out = dubstage(
        &[
            "bounce",
            "mix.ron",
            "-o",
            "out",
            "--profiles",
            "mine.ron",
            "--profile",
            "narrow",
            "-p",
            "EBU-R128",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stdout}{stderr}");
    assert!(
        stdout.contains("narrow") && stdout.contains("FAIL"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 of 2 version(s) failed QC: narrow"),
        "{stderr}"
    );
    let qc = |v: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("out").join(v).join("qc.json")).unwrap(),
        )
        .unwrap()
    };
    assert_eq!(qc("narrow")["pass"], false);
    let lra = qc("narrow")["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["what"] == "loudness range")
        .cloned()
        .unwrap();
    assert_eq!(lra["pass"], false);
    assert_eq!(qc("ebu-r128")["pass"], true);
    assert!(dir.path().join("out/ebu-r128/PM.wav").exists());
}

#[test]
fn bad_profiles_are_refused_before_anything_is_rendered() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix(dir.path());
    dubstage::model::file::save(&s, &dir.path().join("mix.ron")).unwrap();
    let out = dubstage(
        &["bounce", "mix.ron", "-o", "out", "--profile", "bbc"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"bbc\"") && err.contains("streaming"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("bad.ron"),
        "(profiles: [\n    (name: \"x\", true_peak_max: Some(3.0)),\n])\n",
    )
    .unwrap();
    let out = dubstage(
        &[
            "bounce",
            "mix.ron",
            "-o",
            "out",
            "--profiles",
            "bad.ron",
            "--profile",
            "x",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.ron:2:") && err.contains("true_peak_max"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}
