//! Media embedded in an AAF, written out once as files beside the session:
//! a WAVE or AIFC essence stream is the whole file already; raw PCM gets a
//! WAVE header from its descriptor. A file is first written under a
//! temporary name; when a file of that name is already there with the same
//! contents it is used again (a second import extracts nothing new), and
//! when one with other contents is there the new one takes the next free
//! name (`name-2.wav`): nothing is ever overwritten.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::source::Essence;
use super::store::Store;

/// Write the essence at `stream` into `dir` under a name made of `name`;
/// the file's path, or why it could not be written.
pub fn extract(
    store: &Store,
    stream: &str,
    kind: &Essence,
    dir: &Path,
    name: &str,
) -> Result<PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let ext = match kind {
        Essence::Aifc => "aif",
        Essence::Wave | Essence::Pcm { .. } => "wav",
    };
    let stem = file_stem(name);
    let temp = dir.join(format!(".{stem}.{ext}.part"));
    let written = write(store, stream, kind, &temp);
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    for n in 1..1000 {
        let candidate = if n == 1 {
            dir.join(format!("{stem}.{ext}"))
        } else {
            dir.join(format!("{stem}-{n}.{ext}"))
        };
        if !candidate.exists() {
            fs::rename(&temp, &candidate).map_err(|e| format!("{}: {e}", candidate.display()))?;
            return Ok(candidate);
        }
        if same_contents(&temp, &candidate) {
            let _ = fs::remove_file(&temp);
            return Ok(candidate);
        }
    }
    let _ = fs::remove_file(&temp);
    Err(format!("{}: no free name for {stem}.{ext}", dir.display()))
}

fn write(store: &Store, stream: &str, kind: &Essence, to: &Path) -> Result<(), String> {
    let file = fs::File::create(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut out = BufWriter::new(file);
    let io = |e: std::io::Error| format!("{}: {e}", to.display());
    match kind {
        Essence::Wave | Essence::Aifc => {
            store
                .copy_stream(stream, &mut out)
                .map_err(|e| e.to_string())?;
        }
        &Essence::Pcm {
            channels,
            sample_rate,
            bits,
        } => {
            let len = store.stream_len(stream).unwrap_or(0);
            let block = u32::from(channels) * u32::from(bits / 8);
            let data_len = u32::try_from(len - len % u64::from(block.max(1))).map_err(|_| {
                format!("{stream}: the embedded PCM is larger than a WAVE file holds")
            })?;
            out.write_all(&wave_header(channels, sample_rate, bits, data_len))
                .map_err(io)?;
            let copied = store
                .copy_stream(stream, &mut LimitWriter::new(&mut out, data_len))
                .map_err(|e| e.to_string())?;
            if copied < u64::from(data_len) {
                return Err(format!("{stream}: the embedded PCM ends early"));
            }
        }
    }
    out.flush().map_err(io)?;
    out.into_inner()
        .map_err(|e| e.to_string())?
        .sync_all()
        .map_err(io)
}

/// A canonical 44-byte WAVE header for PCM.
pub fn wave_header(channels: u16, sample_rate: u32, bits: u16, data_len: u32) -> Vec<u8> {
    let block = channels * (bits / 8);
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_len).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&sample_rate.to_le_bytes());
    h.extend_from_slice(&(sample_rate * u32::from(block)).to_le_bytes());
    h.extend_from_slice(&block.to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

/// Passes on at most `left` bytes and drops the rest (an odd trailing byte).
struct LimitWriter<'a, W: Write> {
    inner: &'a mut W,
    left: u32,
}

impl<'a, W: Write> LimitWriter<'a, W> {
    fn new(inner: &'a mut W, left: u32) -> Self {
        LimitWriter { inner, left }
    }
}

impl<W: Write> Write for LimitWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left as usize);
        self.inner.write_all(&buf[..n])?;
        self.left -= n as u32;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn same_contents(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    if ma.len() != mb.len() {
        return false;
    }
    let (Ok(mut fa), Ok(mut fb)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let (Ok(na), Ok(nb)) = (read_full(&mut fa, &mut ba), read_full(&mut fb, &mut bb)) else {
            return false;
        };
        if na != nb || ba[..na] != bb[..nb] {
            return false;
        }
        if na == 0 {
            return true;
        }
    }
}

fn read_full(f: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A file name from a clip or mob name: no folders, no extension of a
/// media kind, nothing a file system refuses.
fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    let base = [".wav", ".wave", ".aif", ".aiff", ".aifc", ".bwf"]
        .iter()
        .find(|e| lower.ends_with(*e))
        .map_or(base, |e| &base[..base.len() - e.len()]);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_control() || ":*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "embedded".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_names_become_plain_file_names() {
        assert_eq!(
            file_stem("1000hz-18dbs16b44.1k.wav"),
            "1000hz-18dbs16b44.1k"
        );
        assert_eq!(file_stem("C:\\x\\take:1?.WAV"), "take_1_");
        assert_eq!(file_stem("../.."), "embedded");
        assert_eq!(wave_header(2, 48_000, 24, 600).len(), 44);
    }
}
