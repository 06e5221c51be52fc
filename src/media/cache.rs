//! The decode cache: sources that cannot be read in place (compressed, or at
//! another sample rate) are converted once into 32-bit float WAV files at the
//! session rate. A cached file is found again by the source's path, size,
//! modification time and the target rate, so an edited source is converted anew.

use std::fs;
use std::path::{Path, PathBuf};

use super::decode;
use super::guard::guarded;
use super::header;
use super::resample::Resampler;
use super::wav::{self, WavInfo};
use super::writer::{OutputFormat, WavWriter};
use super::MediaError;

/// A source ready to read at the session rate.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The WAV file to read: the source itself, or its cached conversion.
    pub file: PathBuf,
    pub info: WavInfo,
    /// What was done to it, for people: "decoded from FLAC", "44100 Hz converted".
    pub conversion: Option<String>,
    /// Problems met, each naming the source file.
    pub warnings: Vec<String>,
}

/// Where converted media are kept.
#[derive(Debug, Clone)]
pub struct MediaCache {
    dir: PathBuf,
}

impl MediaCache {
    pub fn new(dir: impl Into<PathBuf>) -> MediaCache {
        MediaCache { dir: dir.into() }
    }

    /// `$DUBSTAGE_CACHE_DIR`, else `$XDG_CACHE_HOME/dubstage/media`, else
    /// `~/.cache/dubstage/media`, else a folder under the system temp dir.
    pub fn from_env() -> MediaCache {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = env("DUBSTAGE_CACHE_DIR")
            .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("dubstage").join("media")))
            .or_else(|| env("HOME").map(|d| d.join(".cache").join("dubstage").join("media")))
            .unwrap_or_else(|| std::env::temp_dir().join("dubstage-media"));
        MediaCache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Make `path` readable at `rate`: in place when it is a WAV at that rate,
    /// otherwise through a cached conversion (made now if not yet made).
    pub fn prepare(&self, path: &Path, rate: u32) -> Result<Prepared, MediaError> {
        let io_err = |source: std::io::Error| MediaError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = fs::metadata(path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(MediaError::Unsupported {
                path: path.to_path_buf(),
                why: "this is a folder, not a media file".into(),
            });
        }
        // Every field a reader trusts is checked before one sees the file.
        let mut warnings = guarded(path, || header::check(path))?;
        if let Ok(info) = guarded(path, || wav::probe(path))? {
            if info.sample_rate == rate {
                // The cut-off data is said once, below, in frames.
                warnings.retain(|w| !w.contains("cut short"));
                if let Some(declared) = info.declared_frames {
                    warnings.push(format!(
                        "{}: the file is cut short: {} of the {declared} frames its header promises are present; the rest plays as silence",
                        path.display(),
                        info.frames
                    ));
                }
                if info.frames == 0 {
                    return Err(MediaError::Damaged {
                        path: path.to_path_buf(),
                        why: "the file holds no audio".into(),
                    });
                }
                return Ok(Prepared {
                    file: path.to_path_buf(),
                    info,
                    conversion: None,
                    warnings,
                });
            }
        }

        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let key =
            fnv1a(format!("{}\0{}\0{mtime}\0{rate}", canonical.display(), meta.len()).as_bytes());
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cached = self.dir.join(format!("{stem}-{key:016x}-{rate}.wav"));
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_uppercase())
            .unwrap_or_default();
        if let Ok(Ok(info)) = wav::probe(&cached) {
            if info.declared_frames.is_none() && info.sample_rate == rate {
                // What the conversion warned of is said again each time.
                let warnings = fs::read_to_string(warnings_path(&cached))
                    .map(|t| t.lines().map(str::to_string).collect())
                    .unwrap_or(warnings);
                return Ok(Prepared {
                    file: cached,
                    info,
                    conversion: Some(format!("decoded from {ext} (cached)")),
                    warnings,
                });
            }
        }
        self.convert(path, &cached, rate, &ext)
    }

    fn convert(
        &self,
        path: &Path,
        cached: &Path,
        rate: u32,
        ext: &str,
    ) -> Result<Prepared, MediaError> {
        let cache_err = |source: std::io::Error| MediaError::Io {
            path: cached.to_path_buf(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(cache_err)?;
        let partial = cached.with_extension("wav.partial");
        // The writer and resampler are made on the first packet, when the
        // channel count and rate are known for certain.
        let mut writer: Option<WavWriter> = None;
        let mut resampler: Option<Resampler> = None;
        let result = decode::decode(path, |source_rate, planes| {
            let w = match writer.as_mut() {
                Some(w) => w,
                None => {
                    if source_rate != rate {
                        resampler = Some(
                            Resampler::new(source_rate, rate, planes.len())
                                .map_err(std::io::Error::other)?,
                        );
                    }
                    writer.insert(WavWriter::create(
                        &partial,
                        planes.len(),
                        rate,
                        OutputFormat::Float32,
                        None,
                    )?)
                }
            };
            match resampler.as_mut() {
                Some(r) => r.push(planes, &mut |p| w.write_planar(p, p[0].len())),
                None => w.write_planar(planes, planes[0].len()),
            }
        });
        let decoded = result.inspect_err(|_| {
            let _ = fs::remove_file(&partial);
        })?;
        let mut writer = writer.ok_or_else(|| MediaError::Damaged {
            path: path.to_path_buf(),
            why: "no audio could be decoded".into(),
        })?;
        if let Some(r) = resampler {
            r.finish(&mut |p| writer.write_planar(p, p[0].len()))
                .map_err(cache_err)?;
        }
        writer.finish().map_err(cache_err)?;
        let notes = warnings_path(cached);
        if decoded.warnings.is_empty() {
            let _ = fs::remove_file(&notes);
        } else {
            fs::write(&notes, decoded.warnings.join("\n")).map_err(cache_err)?;
        }
        fs::rename(&partial, cached).map_err(cache_err)?;
        let info = wav::probe(cached)?.map_err(|_| MediaError::Damaged {
            path: cached.to_path_buf(),
            why: "the cached conversion cannot be read back".into(),
        })?;
        let conversion = if decoded.sample_rate == rate {
            format!("decoded from {ext}")
        } else {
            format!(
                "decoded from {ext}, {} Hz converted to {rate} Hz",
                decoded.sample_rate
            )
        };
        Ok(Prepared {
            file: cached.to_path_buf(),
            info,
            conversion: Some(conversion),
            warnings: decoded.warnings,
        })
    }
}

/// Where the warnings of a cached conversion are kept, beside it.
fn warnings_path(cached: &Path) -> PathBuf {
    cached.with_extension("wav.warnings")
}

/// FNV-1a: a small hash that stays the same from build to build.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}
