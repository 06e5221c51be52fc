//! Broadcast WAV files written by hand for the import tests, independent of
//! dubstage's writer: a `bext` time reference and an iXML chunk when given.

use std::path::Path;

/// Write planar `channels` as a 24-bit Broadcast WAV by hand (independent of
/// dubstage's writer), with a `bext` time reference and an iXML chunk when given.
pub fn write_bwf(
    path: &Path,
    rate: u32,
    channels: &[Vec<f32>],
    time_reference: Option<u64>,
    ixml: Option<&str>,
) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let n = channels.len() as u16;
    let frames = channels[0].len();
    let mut chunks: Vec<u8> = Vec::new();
    let mut chunk = |id: &[u8], body: &[u8]| {
        chunks.extend_from_slice(id);
        chunks.extend_from_slice(&(body.len() as u32).to_le_bytes());
        chunks.extend_from_slice(body);
        if body.len() % 2 == 1 {
            chunks.push(0);
        }
    };
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&1u16.to_le_bytes());
    fmt.extend_from_slice(&n.to_le_bytes());
    fmt.extend_from_slice(&rate.to_le_bytes());
    fmt.extend_from_slice(&(rate * 3 * u32::from(n)).to_le_bytes());
    fmt.extend_from_slice(&(3 * n).to_le_bytes());
    fmt.extend_from_slice(&24u16.to_le_bytes());
    chunk(b"fmt ", &fmt);
    if let Some(reference) = time_reference {
        let mut bext = vec![0u8; 602];
        bext[338..346].copy_from_slice(&reference.to_le_bytes());
        bext[346..348].copy_from_slice(&1u16.to_le_bytes());
        chunk(b"bext", &bext);
    }
    let mut data = Vec::with_capacity(frames * 3 * channels.len());
    for i in 0..frames {
        for c in channels {
            let v = (c[i] * 8_388_608.0).round() as i32;
            data.extend_from_slice(&v.to_le_bytes()[..3]);
        }
    }
    chunk(b"data", &data);
    // Sound recorders often put iXML after the audio.
    if let Some(xml) = ixml {
        chunk(b"iXML", xml.as_bytes());
    }
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&((chunks.len() + 4) as u32).to_le_bytes());
    file.extend_from_slice(b"WAVE");
    file.extend_from_slice(&chunks);
    std::fs::write(path, file).unwrap();
}
