//! The butler: a thread that reads the tracks ahead of the playhead into
//! their feeds, so the realtime thread never touches the disk. It follows
//! the locate handshake of [`super::feed`], wraps at the loop end as the
//! playhead will, and frees on its own thread whatever it lets go of.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::feed::{FeedSync, FeedWriters};
use super::plan::Playlist;
use super::playlist::SessionReader;
use crate::media::pool::MediaPool;
use ringbuf::traits::Producer;

/// Frames read per track at a time.
const CHUNK: usize = 4096;
/// How long the butler sleeps when there is nothing to do.
const IDLE: Duration = Duration::from_millis(2);

/// What the butler reads: the feeds to fill, the playlists and the media.
pub struct ButlerJob {
    pub writers: FeedWriters,
    pub playlists: Arc<Vec<Playlist>>,
    pub pool: Arc<MediaPool>,
}

/// Handle to the butler thread; stops it when dropped.
pub struct Butler {
    jobs: Sender<ButlerJob>,
    sync: Arc<FeedSync>,
    thread: Option<JoinHandle<()>>,
    errors: Receiver<String>,
}

impl Butler {
    pub fn start(sync: Arc<FeedSync>) -> std::io::Result<Butler> {
        let (jobs, job_rx) = mpsc::channel();
        let (error_tx, errors) = mpsc::channel();
        let thread_sync = Arc::clone(&sync);
        let thread = std::thread::Builder::new()
            .name("dubstage-butler".into())
            .spawn(move || run(thread_sync, job_rx, error_tx))?;
        Ok(Butler {
            jobs,
            sync,
            thread: Some(thread),
            errors,
        })
    }

    /// Hand the butler a new feed set; it starts filling it once the
    /// realtime thread has taken up the matching Plan.
    pub fn give(&self, job: ButlerJob) {
        let _ = self.jobs.send(job);
    }

    /// Read errors since the last call (a source that failed to read).
    pub fn errors(&self) -> Vec<String> {
        self.errors.try_iter().collect()
    }
}

impl Drop for Butler {
    fn drop(&mut self) {
        self.sync.quit.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Where the butler stands with one feed set.
struct Work {
    job: ButlerJob,
    reader: SessionReader,
    buffers: Vec<Vec<Vec<f32>>>,
    interleaved: Vec<f32>,
    /// The generation being served and whether its flush is done.
    generation: Option<u64>,
    flushed: bool,
    position: u64,
    looped: Option<(u64, u64)>,
}

fn run(sync: Arc<FeedSync>, jobs: Receiver<ButlerJob>, errors: Sender<String>) {
    let mut work: Option<Work> = None;
    let mut last_error = String::new();
    while !sync.quit.load(Ordering::Acquire) {
        match jobs.try_recv() {
            Ok(job) => {
                let tracks = job.playlists.len();
                work = Some(Work {
                    buffers: job
                        .writers
                        .channels
                        .iter()
                        .map(|&c| vec![vec![0.0; CHUNK]; c])
                        .collect(),
                    interleaved: vec![0.0; CHUNK * 2],
                    reader: SessionReader::new(tracks, CHUNK),
                    job,
                    generation: None,
                    flushed: false,
                    position: 0,
                    looped: None,
                });
                continue;
            }
            Err(TryRecvError::Disconnected) => return,
            Err(TryRecvError::Empty) => {}
        }
        let busy = match work.as_mut() {
            Some(w) => match w.step(&sync) {
                Ok(busy) => busy,
                Err(e) => {
                    if e != last_error {
                        let _ = errors.send(e.clone());
                        last_error = e;
                    }
                    false
                }
            },
            None => false,
        };
        if !busy {
            std::thread::sleep(IDLE);
        }
    }
}

impl Work {
    /// Do one piece of work; `Ok(false)` when there was nothing to do.
    fn step(&mut self, sync: &FeedSync) -> Result<bool, String> {
        if sync.feeds_id.load(Ordering::Acquire) != self.job.writers.id {
            return Ok(false); // the realtime thread has not taken these feeds up yet
        }
        let generation = sync.seek_gen.load(Ordering::Acquire);
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.flushed = false;
            self.position = sync.seek_pos.load(Ordering::Acquire);
            self.looped = sync.loop_range();
            sync.butler_gen.store(generation, Ordering::Release);
        }
        if !self.flushed {
            if sync.flushed_gen.load(Ordering::Acquire) < generation {
                return Ok(false);
            }
            self.flushed = true;
        }
        if self.job.writers.vacant_frames() < CHUNK {
            return Ok(false);
        }
        let mut n = CHUNK;
        if let Some((start, end)) = self.looped {
            if self.position < end {
                n = n.min((end - self.position) as usize);
            }
            if self.position >= end {
                self.position = start;
            }
        }
        let result = self.reader.read(
            &self.job.playlists,
            &self.job.pool,
            self.position,
            n,
            &mut self.buffers,
        );
        for ((ring, buffer), &channels) in self
            .job
            .writers
            .rings
            .iter_mut()
            .zip(&self.buffers)
            .zip(&self.job.writers.channels)
        {
            for k in 0..n {
                for (c, plane) in buffer.iter().enumerate().take(channels) {
                    self.interleaved[k * channels + c] = plane[k];
                }
            }
            ring.push_slice(&self.interleaved[..n * channels]);
        }
        self.position += n as u64;
        if let Some((start, end)) = self.looped {
            if self.position == end {
                self.position = start;
            }
        }
        result.map(|()| true).map_err(|e| e.to_string())
    }
}
