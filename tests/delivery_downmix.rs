//! Stereo delivery versions of a 5.1 mix (Lo/Ro and Lt/Rt downmix): the
//! files written are read back with hound and measured on their own (the
//! `ebur128` crate for loudness and true peak), the downmixed stems are
//! null-tested against the downmixed printmaster, the Lo/Ro printmaster
//! against a Lo/Ro computed here from the plain 5.1 bounce, and the Lt/Rt
//! stems are decoded back (passive, C = Lt + Rt, S = Lt - Rt).

mod common;

use std::path::Path;

use common::synth;
use common::*;
use dubstage::bounce::deliver::deliver;
use dubstage::bounce::profile::{self, Downmix, DownmixMatrix, Profile};
use dubstage::bounce::BounceOptions;
use dubstage::media::writer::OutputFormat;
use dubstage::model::{Layout, Session, StemKind, TrackFormat};

const RATE: u32 = 48_000;

/// A 5.1 mix: dialog in the centre, a score in L/R moved half back into
/// the surrounds, effects hits in the left surround only with an LFE send.
fn mix51(dir: &Path) -> Session {
    let frames = 20 * RATE as usize;
    let (speech, _) = synth::speech(frames, RATE, 0.15, 9);
    write_wav24(&dir.join("dx.wav"), RATE, &[speech]);
    let [l, r] = synth::music(frames, RATE, 0.06);
    write_wav24(&dir.join("mx.wav"), RATE, &[l, r]);
    write_wav24(
        &dir.join("fx.wav"),
        RATE,
        &[synth::hits(frames, RATE, 2.5, 0.5)],
    );
    let mut s = session();
    s.stems.layout = Layout::FivePointOne;
    for id in ["dx", "mx", "fx"] {
        s.sources.push(source(id, &format!("{id}.wav")));
    }
    let all = frames as u64;
    let mut score = track(
        "Score",
        TrackFormat::Stereo,
        StemKind::MX,
        vec![clip("mx", 0, all)],
    );
    score.surround = 0.5;
    let mut hits = track(
        "Hits",
        TrackFormat::Mono,
        StemKind::FX,
        vec![clip("fx", 0, all)],
    );
    hits.surround = 1.0;
    hits.pan = -1.0;
    hits.lfe_db = Some(-6.0);
    s.tracks = vec![
        track(
            "Dialog",
            TrackFormat::Mono,
            StemKind::DX,
            vec![clip("dx", 0, all)],
        ),
        score,
        hits,
    ];
    s
}

/// Integrated loudness and true peak, by the ebur128 crate.
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

fn shipped(name: &str) -> Profile {
    profile::find(&profile::defaults(), name).unwrap().clone()
}

/// A downmix version as mixed: no trim, no limiter.
fn raw(name: &str, matrix: DownmixMatrix) -> Profile {
    Profile {
        name: name.into(),
        description: String::new(),
        loudness: None,
        true_peak_max: None,
        loudness_range_max: None,
        downmix: Some(Downmix {
            matrix,
            centre_db: -3.0,
            surround_db: -3.0,
            lfe_db: None,
        }),
    }
}

/// The largest |a - b| over every channel, dBFS.
fn residual(a: &[Vec<f32>], b: &[Vec<f32>]) -> f64 {
    let worst = a
        .iter()
        .zip(b)
        .flat_map(|(x, y)| {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).map(|(p, q)| (p - q).abs())
        })
        .fold(0f32, f32::max);
    db(worst as f64)
}

fn sum(parts: &[&[Vec<f32>]]) -> Vec<Vec<f32>> {
    (0..parts[0].len())
        .map(|c| {
            (0..parts[0][c].len())
                .map(|i| parts.iter().map(|p| p[c][i]).sum())
                .collect()
        })
        .collect()
}

#[test]
fn stereo_versions_meet_their_profiles_and_their_downmixed_stems_sum_to_the_printmaster() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix51(dir.path());
    let pool = pool(&s, dir.path());
    let mut options = BounceOptions::new(dir.path().join("versions"));
    options.format = OutputFormat::Float32;
    let profiles = [shipped("stereo-loro"), shipped("stereo-ltrt")];
    let versions = deliver(&s, &pool, &options, &profiles, |_, _, _| {}).unwrap();
    for v in &versions {
        let (report, qc) = v.outcome.as_ref().expect("written");
        assert!(qc.pass, "{}:\n{}", v.profile.name, qc.text());
        assert!(qc.text().contains("downmix "), "{}", qc.text());
        let read = |n: &str| {
            let (spec, planes) = read_wav(&v.dir.join(format!("{n}.wav")));
            assert_eq!(spec.channels, 2, "{} {n}", v.profile.name);
            planes
        };
        let (dx, mx, fx, me, pm) = (read("DX"), read("MX"), read("FX"), read("ME"), read("PM"));
        // The limiter is in the chain, but its gain (keyed on the downmixed
        // PM) is applied to every output in step: the downmixed stems null
        // against the downmixed printmaster to float rounding.
        let stems = residual(&sum(&[&dx, &mx, &fx]), &pm);
        let me_null = residual(&sum(&[&mx, &fx]), &me);
        eprintln!(
            "{}: DX+MX+FX-PM {stems:.1} dBFS, MX+FX-ME {me_null:.1} dBFS",
            v.profile.name
        );
        assert!(stems < -100.0, "{}: {stems:.1} dBFS", v.profile.name);
        assert!(me_null < -100.0, "{}: {me_null:.1} dBFS", v.profile.name);
        let limited = report.limiter.unwrap().max_reduction_db;
        eprintln!("{}: limiter reduction {limited:.2} dB", v.profile.name);
        assert!(limited > 0.5, "{}: the limiter worked", v.profile.name);

        let (integrated, tp) = ebu(&pm);
        let target = v.profile.loudness.unwrap().target;
        let ceiling = v.profile.true_peak_max.unwrap();
        assert!(
            (integrated - target).abs() <= 0.1,
            "{}: {integrated:.2} LUFS",
            v.profile.name
        );
        assert!(tp <= ceiling + 1e-3, "{}: {tp:.3} dBTP", v.profile.name);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(v.dir.join("qc.json")).unwrap()).unwrap();
        assert_eq!(json["channels"], 2);
        assert_eq!(json["downmix"]["centre_db"], -3.0);
        assert!(json["downmix"]["lfe_db"].is_null());
    }
}

#[test]
fn lo_ro_is_the_bs775_matrix_of_the_five_one_printmaster_without_the_lfe() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix51(dir.path());
    let (_, plain) = bounce_f32(&s, dir.path(), 4096);
    let pm51 = &plain[output("PM")];
    assert!(rms(&pm51[3]) > 1e-3, "the mix has an LFE to drop");
    let pool = pool(&s, dir.path());
    let mut options = BounceOptions::new(dir.path().join("versions"));
    options.format = OutputFormat::Float32;
    let loro = [raw("loro", DownmixMatrix::LoRo)];
    let versions = deliver(&s, &pool, &options, &loro, |_, _, _| {}).unwrap();
    let (_, pm) = read_wav(&versions[0].dir.join("PM.wav"));
    let k = 10f32.powf(-3.0 / 20.0);
    let expected: Vec<Vec<f32>> = [(0, 4), (1, 5)]
        .iter()
        .map(|&(side, back)| {
            (0..pm51[0].len())
                .map(|i| pm51[side][i] + k * pm51[2][i] + k * pm51[back][i])
                .collect()
        })
        .collect();
    let null = residual(&pm, &expected);
    eprintln!("Lo/Ro PM against BS.775 computed here: {null:.1} dBFS");
    assert!(null < -120.0, "{null:.1} dBFS");
}

#[test]
fn lt_rt_stems_decode_back_to_centre_and_surround() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = mix51(dir.path());
    // The hits in the surrounds alone: no LFE.
    s.tracks[2].lfe_db = None;
    let pool = pool(&s, dir.path());
    let mut options = BounceOptions::new(dir.path().join("versions"));
    options.format = OutputFormat::Float32;
    let ltrt = [raw("ltrt", DownmixMatrix::LtRt)];
    let versions = deliver(&s, &pool, &options, &ltrt, |_, _, _| {}).unwrap();
    let decode = |stem: &str| {
        let (_, t) = read_wav(&versions[0].dir.join(format!("{stem}.wav")));
        let c: Vec<f32> = t[0].iter().zip(&t[1]).map(|(l, r)| l + r).collect();
        let s: Vec<f32> = t[0].iter().zip(&t[1]).map(|(l, r)| l - r).collect();
        (rms(&c), rms(&s))
    };
    let (c, sur) = decode("DX");
    let dialog = db(c / sur.max(1e-12));
    let (c, sur) = decode("FX");
    let effects = db(sur / c.max(1e-12));
    eprintln!(
        "Lt/Rt decode: dialog C over S {dialog:.1} dB, surround hits S over C {effects:.1} dB"
    );
    assert!(dialog >= 15.0, "dialog {dialog:.1} dB");
    assert!(effects >= 15.0, "hits {effects:.1} dB");
}

#[test]
fn a_downmix_version_does_not_depend_on_the_block_size() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix51(dir.path());
    let pool = pool(&s, dir.path());
    let ltrt = vec![shipped("stereo-ltrt")];
    let pm = |block: usize| {
        let mut options = BounceOptions::new(dir.path().join(format!("b{block}")));
        options.block = block;
        deliver(&s, &pool, &options, &ltrt, |_, _, _| {}).unwrap();
        std::fs::read(dir.path().join(format!("b{block}/stereo-ltrt/PM.wav"))).unwrap()
    };
    assert!(
        pm(4096) == pm(777),
        "block size changed the delivered Lt/Rt printmaster"
    );
}

#[test]
fn the_command_line_delivers_both_stereo_versions_with_their_qc() {
    let dir = tempfile::tempdir().unwrap();
    let s = mix51(dir.path());
    dubstage::model::file::save(&s, &dir.path().join("mix.ron")).unwrap();
    let out = dubstage(
        &[
            "bounce",
            "mix.ron",
            "-o",
            "out",
            "-p",
            "stereo-loro",
            "-p",
            "stereo-ltrt",
            "--downmix-surround",
            "-4.5",
        ],
        dir.path(),
    );
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    for (name, matrix) in [("stereo-loro", "Lo/Ro"), ("stereo-ltrt", "Lt/Rt")] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{stdout}"));
        assert!(
            line.contains("PASS")
                && line.contains("programme loudness")
                && line.contains("true peak"),
            "{line}"
        );
        assert!(stdout.contains(&format!("downmix {matrix}")), "{stdout}");
        let version = dir.path().join("out").join(name);
        for file in ["DX", "MX", "FX", "ME", "PM"] {
            let (spec, _) = read_wav(&version.join(format!("{file}.wav")));
            assert_eq!(spec.channels, 2);
        }
        let qc = std::fs::read_to_string(version.join("qc.txt")).unwrap();
        assert!(
            qc.contains("-4.5 dB") && qc.contains("RESULT: PASS"),
            "{qc}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(version.join("qc.json")).unwrap())
                .unwrap();
        assert_eq!(json["downmix"]["surround_db"], -4.5);
    }
    assert!(stdout.contains("2 version(s) in out"), "{stdout}");
}

#[test]
fn a_downmix_of_a_stereo_mix_or_levels_without_one_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = mix51(dir.path());
    s.stems.layout = Layout::Stereo;
    dubstage::model::file::save(&s, &dir.path().join("stereo.ron")).unwrap();
    let out = dubstage(
        &[
            "bounce",
            "stereo.ron",
            "-o",
            "out",
            "-p",
            "stereo-loro",
            "-p",
            "ebu-r128",
        ],
        dir.path(),
    );
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("stereo-loro") && stdout.contains("ERROR") && stdout.contains("5.1"),
        "{stdout}"
    );
    assert!(stderr.contains("not delivered: stereo-loro"), "{stderr}");
    // The other version is still delivered.
    assert!(dir.path().join("out/ebu-r128/PM.wav").exists());
    assert!(!dir.path().join("out/stereo-loro/PM.wav").exists());

    let out = dubstage(
        &[
            "bounce",
            "stereo.ron",
            "-o",
            "out2",
            "-p",
            "ebu-r128",
            "--downmix-centre",
            "-6",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("stereo-loro"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("out2").exists(), "nothing rendered");
    let out = dubstage(
        &[
            "bounce",
            "stereo.ron",
            "-o",
            "out3",
            "-p",
            "stereo-ltrt",
            "--downmix-lfe",
            "20",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--downmix-lfe: 20 dB"),
        "{}",
        text(&out.stderr)
    );
}
