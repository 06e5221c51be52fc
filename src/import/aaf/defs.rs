//! The parts of the AAF object model dubstage reads: class, property,
//! data, operation, parameter and interpolation identifiers, as the AAF
//! specification (and the SMPTE registers it draws on) fixes them.

use std::fmt;

/// A 16-byte identifier, kept in the byte order AAF files store it
/// (the first three fields little-endian).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Auid([u8; 16]);

impl Auid {
    pub const fn new(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> Auid {
        let a = d1.to_le_bytes();
        let b = d2.to_le_bytes();
        let c = d3.to_le_bytes();
        Auid([
            a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d4[0], d4[1], d4[2], d4[3], d4[4],
            d4[5], d4[6], d4[7],
        ])
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Auid> {
        Some(Auid(bytes.get(..16)?.try_into().ok()?))
    }

    /// A class of the AAF base model: `{0x0d010101, 0x0101, code, 060e2b34 02060101}`.
    const fn class(code: u16) -> Auid {
        Auid::new(0x0d01_0101, 0x0101, code, SMPTE_CLASS)
    }
}

impl fmt::Debug for Auid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Auid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-",
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            u16::from_le_bytes([b[4], b[5]]),
            u16::from_le_bytes([b[6], b[7]])
        )?;
        for (i, x) in b[8..].iter().enumerate() {
            if i == 2 {
                write!(f, "-")?;
            }
            write!(f, "{x:02x}")?;
        }
        Ok(())
    }
}

const SMPTE_CLASS: [u8; 8] = [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x06, 0x01, 0x01];
const AVID: [u8; 8] = [0x8a, 0x38, 0x00, 0x50, 0x04, 0x0e, 0xf7, 0xd2];

/// Classes.
pub mod class {
    use super::Auid;
    pub const HEADER: Auid = Auid::class(0x2f00);
    pub const COMPOSITION_MOB: Auid = Auid::class(0x3500);
    pub const MASTER_MOB: Auid = Auid::class(0x3600);
    pub const SOURCE_MOB: Auid = Auid::class(0x3700);
    pub const TIMELINE_MOB_SLOT: Auid = Auid::class(0x3b00);
    pub const EVENT_MOB_SLOT: Auid = Auid::class(0x3900);
    pub const SEQUENCE: Auid = Auid::class(0x0f00);
    pub const SOURCE_CLIP: Auid = Auid::class(0x1100);
    pub const FILLER: Auid = Auid::class(0x0900);
    pub const TRANSITION: Auid = Auid::class(0x1700);
    pub const OPERATION_GROUP: Auid = Auid::class(0x0a00);
    pub const TIMECODE: Auid = Auid::class(0x1400);
    pub const COMMENT_MARKER: Auid = Auid::class(0x0800);
    pub const DESCRIPTIVE_MARKER: Auid = Auid::class(0x4100);
    pub const NESTED_SCOPE: Auid = Auid::class(0x0b00);
    pub const SELECTOR: Auid = Auid::class(0x0e00);
    pub const ESSENCE_GROUP: Auid = Auid::class(0x0500);
    pub const CONSTANT_VALUE: Auid = Auid::class(0x3d00);
    pub const VARYING_VALUE: Auid = Auid::class(0x3e00);
    pub const PCM_DESCRIPTOR: Auid = Auid::class(0x4800);
    pub const WAVE_DESCRIPTOR: Auid = Auid::class(0x2c00);
    pub const AIFC_DESCRIPTOR: Auid = Auid::class(0x2600);
    pub const SOUND_DESCRIPTOR: Auid = Auid::class(0x4200);
    pub const MULTIPLE_DESCRIPTOR: Auid = Auid::class(0x4400);
    pub const TAPE_DESCRIPTOR: Auid = Auid::class(0x2e00);
    pub const NETWORK_LOCATOR: Auid = Auid::class(0x3200);
    pub const TEXT_LOCATOR: Auid = Auid::class(0x3300);
}

/// Property ids (the static ones the AAF specification fixes).
pub mod pid {
    pub const ROOT_HEADER: u16 = 0x0002;
    pub const HEADER_CONTENT: u16 = 0x3B03;
    pub const HEADER_DICTIONARY: u16 = 0x3B04;
    pub const DICTIONARY_OPERATIONS: u16 = 0x2603;
    pub const DEFINITION_ID: u16 = 0x1B01;
    pub const DEFINITION_NAME: u16 = 0x1B02;
    pub const CONTENT_MOBS: u16 = 0x1901;
    pub const CONTENT_ESSENCE_DATA: u16 = 0x1902;
    pub const MOB_ID: u16 = 0x4401;
    pub const MOB_NAME: u16 = 0x4402;
    pub const MOB_SLOTS: u16 = 0x4403;
    pub const MOB_USAGE_CODE: u16 = 0x4408;
    pub const SLOT_ID: u16 = 0x4801;
    pub const SLOT_NAME: u16 = 0x4802;
    pub const SLOT_SEGMENT: u16 = 0x4803;
    pub const SLOT_PHYSICAL_TRACK: u16 = 0x4804;
    pub const EVENT_SLOT_EDIT_RATE: u16 = 0x4901;
    pub const TIMELINE_SLOT_EDIT_RATE: u16 = 0x4B01;
    pub const TIMELINE_SLOT_ORIGIN: u16 = 0x4B02;
    pub const COMPONENT_DATA_DEF: u16 = 0x0201;
    pub const COMPONENT_LENGTH: u16 = 0x0202;
    pub const SEQUENCE_COMPONENTS: u16 = 0x1001;
    pub const SOURCE_ID: u16 = 0x1101;
    pub const SOURCE_SLOT_ID: u16 = 0x1102;
    pub const SOURCE_CLIP_START: u16 = 0x1201;
    pub const SOURCE_CLIP_FADE_IN: u16 = 0x1202;
    pub const SOURCE_CLIP_FADE_OUT: u16 = 0x1204;
    pub const TRANSITION_OPERATION: u16 = 0x1801;
    pub const TRANSITION_CUT_POINT: u16 = 0x1802;
    pub const OPERATION_DEF: u16 = 0x0B01;
    pub const OPERATION_INPUTS: u16 = 0x0B02;
    pub const OPERATION_PARAMETERS: u16 = 0x0B03;
    pub const PARAMETER_DEF: u16 = 0x4C01;
    pub const CONSTANT_VALUE: u16 = 0x4D01;
    pub const VARYING_INTERPOLATION: u16 = 0x4E01;
    pub const VARYING_POINTS: u16 = 0x4E02;
    pub const CONTROL_POINT_VALUE: u16 = 0x1A02;
    pub const CONTROL_POINT_TIME: u16 = 0x1A03;
    pub const EVENT_POSITION: u16 = 0x0601;
    pub const EVENT_COMMENT: u16 = 0x0602;
    pub const TIMECODE_START: u16 = 0x1501;
    pub const TIMECODE_FPS: u16 = 0x1502;
    pub const TIMECODE_DROP: u16 = 0x1503;
    pub const NESTED_SCOPE_SLOTS: u16 = 0x0C01;
    pub const SELECTOR_SELECTED: u16 = 0x0F01;
    pub const SELECTOR_ALTERNATES: u16 = 0x0F02;
    pub const ESSENCE_GROUP_CHOICES: u16 = 0x0501;
    pub const SOURCE_MOB_DESCRIPTOR: u16 = 0x4701;
    pub const DESCRIPTOR_LOCATORS: u16 = 0x2F01;
    pub const FILE_SAMPLE_RATE: u16 = 0x3001;
    pub const FILE_LENGTH: u16 = 0x3002;
    pub const SOUND_SAMPLE_RATE: u16 = 0x3D03;
    pub const SOUND_CHANNELS: u16 = 0x3D07;
    pub const SOUND_BITS: u16 = 0x3D01;
    pub const PCM_BLOCK_ALIGN: u16 = 0x3D0A;
    pub const MULTIPLE_DESCRIPTORS: u16 = 0x3F01;
    pub const NETWORK_LOCATOR_URL: u16 = 0x4001;
    pub const TEXT_LOCATOR_NAME: u16 = 0x4101;
    pub const ESSENCE_DATA_MOB_ID: u16 = 0x2701;
    pub const ESSENCE_DATA_DATA: u16 = 0x2702;
}

/// Kinds of data a slot or component carries.
pub mod data_def {
    use super::Auid;
    const SMPTE_DATA: [u8; 8] = [0x06, 0x0e, 0x2b, 0x34, 0x04, 0x01, 0x01, 0x01];
    const LEGACY: [u8; 8] = [0x80, 0x7d, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f];
    const LEGACY_TC: [u8; 8] = [0x80, 0x7f, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f];
    pub const SOUND: Auid = Auid::new(0x0103_0202, 0x0200, 0x0000, SMPTE_DATA);
    pub const LEGACY_SOUND: Auid = Auid::new(0x78e1_ebe1, 0x6cef, 0x11d2, LEGACY);
    pub const TIMECODE: Auid = Auid::new(0x0103_0201, 0x0100, 0x0000, SMPTE_DATA);
    pub const LEGACY_TIMECODE: Auid = Auid::new(0x7f27_5e81, 0x77e5, 0x11d2, LEGACY_TC);

    pub fn is_sound(d: Option<Auid>) -> bool {
        matches!(d, Some(d) if d == SOUND || d == LEGACY_SOUND)
    }

    pub const DESCRIPTIVE_METADATA: Auid = Auid::new(0x0103_0201, 0x1000, 0x0000, SMPTE_DATA);

    pub fn is_descriptive(d: Option<Auid>) -> bool {
        d == Some(DESCRIPTIVE_METADATA)
    }

    pub fn is_timecode(d: Option<Auid>) -> bool {
        matches!(d, Some(d) if d == TIMECODE || d == LEGACY_TIMECODE)
    }
}

/// Effects (operation definitions) on audio.
pub mod operation {
    use super::{Auid, AVID};
    const DISSOLVE: [u8; 8] = [0x8a, 0x29, 0x00, 0x50, 0x04, 0x0e, 0xf7, 0xd2];
    pub const MONO_AUDIO_DISSOLVE: Auid = Auid::new(0x0c3b_ea41, 0xfc05, 0x11d2, DISSOLVE);
    pub const STEREO_AUDIO_DISSOLVE: Auid = Auid::new(0x0c3b_ea42, 0xfc05, 0x11d2, DISSOLVE);
    pub const MONO_AUDIO_GAIN: Auid = Auid::new(0x9d2e_a894, 0x0968, 0x11d3, AVID);
    pub const STEREO_AUDIO_GAIN: Auid = Auid::new(0x9d2e_a895, 0x0968, 0x11d3, AVID);
    pub const MONO_AUDIO_PAN: Auid = Auid::new(0x9d2e_a893, 0x0968, 0x11d3, AVID);
    pub const AUDIO_CHANNEL_COMBINER: Auid = Auid::new(
        0x6b46_dd7a,
        0x132d,
        0x4856,
        [0xab, 0x21, 0x8b, 0x75, 0x1d, 0x84, 0x62, 0xec],
    );
}

/// Effect parameters.
pub mod parameter {
    use super::Auid;
    const P: [u8; 8] = [0x8a, 0x4c, 0x00, 0x50, 0x04, 0x0e, 0xf7, 0xd2];
    /// A level multiplier (1 is unity).
    pub const AMPLITUDE: Auid = Auid::new(0xe496_2321, 0x2267, 0x11d3, P);
    /// 0 is left, 1/2 the centre, 1 right.
    pub const PAN: Auid = Auid::new(0xe496_2322, 0x2267, 0x11d3, P);
    /// Media Composer's clip-level keyframes (a level multiplier).
    pub const AVID_CLIP_KEYFRAMES: Auid = Auid::new(
        0x47c0_0f7d,
        0xfb55,
        0x11d3,
        [0x9f, 0xf7, 0x00, 0x04, 0xac, 0x96, 0x9f, 0x50],
    );
    /// Media Composer's dissolve curve: 0 linear, 1 equal power.
    pub const AVID_CURVE_TYPE: Auid = Auid::new(
        0x8134_fc48,
        0x3bd6,
        0x4904,
        [0x95, 0x20, 0x7a, 0x63, 0x60, 0xcc, 0x71, 0x27],
    );
}

/// How a varying value moves between its control points.
pub mod interpolation {
    use super::Auid;
    const I: [u8; 8] = [0x80, 0xa9, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f];
    pub const NONE: Auid = Auid::new(0x5b6c_85a3, 0x0ede, 0x11d3, I);
    pub const LINEAR: Auid = Auid::new(0x5b6c_85a4, 0x0ede, 0x11d3, I);
    pub const CONSTANT: Auid = Auid::new(0x5b6c_85a5, 0x0ede, 0x11d3, I);
    pub const LOG: Auid = Auid::new(
        0x1582_9ec3,
        0x1f24,
        0x458a,
        [0x96, 0x0d, 0xc6, 0x5b, 0xb2, 0x3c, 0x2a, 0xa1],
    );
    pub const POWER: Auid = Auid::new(
        0xc091_53f7,
        0xbd18,
        0x4e5a,
        [0xad, 0x09, 0xcb, 0xdd, 0x65, 0x4f, 0xa0, 0x01],
    );
}

/// The usage code of the cut itself (as opposed to sub-sequences).
pub const USAGE_TOP_LEVEL: Auid = Auid::new(
    0x0d01_0102,
    0x0101,
    0x0700,
    [0x06, 0x0e, 0x2b, 0x34, 0x04, 0x01, 0x01, 0x01],
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_print_as_the_specification_writes_them() {
        assert_eq!(
            class::SOURCE_CLIP.to_string(),
            "0d010101-0101-1100-060e-2b3402060101"
        );
        assert_eq!(
            parameter::AMPLITUDE.to_string(),
            "e4962321-2267-11d3-8a4c-0050040ef7d2"
        );
    }
}
