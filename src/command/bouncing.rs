//! A bounce from the console: DX, MX, FX, ME and PM of the selection
//! rendered on a worker thread while the desk goes on, with its progress
//! and result on the status line; or delivery versions, one per profile.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use super::desk::{BounceJob, BounceNews, Desk};
use crate::bounce::{self, deliver, profile, BounceOptions};

impl Desk {
    /// Bounce the selection (or the whole session) into `dir` on a worker thread.
    pub fn start_bounce(&mut self, dir: PathBuf) -> Result<(), String> {
        if self.bounce.is_some() {
            return Err("a bounce is already running".into());
        }
        let session = self.session.clone();
        let pool = Arc::clone(&self.pool);
        let mut options = BounceOptions::new(&dir);
        options.range = self.selection.filter(|(a, b)| b > a);
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("bounce".into())
            .spawn(move || {
                let mut last = 0u64;
                let result = bounce::bounce(&session, &pool, &options, |done, total| {
                    if done * 100 / total.max(1) != last * 100 / total.max(1) {
                        let _ = tx.send(BounceNews::Progress(done, total));
                    }
                    last = done;
                });
                let _ = tx.send(BounceNews::Done(
                    result
                        .map(|r| {
                            format!("bounced {} at {:.0}x real time", r.end_timecode, r.speed())
                        })
                        .map_err(|e| e.to_string()),
                ));
            })
            .map_err(|e| format!("cannot start the bounce: {e}"))?;
        self.bounce = Some(BounceJob { dir, progress: rx });
        Ok(())
    }

    /// Deliver one version per shipped profile named in `names` (stereo
    /// downmixes among them) from the selection (or the whole session)
    /// into `dir/<profile>/`, on a worker thread, like
    /// `dubstage bounce --profile`.
    pub fn start_delivery(&mut self, dir: PathBuf, names: &[String]) -> Result<(), String> {
        if self.bounce.is_some() {
            return Err("a bounce is already running".into());
        }
        let known = profile::defaults();
        let profiles = names
            .iter()
            .map(|n| profile::find(&known, n).cloned())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let session = self.session.clone();
        let pool = Arc::clone(&self.pool);
        let mut options = BounceOptions::new(&dir);
        options.range = self.selection.filter(|(a, b)| b > a);
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("deliver".into())
            .spawn(move || {
                let mut last = 0u64;
                let result =
                    deliver::deliver(&session, &pool, &options, &profiles, |_, done, total| {
                        if done * 100 / total.max(1) != last * 100 / total.max(1) {
                            let _ = tx.send(BounceNews::Progress(done, total));
                        }
                        last = done;
                    });
                let _ = tx.send(BounceNews::Done(match result {
                    Ok(versions) => verdicts(&versions),
                    Err(e) => Err(e.to_string()),
                }));
            })
            .map_err(|e| format!("cannot start the delivery: {e}"))?;
        self.bounce = Some(BounceJob { dir, progress: rx });
        Ok(())
    }

    /// Is a bounce running?
    pub fn bouncing(&self) -> bool {
        self.bounce.is_some()
    }

    pub(super) fn poll_bounce(&mut self) {
        let Some(job) = &self.bounce else { return };
        let mut news = None;
        let mut finished = false;
        loop {
            match job.progress.try_recv() {
                Ok(BounceNews::Progress(done, total)) => {
                    news = Some(Ok(format!(
                        "bouncing into {}: {}%",
                        job.dir.display(),
                        done * 100 / total.max(1)
                    )))
                }
                Ok(BounceNews::Done(r)) => {
                    news = Some(r.map(|t| format!("{t}: files in {}", job.dir.display())));
                    finished = true;
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    if news.is_none() {
                        news = Some(Err("the bounce stopped without a word".into()));
                    }
                    finished = true;
                    break;
                }
            }
        }
        if finished {
            self.bounce = None;
        }
        match news {
            Some(Ok(t)) => self.say(t),
            Some(Err(e)) => self.complain(e),
            None => {}
        }
    }

    /// Wait for a running bounce to end (tests).
    pub fn finish_bounce(&mut self, timeout: std::time::Duration) {
        let deadline = Instant::now() + timeout;
        while self.bounce.is_some() && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
            self.poll_bounce();
        }
    }
}

/// "delivered stereo-loro PASS, stereo-ltrt PASS", or an error naming the
/// versions that failed their QC or could not be written.
fn verdicts(versions: &[deliver::Version]) -> Result<String, String> {
    let list: Vec<String> = versions
        .iter()
        .map(|v| match &v.outcome {
            Ok((_, qc)) => format!(
                "{} {}",
                v.profile.name,
                if qc.pass { "PASS" } else { "FAIL (see qc.txt)" }
            ),
            Err(e) => format!("{} ERROR: {e}", v.profile.name),
        })
        .collect();
    let text = format!("delivered {}", list.join(", "));
    if versions.iter().all(deliver::Version::passed) {
        Ok(text)
    } else {
        Err(text)
    }
}
