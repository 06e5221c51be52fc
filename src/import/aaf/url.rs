//! Media locators as editing systems write them: `file://` URLs with
//! percent-encoding (`file:///D%3A/Avid%20MediaFiles/x.mxf`,
//! `file://localhost/C:/...`, `file://?/C:/...`), Windows paths with
//! backslashes and drive letters, UNC paths and old Mac paths with colons
//! (`Macintosh HD:Audio:x.wav`). The result keeps forward slashes so that
//! its file name can be taken on any system; the media lookup then finds
//! the file by that name when the path itself is not there.

use std::path::PathBuf;

/// The path a locator names, or `None` when it names none.
pub fn to_path(locator: &str) -> Option<PathBuf> {
    let text = locator.trim();
    if text.is_empty() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let path = if lower.starts_with("file:") {
        let rest = &text[5..];
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        // The host part: empty, "localhost", "?" or a server name (UNC).
        let (host, rest) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => ("", rest),
        };
        let decoded = percent_decode(rest);
        let host = percent_decode(host);
        let drive = decoded.len() >= 3
            && decoded.as_bytes()[0] == b'/'
            && decoded.as_bytes()[1].is_ascii_alphabetic()
            && decoded.as_bytes()[2] == b':';
        if drive {
            decoded[1..].to_string()
        } else if host.is_empty() || host.eq_ignore_ascii_case("localhost") || host == "?" {
            decoded
        } else {
            format!("//{host}{decoded}")
        }
    } else {
        percent_decode(text)
    };
    let path = path.replace('\\', "/");
    // An old Mac path: "Volume:Folder:file.wav" (no slash, colons, no drive).
    let mac = !path.contains('/') && path.matches(':').count() >= 1 && !is_drive(&path);
    let path = if mac { path.replace(':', "/") } else { path };
    (!path.is_empty()).then(|| PathBuf::from(path))
}

fn is_drive(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// `%XX` sequences as the bytes they stand for (UTF-8), others kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        to_path(s).unwrap().to_string_lossy().into_owned()
    }

    #[test]
    fn locators_of_every_editing_system_become_paths_with_their_file_name() {
        assert_eq!(
            p("file:///D%3A/Avid%20MediaFiles/MXF/1/stereo-ideA02.mxf"),
            "D:/Avid MediaFiles/MXF/1/stereo-ideA02.mxf"
        );
        assert_eq!(
            p("file://localhost/C:/Users/user/res/1000hz.wav"),
            "C:/Users/user/res/1000hz.wav"
        );
        assert_eq!(p("file:///Users/me/a%C3%A9.wav"), "/Users/me/aé.wav");
        assert_eq!(p("file://server/share/x.wav"), "//server/share/x.wav");
        assert_eq!(p("C:\\Media\\take 1.wav"), "C:/Media/take 1.wav");
        assert_eq!(
            p("Macintosh HD:Audio:boom.wav"),
            "Macintosh HD/Audio/boom.wav"
        );
        assert_eq!(p("/plain/path.wav"), "/plain/path.wav");
        assert_eq!(p("100%"), "100%");
        assert_eq!(to_path("  "), None);
    }
}
