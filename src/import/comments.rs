//! The comments that editing systems write after an EDL event and that a
//! conform reads beyond the clip names: Avid's audio levels and locators.

/// `AUDIO LEVEL AT 01:00:00:00 IS -3.00 DB (REEL A001 A1)` as (dB, reel, track).
pub fn parse_level(text: &str) -> Option<(f32, String, u16)> {
    let upper = text.to_ascii_uppercase();
    let tokens: Vec<&str> = upper.split_whitespace().collect();
    let is = tokens.iter().position(|t| *t == "IS")?;
    let db: f32 = tokens
        .get(is + 1)?
        .parse()
        .ok()
        .filter(|d: &f32| d.is_finite())?;
    let reel_at = tokens.iter().position(|t| *t == "(REEL")?;
    let reel_upper = tokens.get(reel_at + 1)?;
    // Give back the reel in the letter case of the file.
    let after = upper.find("(REEL")? + "(REEL".len();
    let start = after + upper[after..].find(reel_upper)?;
    let reel = text.get(start..start + reel_upper.len())?.to_string();
    let track = tokens
        .get(reel_at + 2)?
        .trim_end_matches(')')
        .strip_prefix('A')?
        .parse()
        .ok()?;
    Some((db, reel, track))
}

/// Avid's locator, `LOC: 01:00:01:14 RED     ANIM FIX NEEDED` (after the
/// `*`), as (record timecode, colour, text); the colour and text may be
/// missing.
pub fn parse_locator(text: &str) -> Option<(String, Option<String>, String)> {
    let rest = text.get(..4).filter(|k| k.eq_ignore_ascii_case("LOC:"))?;
    let rest = text[rest.len()..].trim_start();
    let (tc, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if tc.is_empty() || !tc.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim();
    let (word, text_after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (colour, name) = if COLOURS.iter().any(|c| word.eq_ignore_ascii_case(c)) {
        (Some(word.to_ascii_lowercase()), text_after.trim())
    } else {
        (None, rest)
    };
    Some((tc.to_string(), colour, name.to_string()))
}

/// Locator colours (Avid's, and those OpenTimelineIO writes).
const COLOURS: [&str; 11] = [
    "RED", "GREEN", "BLUE", "CYAN", "MAGENTA", "YELLOW", "BLACK", "WHITE", "PINK", "ORANGE",
    "PURPLE",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_levels_are_read_from_avid_comments() {
        assert_eq!(
            parse_level("AUDIO LEVEL AT 01:00:00:00 IS -3.50 DB  (REEL Boom A2)"),
            Some((-3.5, "Boom".to_string(), 2))
        );
        assert_eq!(parse_level("AUDIO LEVEL AT 01:00:00:00 IS LOUD"), None);
    }

    #[test]
    fn avid_locators_give_their_time_colour_and_text() {
        assert_eq!(
            parse_locator("LOC: 01:00:01:14 RED     ANIM FIX NEEDED"),
            Some((
                "01:00:01:14".into(),
                Some("red".into()),
                "ANIM FIX NEEDED".into()
            ))
        );
        assert_eq!(
            parse_locator("LOC: 01:00:15:13 GREEN"),
            Some(("01:00:15:13".into(), Some("green".into()), String::new()))
        );
        assert_eq!(
            parse_locator("loc: 01:00:02:14 PINK     ANIM FIX NEEDED"),
            Some((
                "01:00:02:14".into(),
                Some("pink".into()),
                "ANIM FIX NEEDED".into()
            ))
        );
        assert_eq!(
            parse_locator("LOC: 01:00:02:14 fix the door"),
            Some(("01:00:02:14".into(), None, "fix the door".into()))
        );
        assert_eq!(parse_locator("LOC:"), None);
        assert_eq!(parse_locator("LOCATION: x"), None);
        assert_eq!(parse_locator("LOC: somewhere"), None);
    }
}
