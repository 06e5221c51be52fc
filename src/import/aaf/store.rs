//! The AAF structured-storage container: a Microsoft compound file (read
//! with the `cfb` crate) whose storages are objects. Each storage holds a
//! `properties` stream (a byte-order byte `L`, a version byte, a count of
//! entries, then per entry a property id, a stored form and a length, then
//! the values in order); its CLSID is the object's class. A strong
//! reference names a child storage; a strong-reference vector or set names
//! a collection whose `NAME index` stream lists the local keys of its
//! elements, stored as `NAME{key}`. Everything read is bounded by the
//! length of the stream it comes from, never by a count in the file.

use std::cell::RefCell;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use super::defs::Auid;
use crate::import::ImportError;

/// Stored forms of a property value.
pub const SF_DATA: u16 = 0x82;
pub const SF_DATA_STREAM: u16 = 0x42;
pub const SF_STRONG_REF: u16 = 0x22;
pub const SF_STRONG_REF_VECTOR: u16 = 0x32;
pub const SF_STRONG_REF_SET: u16 = 0x3A;
pub const SF_WEAK_REF: u16 = 0x02;

/// How deep objects may nest (sequences in operation groups in ...).
pub const MAX_DEPTH: usize = 64;

/// One property of an object: its id, stored form and raw value.
#[derive(Debug, Clone)]
pub struct Prop {
    pub pid: u16,
    pub form: u16,
    pub data: Vec<u8>,
}

/// An object read from its storage: where it is, its class, its properties.
#[derive(Debug, Clone)]
pub struct Object {
    /// The storage path in the compound file, as `/Header-2/Content-3b03`.
    pub path: String,
    pub class: Auid,
    pub props: Vec<Prop>,
    /// How many strong references lead here from the root.
    pub depth: usize,
}

/// An open AAF file.
pub struct Store {
    file: RefCell<cfb::CompoundFile<Cursor<Vec<u8>>>>,
    /// The file, for messages.
    pub path: PathBuf,
    /// The file's length: no stream read from it can be longer.
    size: u64,
}

impl Store {
    /// Open `path` as a compound file; an error says what the file is not.
    pub fn open(path: &Path) -> Result<Store, ImportError> {
        let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Store::from_bytes(path, bytes)
    }

    /// The file whose contents are `bytes` (`path` names it in messages).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Store, ImportError> {
        const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let error = |message: String| ImportError::Aaf {
            path: path.to_path_buf(),
            at: "/".into(),
            message,
        };
        if bytes.len() < 512 || bytes[..8] != CFB_MAGIC {
            let what = if looks_like_bento(&bytes) {
                "it looks like an OMF (Bento) file, which dubstage does not read: export an AAF instead"
            } else {
                "it is not an AAF file (no compound-file signature)"
            };
            return Err(error(what.into()));
        }
        let size = bytes.len() as u64;
        let file = cfb::CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| error(format!("the compound file is damaged: {e}")))?;
        Ok(Store {
            file: RefCell::new(file),
            path: path.to_path_buf(),
            size,
        })
    }

    /// An error about the object at `at`.
    pub fn error(&self, at: &str, message: impl Into<String>) -> ImportError {
        ImportError::Aaf {
            path: self.path.clone(),
            at: if at.is_empty() { "/".into() } else { at.into() },
            message: message.into(),
        }
    }

    /// The whole of the stream at `path`, at most as long as the file.
    pub fn stream(&self, path: &str) -> Result<Vec<u8>, ImportError> {
        let mut file = self.file.borrow_mut();
        let mut stream = file
            .open_stream(path)
            .map_err(|e| self.error(path, format!("cannot open the stream: {e}")))?;
        let mut data = Vec::new();
        (&mut stream)
            .take(self.size)
            .read_to_end(&mut data)
            .map_err(|e| self.error(path, format!("cannot read the stream: {e}")))?;
        Ok(data)
    }

    /// Copy the stream at `path` into `out`; the number of bytes copied.
    pub fn copy_stream(
        &self,
        path: &str,
        out: &mut dyn std::io::Write,
    ) -> Result<u64, ImportError> {
        let mut file = self.file.borrow_mut();
        let stream = file
            .open_stream(path)
            .map_err(|e| self.error(path, format!("cannot open the stream: {e}")))?;
        std::io::copy(&mut stream.take(self.size), out)
            .map_err(|e| self.error(path, format!("cannot copy the stream: {e}")))
    }

    /// The length of the stream at `path`, if there is one.
    pub fn stream_len(&self, path: &str) -> Option<u64> {
        let file = self.file.borrow();
        let entry = file.entry(path).ok()?;
        entry.is_stream().then(|| entry.len().min(self.size))
    }

    /// The object stored at `path`.
    pub fn object(&self, path: &str, depth: usize) -> Result<Object, ImportError> {
        if depth > MAX_DEPTH {
            return Err(self.error(path, format!("objects nest deeper than {MAX_DEPTH} levels")));
        }
        let class = {
            let file = self.file.borrow();
            let entry = file
                .entry(path)
                .map_err(|e| self.error(path, format!("no such object: {e}")))?;
            if !entry.is_storage() {
                return Err(self.error(path, "a reference leads to a stream, not an object"));
            }
            let (d1, d2, d3, d4) = entry.clsid().as_fields();
            Auid::new(d1, d2, d3, *d4)
        };
        let props_path = join(path, "properties");
        let data = self.stream(&props_path)?;
        let props = parse_properties(&data).map_err(|m| self.error(path, m))?;
        Ok(Object {
            path: path.to_string(),
            class,
            props,
            depth,
        })
    }

    /// The object a strong reference `pid` of `obj` leads to, if it has one.
    pub fn child(&self, obj: &Object, pid: u16) -> Result<Option<Object>, ImportError> {
        let Some(prop) = obj.prop(pid) else {
            return Ok(None);
        };
        if prop.form != SF_STRONG_REF {
            return Err(self.error(
                &obj.path,
                format!("property {pid:#06x} should be a strong reference"),
            ));
        }
        let name = utf16(&prop.data);
        self.object(&join(&obj.path, &name), obj.depth + 1)
            .map(Some)
    }

    /// The objects of the strong-reference vector or set `pid` of `obj`, in
    /// order (none when it has no such property).
    pub fn children(&self, obj: &Object, pid: u16) -> Result<Vec<Object>, ImportError> {
        let Some(prop) = obj.prop(pid) else {
            return Ok(Vec::new());
        };
        let name = utf16(&prop.data);
        let index_path = join(&obj.path, &format!("{name} index"));
        let index = self.stream(&index_path)?;
        let keys = match prop.form {
            SF_STRONG_REF_VECTOR => vector_keys(&index),
            SF_STRONG_REF_SET => set_keys(&index),
            _ => Err(format!(
                "property {pid:#06x} should be a strong-reference collection"
            )),
        }
        .map_err(|m| self.error(&index_path, m))?;
        keys.into_iter()
            .map(|key| {
                self.object(
                    &join(&obj.path, &format!("{name}{{{key:x}}}")),
                    obj.depth + 1,
                )
            })
            .collect()
    }
}

/// An OMF file is a Bento container, which ends with a label holding the
/// Bento magic bytes `A4 'C' 'M' A5 'H' 'd' 'r' D7`.
fn looks_like_bento(bytes: &[u8]) -> bool {
    const BENTO: [u8; 8] = [0xA4, b'C', b'M', 0xA5, b'H', b'd', b'r', 0xD7];
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    tail.windows(8).any(|w| w == BENTO)
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The entries of a `properties` stream.
fn parse_properties(data: &[u8]) -> Result<Vec<Prop>, String> {
    if data.len() < 4 {
        return Err("the properties stream is shorter than its header".into());
    }
    if data[0] != b'L' {
        return Err(format!(
            "the properties are stored {} (byte order {:#04x}); only little-endian AAF files are read",
            if data[0] == b'B' { "big-endian" } else { "in an unknown byte order" },
            data[0]
        ));
    }
    let count = usize::from(u16::from_le_bytes([data[2], data[3]]));
    let table_end = 4 + count * 6;
    if table_end > data.len() {
        return Err(format!(
            "the properties stream lists {count} properties but is only {} bytes long",
            data.len()
        ));
    }
    let mut props = Vec::with_capacity(count);
    let mut at = table_end;
    for e in data[4..table_end].chunks_exact(6) {
        let pid = u16::from_le_bytes([e[0], e[1]]);
        let form = u16::from_le_bytes([e[2], e[3]]);
        let len = usize::from(u16::from_le_bytes([e[4], e[5]]));
        let Some(value) = data.get(at..at + len) else {
            return Err(format!(
                "property {pid:#06x} runs past the end of the properties stream"
            ));
        };
        props.push(Prop {
            pid,
            form,
            data: value.to_vec(),
        });
        at += len;
    }
    Ok(props)
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The local keys of a strong-reference vector index.
fn vector_keys(index: &[u8]) -> Result<Vec<u32>, String> {
    let count = u32_at(index, 0).ok_or("the vector index is shorter than its header")? as usize;
    let body = &index[12.min(index.len())..];
    if count > body.len() / 4 {
        return Err(format!(
            "the vector index lists {count} elements but holds only {}",
            body.len() / 4
        ));
    }
    Ok(body
        .chunks_exact(4)
        .take(count)
        .filter_map(|c| u32_at(c, 0))
        .collect())
}

/// The local keys of a strong-reference set index.
fn set_keys(index: &[u8]) -> Result<Vec<u32>, String> {
    if index.len() < 15 {
        return Err("the set index is shorter than its header".into());
    }
    let count = u32_at(index, 0).unwrap_or(0) as usize;
    let key_size = usize::from(index[14]);
    let entry = 8 + key_size;
    let body = &index[15..];
    if count > body.len() / entry {
        return Err(format!(
            "the set index lists {count} elements but holds only {}",
            body.len() / entry
        ));
    }
    Ok(body
        .chunks_exact(entry)
        .take(count)
        .filter_map(|c| u32_at(c, 0))
        .collect())
}

/// A UTF-16LE string up to its first NUL.
pub fn utf16(data: &[u8]) -> String {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

impl Object {
    pub fn prop(&self, pid: u16) -> Option<&Prop> {
        self.props.iter().find(|p| p.pid == pid)
    }

    fn data(&self, pid: u16) -> Option<&[u8]> {
        self.prop(pid).map(|p| p.data.as_slice())
    }

    pub fn u8(&self, pid: u16) -> Option<u8> {
        self.data(pid)?.first().copied()
    }

    pub fn u16(&self, pid: u16) -> Option<u16> {
        Some(u16::from_le_bytes(
            self.data(pid)?.get(..2)?.try_into().ok()?,
        ))
    }

    pub fn u32(&self, pid: u16) -> Option<u32> {
        u32_at(self.data(pid)?, 0)
    }

    pub fn i32(&self, pid: u16) -> Option<i32> {
        self.u32(pid).map(|v| v as i32)
    }

    pub fn i64(&self, pid: u16) -> Option<i64> {
        Some(i64::from_le_bytes(
            self.data(pid)?.get(..8)?.try_into().ok()?,
        ))
    }

    /// A rational (numerator, denominator).
    pub fn rational(&self, pid: u16) -> Option<(i32, i32)> {
        rational(self.data(pid)?)
    }

    pub fn string(&self, pid: u16) -> Option<String> {
        self.data(pid).map(utf16)
    }

    /// A 16-byte AUID stored as data.
    pub fn auid(&self, pid: u16) -> Option<Auid> {
        Auid::from_bytes(self.data(pid)?.get(..16)?)
    }

    /// A 32-byte MobID (a SMPTE UMID).
    pub fn mob_id(&self, pid: u16) -> Option<[u8; 32]> {
        self.data(pid)?.get(..32)?.try_into().ok()
    }

    /// The key a weak reference holds: the AUID of the definition it names.
    pub fn weak_auid(&self, pid: u16) -> Option<Auid> {
        let p = self.prop(pid)?;
        if p.form != SF_WEAK_REF {
            return None;
        }
        // referenced-property tag (u16), key pid (u16), key size (u8), key
        let size = usize::from(*p.data.get(4)?);
        if size != 16 {
            return None;
        }
        Auid::from_bytes(p.data.get(5..21)?)
    }

    /// The stream a data-stream property names (after its byte-order byte).
    pub fn stream_name(&self, pid: u16) -> Option<String> {
        let p = self.prop(pid)?;
        (p.form == SF_DATA_STREAM && !p.data.is_empty()).then(|| utf16(&p.data[1..]))
    }
}

/// A rational from eight bytes.
pub fn rational(data: &[u8]) -> Option<(i32, i32)> {
    let n = i32::from_le_bytes(data.get(..4)?.try_into().ok()?);
    let d = i32::from_le_bytes(data.get(4..8)?.try_into().ok()?);
    Some((n, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_properties_stream_whose_table_overruns_it_is_refused() {
        let mut data = vec![b'L', 0x20, 0xff, 0xff];
        data.extend_from_slice(&[1, 2, 0x82, 0, 4, 0]);
        assert!(parse_properties(&data).unwrap_err().contains("65535"));
        let ok = [b'L', 0x20, 1, 0, 0x01, 0x44, 0x82, 0, 2, 0, 7, 0];
        let props = parse_properties(&ok).unwrap();
        assert_eq!(
            (props[0].pid, props[0].data.as_slice()),
            (0x4401, &[7u8, 0][..])
        );
        assert!(parse_properties(&[b'B', 0x20, 0, 0])
            .unwrap_err()
            .contains("big-endian"));
    }

    #[test]
    fn an_index_cannot_claim_more_elements_than_it_holds() {
        let mut index = vec![0u8; 12];
        index[..4].copy_from_slice(&1_000_000u32.to_le_bytes());
        index.extend_from_slice(&5u32.to_le_bytes());
        assert!(vector_keys(&index).unwrap_err().contains("1000000"));
        index[..4].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(vector_keys(&index).unwrap(), vec![5]);
    }
}
