//! The `dubstage` program: parse the arguments and run the subcommand.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;

use dubstage::bounce::{self, profile, BounceOptions};
use dubstage::import::{self, BuildOptions};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use dubstage::media::writer::OutputFormat;
use dubstage::model::file;
use dubstage::model::timecode::{parse_range, FrameRate};

use dubstage::cli::{Cli, Command, ConsoleArgs, SampleFormatArg};
use dubstage::console::{self, ConsoleOptions};

mod play;

/// Lets a closed standard output end the program (status 141, as for any
/// filter) instead of failing every later write. Rust ignores SIGPIPE by
/// default; the console and playback keep that, since they talk to JACK and
/// child processes.
fn restore_default_sigpipe() {
    // SAFETY: called on the main thread before any other thread starts;
    // SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Why a command did not succeed, and so its exit status.
enum Failure {
    /// Status 1: something could not be read, rendered or written.
    Error(String),
    /// Status 3: every version was written, but one or more failed its QC.
    Qc(String),
}

fn main() -> ExitCode {
    let started = Instant::now();
    dubstage::media::guard::install_hook();
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        let result = match &cli.session {
            Some(session) => console::run(session, &console_options(&cli.console), started),
            None if std::env::var_os("NSM_URL").is_some_and(|u| !u.is_empty()) => {
                let url = std::env::var("NSM_URL").unwrap_or_default();
                dubstage::headless::run_managed(&url, &console_options(&cli.console), started)
            }
            None => {
                eprintln!(
                    "dubstage: give a session to open (dubstage SESSION.ron) or a subcommand; `dubstage demo` opens the demo; --help lists them"
                );
                return ExitCode::from(2);
            }
        };
        return exit_status(result.map_err(Failure::Error));
    };
    if !matches!(command, Command::Demo { .. } | Command::Play { .. }) {
        // A report piped into `head` or `grep -q` ends quietly, as other
        // command-line tools do, instead of panicking in `print!`.
        restore_default_sigpipe();
    }
    let result = match command {
        Command::Bounce {
            session,
            output,
            profiles,
            profiles_file,
            downmix_centre,
            downmix_surround,
            downmix_lfe,
            range,
            format,
            block,
        } => {
            return exit_status(run_bounce(
                &session,
                &output,
                Versions {
                    names: &profiles,
                    file: profiles_file.as_deref(),
                    levels: profile::DownmixLevels {
                        centre_db: downmix_centre,
                        surround_db: downmix_surround,
                        lfe_db: downmix_lfe,
                    },
                },
                range.as_deref(),
                format,
                block as usize,
            ))
        }
        Command::Play {
            session,
            range,
            looped,
            no_jack,
            name,
        } => play::run(&session, range.as_deref(), looped, no_jack, &name),
        Command::Loudness { files, json } => run_loudness(&files, json),
        Command::Check { session } => run_check(&session),
        Command::New {
            name,
            template,
            layout,
            output,
        } => run_new(&name, &template, &layout, output.as_deref()),
        Command::Demo {
            dir,
            write_only,
            console,
        } => run_demo(&dir, write_only, &console, started),
        Command::Import {
            cut,
            media,
            output,
            rate,
            start,
            force,
            video_track,
        } => run_import(&cut, media, &output, rate, start, force, video_track),
        Command::Spot { session, clip, all } => run_spot(&session, &clip, all),
    };
    exit_status(result.map_err(Failure::Error))
}

fn console_options(args: &ConsoleArgs) -> ConsoleOptions {
    ConsoleOptions {
        use_jack: !args.no_jack,
        client_name: args.name.clone(),
        osc: args
            .osc
            .map(|port| std::net::SocketAddr::new(args.osc_bind, port)),
        surface: args
            .surface
            .as_deref()
            .and_then(dubstage::model::surface::SurfaceKind::parse),
        video: args.video.clone(),
    }
}

/// Print what went wrong, and the exit status that says it.
fn exit_status(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Error(message)) => {
            eprintln!("dubstage: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Qc(message)) => {
            eprintln!("dubstage: {message}");
            ExitCode::from(3)
        }
    }
}

/// Load the session and its media, printing warnings and offline sources.
pub(crate) fn open(path: &Path) -> Result<(file::Loaded, MediaPool), String> {
    let loaded = file::load(path).map_err(|e| e.to_string())?;
    for w in loaded.warning_lines() {
        eprintln!("{w}");
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let cache = MediaCache::from_env();
    let pool = MediaPool::open(&loaded.session, dir, &cache, |_| {});
    for w in pool.warnings() {
        eprintln!("warning: {w}");
    }
    if let Some(report) = pool.offline_report(&loaded.session) {
        eprintln!("warning: {report}");
    }
    for p in dubstage::plugin::chain::session_problems(&loaded.session) {
        eprintln!("warning: {p}");
    }
    Ok((loaded, pool))
}

/// The delivery versions asked for on the command line.
struct Versions<'a> {
    /// `--profile` names.
    names: &'a [String],
    /// `--profiles FILE`.
    file: Option<&'a Path>,
    /// `--downmix-*` levels.
    levels: profile::DownmixLevels,
}

fn run_bounce(
    session: &Path,
    output: &Path,
    versions: Versions<'_>,
    range: Option<&str>,
    format: SampleFormatArg,
    block: usize,
) -> Result<(), Failure> {
    let known = match versions.file {
        Some(file) => profile::load(file).map_err(|e| Failure::Error(e.to_string()))?,
        None => profile::defaults(),
    };
    let mut chosen = versions
        .names
        .iter()
        .map(|name| profile::find(&known, name).cloned())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Error(e.to_string()))?;
    versions.levels.apply(&mut chosen).map_err(Failure::Error)?;
    let (loaded, pool) = open(session).map_err(Failure::Error)?;
    let mut options = BounceOptions::new(output);
    options.block = block;
    options.format = match format {
        SampleFormatArg::Int24 => OutputFormat::Int24,
        SampleFormatArg::Float32 => OutputFormat::Float32,
    };
    if let Some(text) = range {
        let clock = bounce::clock(&loaded.session);
        options.range =
            Some(parse_range(text, &clock).map_err(|e| Failure::Error(format!("--range: {e}")))?);
    }
    if !chosen.is_empty() {
        return run_delivery(&loaded.session, &pool, &options, &chosen);
    }
    let mut bar = Progress::new();
    let report = bounce::bounce(&loaded.session, &pool, &options, |done, total| {
        bar.update(done, total)
    })
    .map_err(|e| Failure::Error(e.to_string()))?;
    bar.clear();
    print!("{}", report.summary());
    println!("files in {}", output.display());
    Ok(())
}

/// Bounce one version per profile, print what each measured, and fail when
/// any version could not be written or failed its QC.
fn run_delivery(
    session: &dubstage::model::Session,
    pool: &MediaPool,
    options: &BounceOptions,
    profiles: &[profile::Profile],
) -> Result<(), Failure> {
    let mut bar = Progress::new();
    let versions =
        bounce::deliver::deliver(session, pool, options, profiles, |label, done, total| {
            bar.update_labelled(label, done, total)
        })
        .map_err(|e| Failure::Error(e.to_string()))?;
    bar.clear();
    let (mut errors, mut failed) = (Vec::new(), Vec::new());
    for v in &versions {
        match &v.outcome {
            Ok((_, qc)) => {
                let checks: Vec<String> = qc
                    .checks
                    .iter()
                    .map(|c| {
                        let value = c.measured.map_or("-inf".into(), |m| format!("{m:.2}"));
                        format!("{} {value} {}", c.what, c.unit)
                    })
                    .collect();
                println!(
                    "{:<12} {}  trim {:+.2} dB  {}  -> {}",
                    v.profile.name,
                    if qc.pass { "PASS" } else { "FAIL" },
                    qc.trim_db,
                    checks.join(", "),
                    v.dir.join("qc.txt").display()
                );
                if let Some(d) = &qc.downmix {
                    println!("{:<12}   downmix {}", "", d.describe());
                }
                for w in &qc.warnings {
                    println!("{:<12}   warning: {w}", "");
                }
                if !qc.pass {
                    failed.push(v.profile.name.clone());
                }
            }
            Err(e) => {
                println!("{:<12} ERROR  {e}", v.profile.name);
                errors.push(v.profile.name.clone());
            }
        }
    }
    let count = versions.len();
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(failed);
        return Err(Failure::Error(format!(
            "{} of {count} version(s) not delivered: {}",
            all.len(),
            all.join(", ")
        )));
    }
    if !failed.is_empty() {
        return Err(Failure::Qc(format!(
            "{} of {count} version(s) failed QC: {}",
            failed.len(),
            failed.join(", ")
        )));
    }
    println!("{count} version(s) in {}", options.out_dir.display());
    Ok(())
}

/// Measure each file; print text for people or one JSON array. A file that
/// cannot be measured is reported and the others still are.
fn run_loudness(files: &[PathBuf], json: bool) -> Result<(), String> {
    use dubstage::loudness::file::measure_file;
    let mut failed = 0;
    let mut out = Vec::new();
    for file in files {
        match measure_file(file) {
            Ok(m) => {
                for w in &m.warnings {
                    eprintln!("warning: {w}");
                }
                if json {
                    out.push(serde_json::to_value(&m).map_err(|e| e.to_string())?);
                } else {
                    print!("{}", m.text());
                }
            }
            Err(e) => {
                failed += 1;
                if json {
                    out.push(serde_json::json!({ "file": file, "error": e.to_string() }));
                } else {
                    eprintln!("dubstage: {e}");
                }
            }
        }
    }
    if json {
        let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        println!("{text}");
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} file(s) could not be measured",
            files.len()
        ));
    }
    Ok(())
}

fn run_check(session: &Path) -> Result<(), String> {
    let (loaded, pool) = open(session)?;
    let s = &loaded.session;
    let clips: usize = s.tracks.iter().map(|t| t.clips.len()).sum();
    println!(
        "{}: \"{}\", {} Hz, {} fps from {}, {} sources, {} tracks, {} clips, {} buses, length {}",
        session.display(),
        s.name,
        s.sample_rate,
        s.timecode.rate,
        s.timecode.start,
        s.sources.len(),
        s.tracks.len(),
        clips,
        s.buses.len(),
        bounce::clock(s).format_samples(s.end())
    );
    for entry in &pool.entries {
        match &entry.state {
            dubstage::media::pool::SourceState::Online(p) => println!(
                "  {:<16} {} ch, {} frames{}",
                entry.id,
                p.info.channels,
                p.info.frames,
                p.conversion
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default()
            ),
            dubstage::media::pool::SourceState::Offline(why) => {
                println!("  {:<16} OFFLINE: {why}", entry.id)
            }
        }
    }
    let offline = pool.offline().count();
    if offline > 0 {
        return Err(format!("{offline} source(s) offline"));
    }
    Ok(())
}

fn run_new(name: &str, template: &str, layout: &str, output: Option<&Path>) -> Result<(), String> {
    use dubstage::model::{template, Layout};
    if !template::TEMPLATES.contains(&template) {
        return Err(format!(
            "there is no template \"{template}\" (templates: {})",
            template::TEMPLATES.join(", ")
        ));
    }
    let layout = if layout == "5.1" {
        Layout::FivePointOne
    } else {
        Layout::Stereo
    };
    let path = output.map_or_else(
        || std::path::PathBuf::from(format!("{name}.ron")),
        Path::to_path_buf,
    );
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another name or --output",
            path.display()
        ));
    }
    let session = template::film(name, layout);
    file::save(&session, &path).map_err(|e| e.to_string())?;
    println!(
        "{}: {} buses and {} tracks routed to DX, FX and MX, {} stems",
        path.display(),
        session.buses.len(),
        session.tracks.len(),
        if layout == Layout::FivePointOne {
            "5.1"
        } else {
            "stereo"
        }
    );
    Ok(())
}

fn run_demo(
    dir: &Path,
    write_only: bool,
    console: &ConsoleArgs,
    started: Instant,
) -> Result<(), String> {
    let writing = Instant::now();
    let session = dubstage::demo::create(dir).map_err(|e| e.to_string())?;
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if write_only || !terminal {
        println!(
            "demo scene written in {:.2} s: {}\nopen it with: dubstage {}\nbounce it with: dubstage bounce {} -o out/demo",
            writing.elapsed().as_secs_f64(),
            session.display(),
            session.display(),
            session.display()
        );
        return Ok(());
    }
    console::run(&session, &console_options(console), started)
}

fn run_import(
    cut: &Path,
    media: Vec<PathBuf>,
    output: &Path,
    rate: Option<FrameRate>,
    start: Option<String>,
    force: bool,
    video_track: bool,
) -> Result<(), String> {
    if output.exists() && !force {
        return Err(format!(
            "{}: the session file exists; give --force to replace it (the old one is kept as .bak)",
            output.display()
        ));
    }
    let folder = |p: &Path| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let media = if media.is_empty() {
        vec![folder(cut)]
    } else {
        media
    };
    // Media embedded in an AAF go beside the session, in SESSION.media/.
    let embedded_dir = output.with_extension("media");
    let parsed =
        import::read_cut_into(cut, rate, &media, Some(&embedded_dir)).map_err(|e| e.to_string())?;
    let session_dir = folder(output);
    let options = BuildOptions {
        cut_path: cut.to_path_buf(),
        media,
        start,
        session_dir: session_dir.clone(),
        video_track,
    };
    let (session, report) = import::build(&parsed, &options).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&session_dir).map_err(|e| format!("{}: {e}", session_dir.display()))?;
    file::save(&session, output).map_err(|e| e.to_string())?;
    print!("{report}");
    println!("session written: {}", output.display());
    Ok(())
}

fn run_spot(session: &Path, clips: &[String], all: bool) -> Result<(), String> {
    let mut loaded = file::load(session).map_err(|e| e.to_string())?;
    for w in loaded.warning_lines() {
        eprintln!("{w}");
    }
    let dir = session.parent().unwrap_or(Path::new("."));
    let done = import::spot::spot(&mut loaded.session, dir, clips, all)
        .map_err(|e| format!("{}: {e}", session.display()))?;
    let clock = bounce::clock(&loaded.session);
    for m in &done.moved {
        println!(
            "{}: {} -> {}",
            m.clip,
            clock.format_samples(m.from),
            clock.format_samples(m.to)
        );
    }
    for s in &done.skipped {
        println!("{}: left where it is: {}", s.clip, s.why);
    }
    if done.moved.iter().any(|m| m.from != m.to) {
        file::save(&loaded.session, session).map_err(|e| e.to_string())?;
        println!("session saved: {}", session.display());
    } else {
        println!("nothing moved; the session is unchanged");
    }
    Ok(())
}

/// A one-line progress bar on standard error, drawn only on a terminal.
struct Progress {
    enabled: bool,
    started: Instant,
    last: Option<Instant>,
    label: String,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last: None,
            label: String::new(),
        }
    }

    /// As [`update`](Self::update), with a label before the bar.
    fn update_labelled(&mut self, label: &str, done: u64, total: u64) {
        if label != self.label {
            self.label = label.to_string();
            self.last = None;
        }
        self.update(done, total);
    }

    fn update(&mut self, done: u64, total: u64) {
        if !self.enabled
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let fraction = done as f64 / total.max(1) as f64;
        let width = 40;
        let filled = (fraction * width as f64) as usize;
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r{}[{}{}] {:3.0}%  {:.1} s",
            if self.label.is_empty() {
                String::new()
            } else {
                format!("{:<12} ", self.label)
            },
            "#".repeat(filled),
            ".".repeat(width - filled),
            fraction * 100.0,
            self.started.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }

    fn clear(&self) {
        if self.enabled && self.last.is_some() {
            let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(75));
        }
    }
}
