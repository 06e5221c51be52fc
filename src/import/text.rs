//! The text of a cut file whatever its encoding. EDLs from Avid and older
//! systems are often Windows-1252 (or Latin-1, which Windows-1252 contains
//! but for its C1 controls): a clip named "Café Zoë" arrives as bytes that
//! are not UTF-8. A cut is never refused for its encoding: it is read as
//! UTF-8 when it is valid UTF-8, else as Windows-1252, and the report says so.

/// The encoding a cut was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

/// Windows-1252 characters for the bytes 0x80-0x9F, where it differs from
/// Latin-1; the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
/// 0x90, 0x9D) keep their Latin-1 control character, as browsers decode them.
const HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}', '\u{017D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{9D}', '\u{017E}', '\u{0178}',
];

/// The text of `bytes` and the encoding it was read in: UTF-8 (a leading
/// byte-order mark dropped) when valid, else Windows-1252.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => (
            bytes.iter().map(|&b| windows_1252(b)).collect(),
            Encoding::Windows1252,
        ),
    }
}

fn windows_1252(byte: u8) -> char {
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The first line (from 1) of `bytes` that is not valid UTF-8, for the
/// report: "line 7 is not UTF-8".
pub fn first_non_utf8_line(bytes: &[u8]) -> Option<usize> {
    let valid = std::str::from_utf8(bytes).err()?.valid_up_to();
    Some(1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_and_anything_else_is_windows_1252() {
        assert_eq!(
            decode("Café Zoë".as_bytes()),
            ("Café Zoë".to_string(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFTITLE: x"),
            ("TITLE: x".to_string(), Encoding::Utf8)
        );
        // Latin-1 bytes, and Windows-1252's own quotes, euro and dashes.
        assert_eq!(
            decode(b"Caf\xE9 Zo\xEB \x93No\x94 \x80 \x96 \x81"),
            (
                "Café Zoë \u{201C}No\u{201D} € – \u{81}".to_string(),
                Encoding::Windows1252
            )
        );
        assert_eq!(first_non_utf8_line(b"a\nb\nc\xE9\n"), Some(3));
        assert_eq!(first_non_utf8_line("é\n".as_bytes()), None);
    }
}
