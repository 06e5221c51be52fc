//! Where a written file's bytes go: gathered in a large buffer aligned to
//! the page, and handed to the disk in whole blocks with direct I/O
//! (`O_DIRECT`) where the file system takes it, so that no second copy of
//! the audio is made in the page cache and written back from there. A
//! bounce writes five outputs; through the page cache each byte was copied
//! once more by the kernel and then written back behind it, which cost
//! about a tenth of a bounce's CPU time. The last part of a block, and the
//! header's sizes that [`super::writer::WavWriter`] fills in at the end,
//! go through the page cache as before, and `fsync` makes the whole file
//! durable. Where direct I/O is refused (tmpfs, some network and FUSE file
//! systems) the same blocks are written through the page cache, with the
//! kernel asked to start writing each one back.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The alignment direct I/O needs of buffers, offsets and lengths; 4096
/// suits every common device and file system (a 512-byte device takes it
/// too).
const BLOCK: usize = 4096;
/// Bytes gathered before a write: 1 MiB (4 MiB was no faster).
const PAGES: usize = 256;
/// A buffer's bytes.
const BUFFER: usize = PAGES * BLOCK;
/// The most bytes [`Sink::next_bytes`] gives at once: a buffer less the
/// part of a block a handed-over buffer leaves at the start of the next.
pub const CAPACITY: usize = BUFFER - BLOCK;

#[repr(C, align(4096))]
#[derive(Clone, Copy)]
struct Page([u8; BLOCK]);

/// A buffer of pages.
struct Pages(Vec<Page>);

impl Pages {
    fn new() -> Pages {
        Pages(vec![Page([0; BLOCK]); PAGES])
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `Page` is a `repr(C)` array of bytes whose size is its
        // alignment, so the pages are one run of initialised bytes.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast::<u8>(), self.0.len() * BLOCK) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, borrowed mutably through `self`.
        unsafe {
            std::slice::from_raw_parts_mut(self.0.as_mut_ptr().cast::<u8>(), self.0.len() * BLOCK)
        }
    }
}

/// A buffer's whole blocks for the disk, at a place in the file.
struct Job {
    pages: Pages,
    len: usize,
    at: u64,
}

/// A file being written from the start, in order. Two buffers: one being
/// filled here while a thread of the sink's own hands the other to the
/// disk, so that a direct write (which waits for the device) does not hold
/// up the caller.
pub struct Sink {
    pages: Pages,
    /// Bytes in `pages`.
    filled: usize,
    /// Where in the file `pages` starts (a multiple of [`BLOCK`]).
    at: u64,
    jobs: Option<std::sync::mpsc::SyncSender<Job>>,
    /// Buffers back from the disk thread, or the error it met.
    free: std::sync::mpsc::Receiver<io::Result<Pages>>,
    disk: Option<std::thread::JoinHandle<(File, bool)>>,
    direct: bool,
}

impl Sink {
    /// Create (or truncate) `path`.
    pub fn create(path: &Path) -> io::Result<Sink> {
        Sink::open(path, true)
    }

    /// `create`, asking for direct I/O or not.
    fn open(path: &Path, direct: bool) -> io::Result<Sink> {
        let (file, direct) = open(path, direct)?;
        let (jobs, todo) = std::sync::mpsc::sync_channel::<Job>(1);
        let (done, free) = std::sync::mpsc::sync_channel(2);
        done.send(Ok(Pages::new()))
            .map_err(|_| io::Error::other("the sink's buffer"))?;
        let disk = std::thread::Builder::new()
            .name("dubstage-disk".into())
            .spawn(move || disk_thread(file, direct, todo, done))?;
        Ok(Sink {
            pages: Pages::new(),
            filled: 0,
            at: 0,
            jobs: Some(jobs),
            free,
            disk: Some(disk),
            direct,
        })
    }

    /// Whether whole blocks go to the disk directly (as far as known).
    pub fn direct(&self) -> bool {
        self.direct
    }

    /// Bytes handed to the sink so far.
    pub fn len(&self) -> u64 {
        self.at + self.filled as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next `n` bytes of the file, to be filled in place (at most
    /// [`CAPACITY`]): what is in them is written.
    pub fn next_bytes(&mut self, n: usize) -> io::Result<&mut [u8]> {
        let n = n.min(CAPACITY);
        if self.filled + n > BUFFER {
            self.hand_over()?;
        }
        let from = self.filled;
        self.filled += n;
        Ok(&mut self.pages.bytes_mut()[from..from + n])
    }

    /// Send the whole blocks gathered to the disk thread and carry on in
    /// the other buffer with the rest.
    fn hand_over(&mut self) -> io::Result<()> {
        let whole = self.filled / BLOCK * BLOCK;
        if whole == 0 {
            return Ok(());
        }
        let mut next = self.free_buffer()?;
        let rest = self.filled - whole;
        next.bytes_mut()[..rest].copy_from_slice(&self.pages.bytes()[whole..self.filled]);
        let full = std::mem::replace(&mut self.pages, next);
        let job = Job {
            pages: full,
            len: whole,
            at: self.at,
        };
        if let Some(jobs) = &self.jobs {
            jobs.send(job).map_err(|_| gone())?;
        }
        self.filled = rest;
        self.at += whole as u64;
        Ok(())
    }

    fn free_buffer(&mut self) -> io::Result<Pages> {
        self.free.recv().map_err(|_| gone())?
    }

    /// Write everything and hand the file back, in ordinary (page cache)
    /// mode, for the header's last touches and its `fsync`.
    pub fn into_file(mut self) -> io::Result<File> {
        self.hand_over()?;
        // The other buffer back: the disk thread's last write done, and
        // its verdict.
        let _ = self.free_buffer()?;
        self.jobs = None;
        let (file, direct) = self
            .disk
            .take()
            .and_then(|d| d.join().ok())
            .ok_or_else(gone)?;
        if direct {
            set_direct(&file, false)?;
        }
        write_at(&file, &self.pages.bytes()[..self.filled], self.at)?;
        Ok(file)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(disk) = self.disk.take() {
            // Let a buffer in flight come back so the thread is not left
            // waiting to return it, then wait for it to end.
            while self.free.try_recv().is_ok() {}
            let _ = disk.join();
        }
    }
}

fn gone() -> io::Error {
    io::Error::other("the thread writing to the disk stopped")
}

/// Write each job's blocks where they go, and send its buffer back (or
/// the first error: after one, blocks are no longer written).
fn disk_thread(
    file: File,
    mut direct: bool,
    todo: std::sync::mpsc::Receiver<Job>,
    done: std::sync::mpsc::SyncSender<io::Result<Pages>>,
) -> (File, bool) {
    let mut failed = false;
    for job in todo {
        let bytes = &job.pages.bytes()[..job.len];
        let result = if failed {
            Err(io::Error::other("an earlier write failed"))
        } else {
            match write_at(&file, bytes, job.at) {
                Err(e) if direct && e.raw_os_error() == Some(libc::EINVAL) => {
                    // Refused after all (an alignment this device does not
                    // take): the page cache from here on.
                    direct = false;
                    set_direct(&file, false).and_then(|()| write_at(&file, bytes, job.at))
                }
                result => result,
            }
        };
        if result.is_ok() && !direct {
            start_writeback(&file, job.at, job.len);
        }
        failed |= result.is_err();
        let reply = result.map(|()| job.pages);
        if done.send(reply).is_err() {
            break;
        }
    }
    (file, direct)
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.filled == BUFFER {
                self.hand_over()?;
            }
            let n = rest.len().min(BUFFER - self.filled);
            let from = self.filled;
            self.pages.bytes_mut()[from..from + n].copy_from_slice(&rest[..n]);
            self.filled += n;
            rest = &rest[n..];
        }
        Ok(bytes.len())
    }

    /// Whole blocks are written as buffers fill; the rest waits for
    /// [`Sink::into_file`].
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(bytes, at)
}

#[cfg(target_os = "linux")]
fn open(path: &Path, direct: bool) -> io::Result<(File, bool)> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if !direct {
        return Ok((options.open(path)?, false));
    }
    match options.clone().custom_flags(libc::O_DIRECT).open(path) {
        Ok(file) => Ok((file, true)),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok((options.open(path)?, false)),
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn open(path: &Path, _: bool) -> io::Result<(File, bool)> {
    Ok((File::create(path)?, false))
}

#[cfg(target_os = "linux")]
fn set_direct(file: &File, on: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: plain system calls on our own open descriptor.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let flags = if on {
        flags | libc::O_DIRECT
    } else {
        flags & !libc::O_DIRECT
    };
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn set_direct(_: &File, _: bool) -> io::Result<()> {
    Ok(())
}

/// Ask the kernel to start writing `len` bytes from `at` to the disk,
/// without waiting (a hint; the closing `fsync` still makes it durable).
fn start_writeback(file: &File, at: u64, len: usize) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: a plain system call on our own open descriptor.
        unsafe {
            libc::sync_file_range(
                file.as_raw_fd(),
                at as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, at, len);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(n: usize, seed: u32) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    /// Odd-sized writes and in-place fills across several buffers' worth,
    /// ending in a part of a block: the file holds exactly those bytes.
    fn round_trip(dir: &Path, direct: bool) -> bool {
        let path = dir.join("out.bin");
        let mut sink = Sink::open(&path, direct).unwrap();
        let direct = sink.direct();
        let mut expected = Vec::new();
        let mut k = 0u32;
        while expected.len() < 3 * PAGES * BLOCK + 12_345 {
            let n = [1, 44, 4095, 4096, 70_001, CAPACITY][k as usize % 6];
            let bytes = pattern(n, k);
            if k.is_multiple_of(2) {
                sink.write_all(&bytes).unwrap();
            } else {
                sink.next_bytes(n).unwrap().copy_from_slice(&bytes);
            }
            expected.extend_from_slice(&bytes);
            k += 1;
        }
        assert_eq!(sink.len(), expected.len() as u64);
        let mut file = sink.into_file().unwrap();
        // The header's last touch, through the page cache.
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(4)).unwrap();
        file.write_all(b"RIFF").unwrap();
        expected[4..8].copy_from_slice(b"RIFF");
        file.sync_all().unwrap();
        drop(file);
        assert!(std::fs::read(&path).unwrap() == expected);
        direct
    }

    #[test]
    fn what_is_written_is_in_the_file_direct_or_not() {
        let dir = tempfile::tempdir().unwrap();
        // Direct where the file system takes it (ext4, xfs, btrfs, and
        // tmpfs since Linux 6.6) ...
        let direct = round_trip(dir.path(), true);
        println!("direct I/O in {}: {direct}", dir.path().display());
        // ... and through the page cache, as where it is refused.
        assert!(!round_trip(dir.path(), false));
    }

    #[test]
    fn a_disk_that_fails_is_an_error_not_a_hang() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            return;
        }
        let mut sink = Sink::open(full, false).unwrap();
        let bytes = pattern(1 << 20, 7);
        let mut result = Ok(());
        for _ in 0..12 {
            result = sink.write_all(&bytes);
            if result.is_err() {
                break;
            }
        }
        let error = match result {
            Err(e) => e,
            Ok(()) => sink.into_file().unwrap_err(),
        };
        assert_eq!(error.raw_os_error(), Some(libc::ENOSPC), "{error}");
    }
}
