//! Fuzzing by deterministic mutation (the stable toolchain has no
//! cargo-fuzz): real files (the shipped sessions and keymaps, the media
//! of tests/media and the good files of the damaged corpus) are bit-flipped,
//! cut short, given rewritten size fields and spliced, and each mutant goes
//! through the session loader, the keymap loader and every media reader
//! (the loudness decode, the media pool's in-place reader and conversion,
//! import's BWF/iXML probe). Every panic counts, also one that the media
//! boundary's guard catches; so does a case that takes longer than
//! [`CASE_WAIT`] or an allocation larger than [`MAX_ALLOCATION`].
//!
//! `cargo test --locked --test fuzz` runs a bounded number of cases per
//! target; `DUBSTAGE_FUZZ_CASES=20000 cargo test --release --test fuzz`
//! runs longer (and `DUBSTAGE_FUZZ_SEED` starts elsewhere).

mod common;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex, Once};
use std::time::Duration;

use common::damaged::corpus;
use dubstage::command::registry;
use dubstage::keymap::Keymap;
use dubstage::media::cache::MediaCache;

#[global_allocator]
static ALLOCATOR: common::largest::Largest = common::largest::Largest;

/// No input is larger than a few hundred kilobytes.
const MAX_ALLOCATION: usize = 64 << 20;
const CASE_WAIT: Duration = Duration::from_secs(20);
const DEFAULT_CASES: usize = 150;

fn cases() -> usize {
    std::env::var("DUBSTAGE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn seed() -> u64 {
    std::env::var("DUBSTAGE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_D0B5_7A6E)
}

/// xorshift64*: the same cases on every run for one seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: &str) -> Rng {
        let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
        for b in stream.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01B3);
        }
        Rng(h | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

thread_local! {
    static CASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Every panic, caught or not, with the case it happened in.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let case = CASE.with(|c| c.borrow().clone());
            if case.is_empty() {
                // The test's own assertions.
                default(info);
            } else if let Ok(mut p) = PANICS.lock() {
                p.push(format!("{case}: {info}"));
            }
        }));
    });
}

/// Run `f` on `case` on its own thread, failing on a hang.
fn run_case(case: String, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let name = case.clone();
    std::thread::spawn(move || {
        CASE.with(|c| *c.borrow_mut() = name);
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(CASE_WAIT) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{case}: no answer in {CASE_WAIT:?}"),
    }
}

fn assert_clean(target: &str, ran: usize) {
    // Copied out: the hook takes the lock when the assertion below panics.
    let panics = PANICS.lock().unwrap().clone();
    let ours: Vec<&String> = panics
        .iter()
        .filter(|p| p.starts_with(&format!("{target} ")))
        .collect();
    assert!(
        ours.is_empty(),
        "{} panic(s) in {ran} {target} cases:\n{}",
        ours.len(),
        ours.iter()
            .take(10)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let largest = common::largest::largest();
    assert!(largest < MAX_ALLOCATION, "an allocation of {largest} bytes");
}

/// Values a size or count field is rewritten to.
fn size_value(rng: &mut Rng, len: usize) -> u32 {
    match rng.below(8) {
        0 => 0,
        1 => 1,
        2 => u32::MAX,
        3 => 0x7FFF_FFFF,
        4 => len as u32,
        5 => len as u32 + 1 + rng.below(64) as u32,
        6 => 0x8000_0000,
        _ => rng.next() as u32,
    }
}

/// One to eight mutations of `bytes`, most of them in the first 512 bytes,
/// where headers are.
fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..1 + rng.below(8) {
        if b.is_empty() {
            b.push(rng.next() as u8);
        }
        let at = if rng.below(4) == 0 {
            rng.below(b.len())
        } else {
            rng.below(b.len().min(512))
        };
        match rng.below(7) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => b[at] = rng.next() as u8,
            2 => {
                let n = rng.below(b.len() + 1);
                b.truncate(n)
            }
            3 | 4 => {
                let v = size_value(rng, b.len());
                let bytes = if rng.below(2) == 0 {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                let at = at & !1;
                for (i, x) in bytes.iter().enumerate() {
                    if let Some(slot) = b.get_mut(at + i) {
                        *slot = *x;
                    }
                }
            }
            5 => {
                let n = rng.below(64);
                let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(at..at, junk);
            }
            _ => {
                let from = rng.below(b.len());
                let n = rng.below(256).min(b.len() - from);
                let piece = b[from..from + n].to_vec();
                b.splice(at..at, piece);
            }
        }
    }
    b
}

/// Text mutations that keep to the characters RON is made of.
fn mutate_text(rng: &mut Rng, base: &str) -> String {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        "\"",
        "-1",
        "0",
        "1e308",
        "NaN",
        "inf",
        "18446744073709551615",
        "-9223372036854775808",
        "4294967296",
        "\"\"",
        "Some(",
        "None",
        "true",
        "\\u{0}",
        "é",
        "\n",
        "//",
        "/*",
        "r#\"",
        "0.0",
        "-0.0",
    ];
    let mut s = base.to_string();
    for _ in 0..1 + rng.below(6) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 => s.insert_str(at, PIECES[rng.below(PIECES.len())]),
            1 => {
                let mut end = (at + 1 + rng.below(40)).min(s.len());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.replace_range(at..end, "");
            }
            2 => {
                // Replace the number here with an extreme one.
                let digits = s[at..].find(|c: char| c.is_ascii_digit()).map(|i| at + i);
                if let Some(d) = digits {
                    let end = s[d..]
                        .find(|c: char| !c.is_ascii_digit() && c != '.')
                        .map_or(s.len(), |i| d + i);
                    s.replace_range(d..end, PIECES[10 + rng.below(4)]);
                }
            }
            _ => s.truncate(at),
        }
    }
    s
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn the_session_loader_never_panics() {
    count_panics();
    let bases: Vec<String> = [
        "sessions/demo/demo.ron",
        "sessions/examples/dialog-split.ron",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(repo(p)).unwrap())
    .collect();
    let mut rng = Rng::new(seed(), "session");
    let n = cases();
    for i in 0..n {
        let text = mutate_text(&mut rng, &bases[i % bases.len()]);
        run_case(format!("session case {i}"), move || {
            let path = Path::new("fuzz.ron");
            match dubstage::model::file::parse(&text, path) {
                Ok(loaded) => {
                    let again = dubstage::model::file::to_text(&loaded.session);
                    let _ = dubstage::model::file::parse(&again, path);
                }
                Err(e) => assert!(e.to_string().contains("fuzz.ron"), "{e}"),
            }
        });
    }
    assert_clean("session", n);
}

#[test]
fn the_keymap_loader_never_panics() {
    count_panics();
    let bases: Vec<String> = ["keymaps/default.ron", "keymaps/arrows.ron"]
        .iter()
        .map(|p| std::fs::read_to_string(repo(p)).unwrap())
        .collect();
    let mut rng = Rng::new(seed(), "keymap");
    let n = cases();
    for i in 0..n {
        let text = mutate_text(&mut rng, &bases[i % bases.len()]);
        run_case(format!("keymap case {i}"), move || {
            let mut map = Keymap::defaults(&registry::exists);
            for e in map.merge_text(&text, Path::new("keymap.ron"), &registry::exists) {
                assert!(e.to_string().contains("keymap.ron"), "{e}");
            }
        });
    }
    assert_clean("keymap", n);
}

/// Fuzz every media reader with mutants of `base`.
fn fuzz_media(target: &str, name: &str, base: Vec<u8>) {
    count_panics();
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::new(dir.path().join("cache"));
    let mut rng = Rng::new(seed(), target);
    let n = cases();
    for i in 0..n {
        let bytes = mutate(&mut rng, &base);
        let path = dir.path().join(format!("{i}-{name}"));
        std::fs::write(&path, &bytes).unwrap();
        let c = cache.clone();
        let p = path.clone();
        run_case(format!("{target} case {i}"), move || {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            let named = |e: String| assert!(e.contains(&file), "{e}");
            if let Err(e) = dubstage::loudness::file::measure_file(&p) {
                named(e.to_string());
            }
            match c.prepare(&p, 48_000) {
                Ok(prepared) => {
                    // Read the prepared file the way playback does.
                    let info = prepared.info.clone();
                    let mut reader =
                        dubstage::media::wav::WavReader::open(&prepared.file, info.clone())
                            .unwrap();
                    let mut buf = vec![0.0f32; 4096];
                    let mut at = 0;
                    while at < info.frames {
                        let len = (info.frames - at).min(4096) as usize;
                        let mut outs = [&mut buf[..]];
                        if reader.read(at, len, &[0], &mut outs).is_err() {
                            break;
                        }
                        at += len as u64;
                    }
                }
                Err(e) => named(e.to_string()),
            }
            if let Err(e) = dubstage::import::bwf::read(&p) {
                named(e.to_string());
            }
        });
        let largest = common::largest::largest();
        if largest >= MAX_ALLOCATION {
            let keep = std::env::temp_dir().join(format!("dubstage-fuzz-{i}-{name}"));
            let _ = std::fs::copy(&path, &keep);
            panic!(
                "{target} case {i}: an allocation of {largest} bytes (the input is kept as {})",
                keep.display()
            );
        }
        let _ = std::fs::remove_file(&path);
    }
    assert_clean(target, n);
}

fn media(name: &str) -> Vec<u8> {
    std::fs::read(common::media_dir().join(name)).unwrap()
}

fn corpus_file(name: &str) -> Vec<u8> {
    corpus().into_iter().find(|c| c.name == name).unwrap().bytes
}

#[test]
fn the_wav_readers_never_panic() {
    fuzz_media("wav24", "ref24.wav", media("ref24.wav"));
    fuzz_media("wav44k", "sine44k.wav", media("sine44k.wav"));
}

#[test]
fn the_wav_readers_never_panic_on_rf64_extensible_and_bwf() {
    fuzz_media("rf64", "rf64.wav", corpus_file("rf64_good.wav"));
    fuzz_media("extensible", "ext.wav", corpus_file("ext_good.wav"));
    fuzz_media("bext", "bext.wav", corpus_file("bext_good.wav"));
}

#[test]
fn the_flac_reader_never_panics() {
    fuzz_media("flac", "ref.flac", media("ref.flac"));
}

#[test]
fn the_aiff_readers_never_panic() {
    fuzz_media("aiff", "ref.aiff", media("ref.aiff"));
    fuzz_media("aifc", "ref.aifc", media("ref.aifc"));
}

#[test]
fn the_mp3_and_ogg_readers_never_panic() {
    fuzz_media("mp3", "ref.mp3", media("ref.mp3"));
    fuzz_media("ogg", "ref.ogg", media("ref.ogg"));
}
