//! LV2 inserts against real plugins from Debian packages (x42-plugins:
//! fil4, the parametric EQ; nodelay, a delay line that reports its
//! latency; dpl, the digital peak limiter; liblilv-0-0 to load them).
//! Every test asks lilv for the plugins; a machine without them fails
//! here with what to install (.ci/run installs them).

mod common;

use common::*;
use dubstage::model::insert::Insert;
use dubstage::model::{StemKind, TrackFormat};
use dubstage::plugin::instance::Instance;
use dubstage::plugin::{host, World};

const FIL4: &str = "http://gareus.org/oss/lv2/fil4#mono";
const FIL4_STEREO: &str = "http://gareus.org/oss/lv2/fil4#stereo";
const NODELAY: &str = "http://gareus.org/oss/lv2/nodelay";
const DPL: &str = "http://gareus.org/oss/lv2/dpl#mono";
const RATE: u32 = 48_000;

fn installed(uri: &str) {
    let world = host().expect("liblilv-0-0 (apt install liblilv-0-0)");
    assert!(
        world.get(uri).is_some(),
        "{uri} not found: apt install x42-plugins"
    );
}

fn sine(freq: f64, amplitude: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| (amplitude * (std::f64::consts::TAU * freq * i as f64 / RATE as f64).sin()) as f32)
        .collect()
}

/// A session with one mono track playing `signal` to DX through `inserts`.
fn one_track(
    dir: &std::path::Path,
    signal: &[f32],
    inserts: Vec<Insert>,
) -> dubstage::model::Session {
    write_wav24(&dir.join("x.wav"), RATE, &[signal.to_vec()]);
    let mut s = session();
    s.sources.push(source("x", "x.wav"));
    let mut t = track(
        "T",
        TrackFormat::Mono,
        StemKind::DX,
        vec![clip("x", 0, signal.len() as u64)],
    );
    t.inserts = inserts;
    s.tracks.push(t);
    s
}

fn insert(uri: &str, params: &[(&str, f32)]) -> Insert {
    let mut i = Insert::new(uri);
    for (k, v) in params {
        i.params.insert(k.to_string(), *v);
    }
    i
}

/// Level in dB of `x` over `a..b`, against a sine of `amplitude`.
fn level(x: &[f32], a: usize, b: usize, amplitude: f64) -> f64 {
    db(rms(&x[a..b]) / (amplitude / 2f64.sqrt()))
}

/// fil4's measured gain in dB at `freq` with band 1 at 1 kHz, `gain` dB.
fn fil4_gain(dir: &std::path::Path, freq: f64, gain: f32) -> f64 {
    let eq = insert(
        FIL4,
        &[
            ("sec1", 1.0),
            ("freq1", 1000.0),
            ("gain1", gain),
            ("q1", 0.6),
        ],
    );
    // One second of the tone, measured over the last half second: a
    // whole number of periods of each frequency used (error < 0.001 dB).
    let tone = sine(freq, 0.25, 48_000);
    let dry = bounce_f32(&one_track(dir, &tone, vec![]), dir, 1024).1;
    let wet = bounce_f32(&one_track(dir, &tone, vec![eq]), dir, 1024).1;
    let dx = output("DX");
    level(&wet[dx][0], 24_000, 48_000, 0.25) - level(&dry[dx][0], 24_000, 48_000, 0.25)
}

#[test]
fn fil4_bell_measures_its_gain_at_its_frequency_and_unity_far_away() {
    installed(FIL4);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // At the centre a bell's gain is its setting: 5.9996 dB measured here
    // (a 24-bit source and a float bounce: the tolerance is 20x that error).
    for gain in [6.0, -9.0] {
        let g = fil4_gain(d, 1000.0, gain);
        assert!(
            (g - f64::from(gain)).abs() < 0.01,
            "1 kHz at {gain} dB: {g:.4} dB"
        );
    }
    // A bell is symmetric in octaves about its centre (fil4 pre-warps, so
    // 2 kHz at 48 kHz still mirrors 500 Hz within a few hundredths), and
    // in between: 2.67 dB an octave out with this bandwidth.
    let (below, above) = (fil4_gain(d, 500.0, 6.0), fil4_gain(d, 2000.0, 6.0));
    assert!(
        (below - above).abs() < 0.05,
        "500 Hz {below:.3} dB, 2 kHz {above:.3} dB"
    );
    assert!(below > 1.0 && below < 5.0, "an octave out: {below:.3} dB");
    // Five octaves away: unity within 0.05 dB (measured 0.010 and 0.016).
    for freq in [30.0, 16_000.0] {
        let g = fil4_gain(d, freq, 6.0);
        assert!(g.abs() < 0.05, "{freq} Hz: {g:.3} dB");
    }
}

#[test]
fn a_mono_plugin_runs_once_per_channel_on_a_stereo_track_and_a_stereo_one_whole() {
    installed(FIL4_STEREO);
    let dir = tempfile::tempdir().unwrap();
    let left = sine(1000.0, 0.25, 48_000);
    let right = sine(1000.0, 0.125, 48_000);
    write_wav24(&dir.path().join("st.wav"), RATE, &[left, right]);
    for uri in [FIL4, FIL4_STEREO] {
        let mut s = session();
        s.sources.push(source("st", "st.wav"));
        let mut t = track(
            "S",
            TrackFormat::Stereo,
            StemKind::DX,
            vec![clip("st", 0, 48_000)],
        );
        t.inserts = vec![insert(
            uri,
            &[("sec1", 1.0), ("freq1", 1000.0), ("gain1", -6.0)],
        )];
        s.tracks.push(t);
        let out = bounce_f32(&s, dir.path(), 512).1;
        let dx = &out[output("DX")];
        for (c, amplitude) in [(0, 0.25), (1, 0.125)] {
            let g = level(&dx[c], 24_000, 48_000, amplitude);
            // Stereo balance at centre: unity (see tests/strip.rs); -6 dB from the EQ.
            assert!((g - -6.0).abs() < 0.05, "{uri} channel {c}: {g:.3} dB");
        }
    }
}

#[test]
fn a_latent_plugin_is_compensated_so_the_bounce_nulls_against_the_dry_one() {
    installed(NODELAY);
    installed(DPL);
    let dir = tempfile::tempdir().unwrap();
    let noise: Vec<f32> = signal(48_000, 7).iter().map(|x| q24(x * 0.1)).collect();
    let dry = bounce_f32(&one_track(dir.path(), &noise, vec![]), dir.path(), 1000).1;
    // nodelay delays by exactly 700 samples and reports it.
    let s = one_track(
        dir.path(),
        &noise,
        vec![insert(NODELAY, &[("delay", 700.0)])],
    );
    let pool = pool(&s, dir.path());
    let plan = dubstage::engine::plan::Plan::compile(&s, &pool, 1000);
    assert_eq!(
        plan.tracks[0].inserts.latency(),
        700,
        "reported after activation"
    );
    assert_eq!(plan.latency(), 700);
    let wet = bounce_f32(&s, dir.path(), 1000).1;
    for o in ["DX", "PM"] {
        let (a, b) = (&dry[output(o)][0], &wet[output(o)][0]);
        assert_eq!(a.len(), b.len());
        assert_eq!(
            first_difference(a, b),
            None,
            "{o}: compensated delay nulls exactly"
        );
    }
    // A second track without inserts is padded by the same 700 samples.
    let mut two = s.clone();
    let mut plain = two.tracks[0].clone();
    plain.name = "Plain".into();
    plain.inserts.clear();
    plain.output = dubstage::model::Output::Stem(StemKind::FX);
    two.tracks.push(plain);
    let both = bounce_f32(&two, dir.path(), 1000).1;
    assert_eq!(
        first_difference(&both[output("FX")][0], &dry[output("DX")][0]),
        None
    );

    // dpl (look-ahead limiter) far under its threshold: only its latency
    // changes the signal, and compensated it lines up with the dry path.
    let quiet: Vec<f32> = noise.iter().map(|x| x * 0.1).collect();
    let dry = bounce_f32(&one_track(dir.path(), &quiet, vec![]), dir.path(), 1000).1;
    let s = one_track(
        dir.path(),
        &quiet,
        vec![insert(DPL, &[("threshold", -1.0)])],
    );
    let pool2 = common::pool(&s, dir.path());
    let latency = dubstage::engine::plan::Plan::compile(&s, &pool2, 1000).latency();
    assert!(latency > 0, "dpl reports its look-ahead");
    let wet = bounce_f32(&s, dir.path(), 1000).1;
    let (a, b) = (&dry[output("DX")][0], &wet[output("DX")][0]);
    // The best lag is 0 and the residual is far below the signal.
    let corr = |lag: usize| -> f64 {
        (5000..40_000)
            .map(|i| a[i] as f64 * b[i + lag] as f64)
            .sum()
    };
    let best = (0..64)
        .max_by(|&x, &y| corr(x).total_cmp(&corr(y)))
        .unwrap();
    assert_eq!(best, 0, "aligned (latency {latency})");
    let residual: Vec<f32> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let null = db(rms(&residual[5000..40_000]) / rms(&a[5000..40_000]));
    assert!(null < -60.0, "dpl nulls to {null:.1} dB");
}

#[test]
fn a_missing_plugin_loads_bypassed_with_a_warning_and_keeps_its_values() {
    installed(FIL4);
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(1000.0, 0.25, 24_000);
    let mut s = one_track(
        dir.path(),
        &tone,
        vec![insert("urn:dubstage:no-such-plugin", &[("gain", 3.0)])],
    );
    s.tracks[0].inserts.push(insert(
        FIL4,
        &[("sec1", 1.0), ("freq1", 1000.0), ("gain1", 6.0)],
    ));
    let path = dir.path().join("s.ron");
    dubstage::model::file::save(&s, &path).unwrap();
    let loaded = dubstage::model::file::load(&path).unwrap().session;
    assert_eq!(loaded.tracks[0].inserts, s.tracks[0].inserts, "values kept");
    let pool = pool(&loaded, dir.path());
    let plan = dubstage::engine::plan::Plan::compile(&loaded, &pool, 1024);
    assert_eq!(plan.insert_problems.len(), 1, "{:?}", plan.insert_problems);
    assert!(plan.insert_problems[0].contains("urn:dubstage:no-such-plugin"));
    assert!(plan.insert_problems[0].contains("T: insert 1"));
    // The rest bounces: the EQ after the missing slot still runs.
    let out = bounce_f32(&loaded, dir.path(), 1024).1;
    let dry = bounce_f32(&one_track(dir.path(), &tone, vec![]), dir.path(), 1024).1;
    let dx = output("DX");
    let g = level(&out[dx][0], 12_000, 24_000, 0.25) - level(&dry[dx][0], 12_000, 24_000, 0.25);
    assert!((g - 6.0).abs() < 0.05, "{g:.3} dB");
    // `check` says it too.
    let report = dubstage(&["check", path.to_str().unwrap()], dir.path());
    let text = text(&report.stdout) + &common::text(&report.stderr);
    assert!(text.contains("no-such-plugin"), "{text}");
}

/// Copy an installed bundle into a temp dir to damage it.
fn copy_bundle(name: &str, to: &std::path::Path) -> std::path::PathBuf {
    let from = std::path::Path::new("/usr/lib/lv2").join(name);
    let dest = to.join(name);
    std::fs::create_dir_all(&dest).unwrap();
    for e in std::fs::read_dir(&from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
    }
    dest
}

#[test]
fn a_damaged_bundle_is_an_error_naming_it_not_a_panic() {
    installed(FIL4);
    let dir = tempfile::tempdir().unwrap();
    // A truncated description.
    let ttl = dir.path().join("ttl");
    let bundle = copy_bundle("fil4.lv2", &ttl);
    let text = std::fs::read(bundle.join("fil4.ttl")).unwrap();
    std::fs::write(bundle.join("fil4.ttl"), &text[..text.len() / 3]).unwrap();
    let world = World::load(Some(ttl.to_str().unwrap())).unwrap();
    let info = world.get(FIL4).expect("the manifest still names it");
    let err = info.fit(1).unwrap_err();
    assert!(err.contains("fil4.lv2"), "{err}");

    // A truncated shared object.
    let so = dir.path().join("so");
    let bundle = copy_bundle("nodelay.lv2", &so);
    let lib = std::fs::read(bundle.join("nodelay.so")).unwrap();
    std::fs::write(bundle.join("nodelay.so"), &lib[..lib.len() / 4]).unwrap();
    let world = World::load(Some(so.to_str().unwrap())).unwrap();
    let info = world.get(NODELAY).expect("described").clone();
    assert!(info.fit(1).is_ok(), "the description is intact");
    let err = Instance::new(&world, &info, RATE, 256, &[]).unwrap_err();
    assert!(err.contains("nodelay.so"), "{err}");
}

fn app_on(session: dubstage::model::Session, dir: &std::path::Path) -> dubstage::app::App {
    use dubstage::command::registry::exists;
    let desk = dubstage::command::desk::Desk::new(session, dir.join("s.ron"));
    dubstage::app::App::new(
        desk,
        dubstage::keymap::Keymap::defaults(&exists),
        Vec::new(),
    )
}

fn said(app: &dubstage::app::App) -> String {
    app.desk
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_console_inserts_sets_steps_bypasses_lists_and_undoes() {
    installed(FIL4);
    let dir = tempfile::tempdir().unwrap();
    let s = one_track(dir.path(), &sine(1000.0, 0.25, 4800), vec![]);
    let mut app = app_on(s, dir.path());
    app.run_line("insert x42-eq - Parametric Equalizer Mono", None);
    assert!(said(&app).contains("insert 1"), "{}", said(&app));
    assert_eq!(app.desk.session.tracks[0].inserts[0].uri, FIL4);
    // A unique URI part works too; an ambiguous one is refused with the candidates.
    app.run_line("insert fil4#mono", None);
    assert_eq!(app.desk.session.tracks[0].inserts.len(), 2);
    app.run_line("insert fil4", None);
    assert!(said(&app).contains("matches"), "{}", said(&app));
    app.run_line("insert-remove 2", None);
    assert_eq!(app.desk.session.tracks[0].inserts.len(), 1);
    // A control: set, clamped to the port's range (fil4's gain1: -18..18), stepped.
    app.run_line("strip lv2.1.gain1 6", None);
    assert_eq!(app.desk.session.tracks[0].inserts[0].params["gain1"], 6.0);
    app.run_line("strip lv2.1.gain1 40", None);
    assert_eq!(app.desk.session.tracks[0].inserts[0].params["gain1"], 18.0);
    assert!(said(&app).contains("lv2.1.gain1 18.00"), "{}", said(&app));
    app.run_line("strip-down", Some(10));
    let g = app.desk.session.tracks[0].inserts[0].params["gain1"];
    assert!((g - 14.4).abs() < 1e-4, "ten hundredths of 36 dB down: {g}");
    app.run_line("strip lv2.1.nonesuch 1", None);
    assert!(said(&app).contains("no control"), "{}", said(&app));
    app.run_line("insert-bypass", None);
    assert!(app.desk.session.tracks[0].inserts[0].bypass);
    app.run_line("undo", None);
    assert!(
        !app.desk.session.tracks[0].inserts[0].bypass,
        "bypass undone"
    );
    // The list.
    app.run_line("plugins nodelay", None);
    let overlay = app.overlay.as_ref().expect("the list");
    assert!(overlay
        .lines
        .iter()
        .any(|l| l.contains(NODELAY) && l.contains("reports latency")));
    // Refusals: a stereo plugin on a mono track, inserts on a stem.
    app.overlay = None;
    app.run_line("insert fil4#stereo", None);
    assert!(said(&app).contains("2 audio input"), "{}", said(&app));
}

#[test]
fn a_structural_edit_elsewhere_carries_the_plugins_on_and_a_changed_slot_starts_afresh() {
    installed(FIL4);
    installed(NODELAY);
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(1000.0, 0.25, 4800);
    let mut s = one_track(dir.path(), &tone, vec![insert(FIL4, &[("gain1", 3.0)])]);
    s.tracks[0]
        .inserts
        .push(insert(NODELAY, &[("delay", 100.0)]));
    let pool = pool(&s, dir.path());
    use dubstage::engine::plan::Plan;
    let first = Plan::compile(&s, &pool, 256);
    let cache = first.insert_cache();
    // A clip gain change and a control change: both slots carry on.
    let mut edited = s.clone();
    edited.tracks[0].clips[0].gain_db = -3.0;
    edited.tracks[0].inserts[0]
        .params
        .insert("gain1".into(), -3.0);
    let second = Plan::compile_reusing(&edited, &pool, 256, Some(&cache));
    let slots = second.tracks[0].inserts.slots();
    assert!(slots[0].reused && slots[1].reused);
    assert_eq!(
        second.latency(),
        100,
        "the latency read at activation goes with it"
    );
    // Another plugin in slot 1: that slot starts afresh, slot 2 carries on.
    let mut swapped = edited.clone();
    swapped.tracks[0].inserts[0] = insert(FIL4, &[]);
    swapped.tracks[0].inserts.insert(0, insert(NODELAY, &[]));
    let third = Plan::compile_reusing(&swapped, &pool, 256, Some(&second.insert_cache()));
    let slots = third.tracks[0].inserts.slots();
    assert!(
        !slots[0].reused && !slots[1].reused && !slots[2].reused,
        "every slot moved"
    );
    // A bounce never shares: Plan::compile starts every plugin afresh.
    assert!(Plan::compile(&s, &pool, 256).tracks[0]
        .inserts
        .slots()
        .iter()
        .all(|s| !s.reused));
}

#[test]
fn the_console_opens_a_session_with_a_missing_plugin_says_so_and_shows_the_slot() {
    installed(FIL4);
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(1000.0, 0.25, 4800);
    let mut s = one_track(
        dir.path(),
        &tone,
        vec![insert("urn:dubstage:gone", &[("x", 1.0)])],
    );
    s.tracks[0].inserts.push(insert(FIL4, &[("gain1", 6.0)]));
    let path = dir.path().join("s.ron");
    dubstage::model::file::save(&s, &path).unwrap();
    let options = dubstage::command::desk::OpenOptions {
        engine: None,
        overviews: false,
    };
    let desk = dubstage::command::desk::Desk::open(&path, &options).unwrap();
    assert!(
        desk.notes
            .iter()
            .any(|n| n.contains("urn:dubstage:gone") && n.contains("bypassed")),
        "{:?}",
        desk.notes
    );
    let mut app = dubstage::app::App::new(
        desk,
        dubstage::keymap::Keymap::defaults(&dubstage::command::registry::exists),
        Vec::new(),
    );
    app.run_line("strip lv2.2.gain1", None);
    app.run_line("strip-panel on", None);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    let theme = dubstage::ui::theme::Theme::new(dubstage::ui::theme::Palette::Ansi16);
    t.draw(|f| dubstage::ui::draw(f, &app, &theme)).unwrap();
    let screen = t.backend().to_string();
    assert!(
        screen.contains("lv2.1") && screen.contains("MISSING"),
        "{screen}"
    );
    assert!(
        screen.contains("lv2.2") && screen.contains("gain1 6.00"),
        "{screen}"
    );
    // Saved again, the missing slot keeps its values.
    app.run_line("w", None);
    let back = dubstage::model::file::load(&path).unwrap().session;
    assert_eq!(back.tracks[0].inserts, s.tracks[0].inserts);
}

#[test]
fn an_insert_control_is_automated_by_a_lane_in_the_bounce() {
    installed(FIL4);
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(1000.0, 0.25, 96_000);
    let s = one_track(
        dir.path(),
        &tone,
        vec![insert(FIL4, &[("gain1", 0.0), ("freq1", 1000.0)])],
    );
    let mut app = app_on(s, dir.path());
    app.run_line("lane lv2.1.gain1", None);
    assert!(said(&app).contains("lv2.1.#19"), "{}", said(&app));
    // A lane from 0 dB to +12 dB over the first second, held after.
    let lane = lane(
        app.desk.lane.clone(),
        dubstage::model::AutoMode::Read,
        &[(0, 0.0), (48_000, 12.0)],
    );
    let mut s = app.desk.session.clone();
    s.tracks[0].lanes.push(lane);
    let path = dir.path().join("auto.ron");
    dubstage::model::file::save(&s, &path).unwrap();
    let s = dubstage::model::file::load(&path).unwrap().session;
    let out = bounce_f32(&s, dir.path(), 1024).1;
    let dry = bounce_f32(&one_track(dir.path(), &tone, vec![]), dir.path(), 1024).1;
    let dx = output("DX");
    let g = |a, b| level(&out[dx][0], a, b, 0.25) - level(&dry[dx][0], a, b, 0.25);
    // Halfway up the ramp (0.50 to 0.55 s: 6.0 to 6.6 dB on the lane;
    // fil4 glides its coefficients, so a little behind), then held.
    let (mid, late) = (g(24_000, 26_400), g(72_000, 96_000));
    assert!(mid > 4.5 && mid < 7.0, "halfway: {mid:.2} dB");
    assert!(
        (late - 12.0).abs() < 0.05,
        "after the ramp +12 dB: {late:.3}"
    );
}

/// A fader lane on a track behind a latent plugin (nodelay, 700 samples)
/// stays on the timeline's samples: a click just before the fader falls
/// away is kept, one just after is gone, as on a track without inserts.
#[test]
fn automation_behind_a_latent_plugin_stays_on_the_timeline() {
    installed(NODELAY);
    let dir = tempfile::tempdir().unwrap();
    let mut clicks = vec![0.0f32; 20_000];
    clicks[10_000] = 0.5;
    clicks[10_500] = 0.5;
    for inserts in [vec![], vec![insert(NODELAY, &[("delay", 700.0)])]] {
        let latent = !inserts.is_empty();
        let mut s = one_track(dir.path(), &clicks, inserts);
        let lane = lane(
            dubstage::model::LaneTarget::Volume,
            dubstage::model::AutoMode::Read,
            &[(10_200, 0.0), (10_201, -90.0)],
        );
        s.tracks[0].lanes.push(lane.clone());
        let out = bounce_f32(&s, dir.path(), 512).1;
        let dx = &out[output("DX")][0];
        let loud: Vec<usize> = (0..dx.len()).filter(|&i| dx[i].abs() > 0.05).collect();
        assert_eq!(loud, vec![10_000], "latent insert: {latent}");

        // The same lane on a bus the track feeds.
        s.tracks[0].lanes.clear();
        s.buses.push(dubstage::model::Bus {
            name: "B".into(),
            output: dubstage::model::Output::Stem(StemKind::DX),
            lanes: vec![lane],
            ..Default::default()
        });
        s.tracks[0].output = dubstage::model::Output::Bus("B".into());
        let out = bounce_f32(&s, dir.path(), 700).1;
        let dx = &out[output("DX")][0];
        let loud: Vec<usize> = (0..dx.len()).filter(|&i| dx[i].abs() > 0.05).collect();
        assert_eq!(loud, vec![10_000], "on a bus, latent insert: {latent}");
    }
}
