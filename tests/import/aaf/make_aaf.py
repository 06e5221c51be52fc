#!/usr/bin/env python3
"""Write AAF files with pyaaf2 (a second, independent AAF implementation)
for dubstage's AAF import tests.

    make_aaf.py OUTDIR

writes into OUTDIR:
  media/tone_a.wav, media/tone_b.wav, media/take 1.wav   linked media
  mix.aaf     embedded PCM, clip gain, fades and a crossfade, track volume
              automation and pan, a marker, a clip linked by a URL-encoded
              Mac path to "take 1.wav"
  plain.aaf   linked media only: a gap, clips with source offsets and an
              equal-power crossfade with a cut point
  plain.otio  the same cut as plain.aaf, as OpenTimelineIO
  nested.aaf  a clip playing part of a nested edit (a composition of two
              clips and a gap) under a gain, and a transition of a kind not
              reproduced, with its cut point
  cycle.aaf   a nested edit whose clips play the nested edit itself
  big.aaf     (only with --big, and then alone, with a 60 s tone_a.wav)
              2 hours, 40 tracks, 5,000 clips, for benches/import_aaf.rs

The numbers here are the ones tests/import_aaf.rs checks.
"""
import json
import math
import os
import struct
import sys
import wave

import aaf2

RATE = 48000
FPS = 25
START = 10 * 3600 * FPS  # 10:00:00:00


def write_tone(path, freq, seconds, level=0.25, channels=1):
    frames = int(RATE * seconds)
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        data = bytearray()
        for i in range(frames):
            v = int(round(level * 32767 * math.sin(2 * math.pi * freq * i / RATE)))
            data += struct.pack("<h", v) * channels
        w.writeframes(bytes(data))


def definitions(f):
    d = f.dictionary
    power = f.create.InterpolationDef("c09153f7-bd18-4e5a-ad09-cbdd654fa001", "PowerInterp", "")
    d.register_def(power)
    linear = f.create.InterpolationDef("5b6c85a4-0ede-11d3-80a9-006008143e6f", "LinearInterp", "")
    d.register_def(linear)
    amplitude = f.create.ParameterDef("e4962321-2267-11d3-8a4c-0050040ef7d2", "Amplitude", "", "Rational")
    d.register_def(amplitude)
    pan = f.create.ParameterDef("e4962322-2267-11d3-8a4c-0050040ef7d2", "Pan", "", "Rational")
    d.register_def(pan)
    level = f.create.ParameterDef("e4962320-2267-11d3-8a4c-0050040ef7d2", "Level", "", "Rational")
    d.register_def(level)
    for auid, name, params in [
        ("0c3bea41-fc05-11d2-8a29-0050040ef7d2", "Mono Audio Dissolve", [level]),
        ("9d2ea894-0968-11d3-8a38-0050040ef7d2", "Mono Audio Gain", [amplitude]),
        ("9d2ea893-0968-11d3-8a38-0050040ef7d2", "Mono Audio Pan", [pan]),
    ]:
        op = f.create.OperationDef(auid, name, "")
        d.register_def(op)
        op.media_kind = "sound"
        op["IsTimeWarp"].value = False
        op["NumberInputs"].value = 1
        op.parameters.extend(params)


def linked_master(f, name, path, url):
    """A master clip of a linked (not embedded) WAV file found at `url`."""
    with wave.open(path, "rb") as w:
        frames = w.getnframes()
    source = f.create.SourceMob(name)
    f.content.mobs.append(source)
    desc = f.create.PCMDescriptor()
    desc["Channels"].value = 1
    desc["BlockAlign"].value = 2
    desc["SampleRate"].value = RATE
    desc["AverageBPS"].value = RATE * 2
    desc["QuantizationBits"].value = 16
    desc["AudioSamplingRate"].value = RATE
    desc["Length"].value = frames
    loc = f.create.NetworkLocator()
    loc["URLString"].value = url
    desc["Locator"].append(loc)
    source.descriptor = desc
    slot = source.create_empty_slot(RATE, media_kind="sound")
    slot.segment.length = frames
    master = f.create.MasterMob(name)
    f.content.mobs.append(master)
    mslot = master.create_timeline_slot(RATE)
    mslot.segment = source.create_source_clip(slot.slot_id, start=0, length=frames)
    return master, mslot.slot_id


def embedded_master(f, name, path):
    master = f.create.MasterMob(name)
    f.content.mobs.append(master)
    slot = master.import_audio_essence(path, FPS)
    return master, slot.slot_id


def clip(master, slot_id, start, length):
    return master.create_source_clip(slot_id, start=start, length=length)


def dissolve(f, length, cut_point, interp="PowerInterp"):
    t = f.create.Transition("sound")
    t.length = length
    t["CutPoint"].value = cut_point
    op = f.create.OperationGroup("Mono Audio Dissolve")
    op.media_kind = "sound"
    op.length = length
    level = f.create.VaryingValue("Level", interp)
    level.add_keyframe(0.0, 0.0)
    level.add_keyframe(1.0, 1.0)
    op.parameters.append(level)
    t["OperationGroup"].value = op
    return t


def gain(f, segment, amplitude):
    op = f.create.OperationGroup("Mono Audio Gain", length=segment.length, media_kind="sound")
    op.parameters.append(f.create.ConstantValue("Amplitude", amplitude))
    op.segments.append(segment)
    return op


def filler(f, length):
    return f.create.Filler("sound", length)


def composition(f, name):
    comp = f.create.CompositionMob(name)
    comp.usage = "Usage_TopLevel"
    f.content.mobs.append(comp)
    slot = comp.create_timeline_slot(FPS)
    slot.segment = f.create.Timecode(FPS, False)
    slot.segment.start = START
    slot.segment.length = 2 * 3600 * FPS
    return comp


def sound_slot(comp, rate, name):
    slot = comp.create_sound_slot(rate)
    slot["SlotName"].value = name
    return slot


def mix_aaf(out, media):
    with aaf2.open(os.path.join(out, "mix.aaf"), "w") as f:
        definitions(f)
        a, a_slot = embedded_master(f, "tone_a", os.path.join(out, "embed", "tone_a.wav"))
        take, take_slot = linked_master(
            f, "take 1", os.path.join(media, "take 1.wav"),
            "file:///Volumes/Sound%20Drive/Day%201/take%201.wav")
        comp = composition(f, "Reel 1 mix")
        # DIA at 25 fps: a 1 s gap, a 10-frame fade in from it, tone_a from
        # frame 10 for 50 frames at -6.02 dB, a 10-frame crossfade (cut
        # point 5) into tone_a again from frame 0 for 40 frames, then a gap.
        dia = sound_slot(comp, FPS, "DIA")
        seq = dia.segment
        seq.components.append(filler(f, 25))
        seq.components.append(dissolve(f, 10, 0, "LinearInterp"))
        seq.components.append(gain(f, clip(a, a_slot, 10, 50), 0.5))
        seq.components.append(dissolve(f, 10, 5))
        seq.components.append(clip(a, a_slot, 0, 40))
        seq.components.append(filler(f, 25))
        # MX at 48 kHz: take 1 from 1 s for 2 s, under volume automation
        # (0 dB, -12.04 dB half way, 0 dB) and a pan of 0.75 (half right).
        mx = comp.create_timeline_slot(RATE)
        mx["SlotName"].value = "MX"
        inner = f.create.Sequence("sound")
        inner.components.append(clip(take, take_slot, RATE, 2 * RATE))
        vol = f.create.OperationGroup("Mono Audio Gain", length=2 * RATE, media_kind="sound")
        varying = f.create.VaryingValue("Amplitude", "LinearInterp")
        varying.add_keyframe(0.0, 1.0)
        varying.add_keyframe(0.5, 0.25)
        varying.add_keyframe(1.0, 1.0)
        vol.parameters.append(varying)
        vol.segments.append(inner)
        pan = f.create.OperationGroup("Mono Audio Pan", length=2 * RATE, media_kind="sound")
        pan.parameters.append(f.create.ConstantValue("Pan", 0.75))
        pan.segments.append(vol)
        mx.segment = pan
        # A marker at 10:00:01:05.
        events = comp.create_empty_sequence_slot(FPS, media_kind="DescriptiveMetadata")
        marker = f.create.CommentMarker()
        marker["Position"].value = 30
        marker["Comment"].value = "check sync"
        events.segment.components.append(marker)


def plain_aaf(out, media):
    with aaf2.open(os.path.join(out, "plain.aaf"), "w") as f:
        definitions(f)
        a, a_slot = linked_master(f, "tone_a", os.path.join(media, "tone_a.wav"), "file:///elsewhere/tone_a.wav")
        b, b_slot = linked_master(f, "tone_b", os.path.join(media, "tone_b.wav"), "file:///elsewhere/tone_b.wav")
        comp = composition(f, "Reel 1")
        # At 48 kHz edit rate: a 0.5 s gap; tone_a from 0.25 s for 1.5 s;
        # a 0.2 s equal-power crossfade with its cut 0.05 s in; tone_b from
        # 0.5 s for 1 s.
        slot = sound_slot(comp, RATE, "A1")
        seq = slot.segment
        seq.components.append(filler(f, RATE // 2))
        seq.components.append(clip(a, a_slot, RATE // 4, 3 * RATE // 2))
        seq.components.append(dissolve(f, RATE // 5, RATE // 20))
        seq.components.append(clip(b, b_slot, RATE // 2, RATE))


def nested_aaf(out, media):
    with aaf2.open(os.path.join(out, "nested.aaf"), "w") as f:
        definitions(f)
        wipe = f.create.OperationDef("6a1e5c8e-3f7b-4c2a-9d51-0b7f2e9c4a10", "Audio Wipe", "")
        f.dictionary.register_def(wipe)
        wipe.media_kind = "sound"
        wipe["IsTimeWarp"].value = False
        wipe["NumberInputs"].value = 2
        a, a_slot = linked_master(f, "tone_a", os.path.join(media, "tone_a.wav"), "file:///elsewhere/tone_a.wav")
        b, b_slot = linked_master(f, "tone_b", os.path.join(media, "tone_b.wav"), "file:///elsewhere/tone_b.wav")
        # The nested edit, at 48 kHz: tone_a from 0 for 1 s, a 0.25 s gap,
        # tone_b from 0.5 s for 1 s.
        inner = f.create.CompositionMob("Dialog edit")
        inner.usage = "Usage_LowerLevel"
        f.content.mobs.append(inner)
        islot = inner.create_sound_slot(RATE)
        islot.segment.components.append(clip(a, a_slot, 0, RATE))
        islot.segment.components.append(filler(f, RATE // 4))
        islot.segment.components.append(clip(b, b_slot, RATE // 2, RATE))
        comp = composition(f, "Reel 2")
        # A1: a 0.5 s gap, then the nested edit from 0.5 s into it for
        # 1.5 s, at -6.02 dB.
        a1 = sound_slot(comp, RATE, "A1")
        shown = inner.create_source_clip(islot.slot_id, start=RATE // 2, length=3 * RATE // 2)
        a1.segment.components.append(filler(f, RATE // 2))
        a1.segment.components.append(gain(f, shown, 0.5))
        # A2: tone_a from 0 for 1 s, a 0.2 s wipe with its cut 0.05 s in,
        # tone_b from 0.5 s for 1 s.
        a2 = sound_slot(comp, RATE, "A2")
        a2.segment.components.append(clip(a, a_slot, 0, RATE))
        t = f.create.Transition("sound")
        t.length = RATE // 5
        t["CutPoint"].value = RATE // 20
        op = f.create.OperationGroup("Audio Wipe")
        op.media_kind = "sound"
        op.length = RATE // 5
        t["OperationGroup"].value = op
        a2.segment.components.append(t)
        a2.segment.components.append(clip(b, b_slot, RATE // 2, RATE))


def cycle_aaf(out, media):
    with aaf2.open(os.path.join(out, "cycle.aaf"), "w") as f:
        definitions(f)
        loop = f.create.CompositionMob("Loop")
        loop.usage = "Usage_LowerLevel"
        f.content.mobs.append(loop)
        lslot = loop.create_sound_slot(RATE)
        for _ in range(2):
            lslot.segment.components.append(loop.create_source_clip(lslot.slot_id, start=0, length=RATE))
        comp = composition(f, "Reel 3")
        a1 = sound_slot(comp, RATE, "A1")
        a1.segment.components.append(loop.create_source_clip(lslot.slot_id, start=0, length=2 * RATE))


def rt(value, rate=RATE):
    return {"OTIO_SCHEMA": "RationalTime.1", "rate": float(rate), "value": float(value)}


def plain_otio(out):
    """The cut of plain.aaf as OTIO: in OTIO the clips meet at the cut and
    the transition reaches `in_offset` before it and `out_offset` after."""
    length, cut = RATE // 5, RATE // 20

    def otio_clip(name, start, duration):
        return {
            "OTIO_SCHEMA": "Clip.1",
            "name": name,
            "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": rt(start), "duration": rt(duration)},
            "media_reference": {
                "OTIO_SCHEMA": "ExternalReference.1",
                "target_url": "file:///elsewhere/%s.wav" % name,
                "available_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": rt(0), "duration": rt(4 * RATE)},
            },
        }

    a_len = 3 * RATE // 2
    children = [
        {"OTIO_SCHEMA": "Gap.1", "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": rt(0), "duration": rt(RATE // 2)}},
        otio_clip("tone_a", RATE // 4, a_len - length + cut),
        {"OTIO_SCHEMA": "Transition.1", "transition_type": "SMPTE_Dissolve", "in_offset": rt(cut), "out_offset": rt(length - cut)},
        otio_clip("tone_b", RATE // 2 + cut, RATE - cut),
    ]
    timeline = {
        "OTIO_SCHEMA": "Timeline.1",
        "name": "Reel 1",
        "global_start_time": rt(START, FPS),
        "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
            {"OTIO_SCHEMA": "Track.1", "name": "A1", "kind": "Audio", "children": children}]},
    }
    with open(os.path.join(out, "plain.otio"), "w") as fp:
        json.dump(timeline, fp, indent=1)


def big_aaf(out, media):
    """2 hours, 40 tracks, 125 clips each (5,000), alternating with gaps
    and crossfades, all linked to one file."""
    with aaf2.open(os.path.join(out, "big.aaf"), "w") as f:
        definitions(f)
        a, a_slot = linked_master(f, "tone_a", os.path.join(media, "tone_a.wav"), "file:///elsewhere/tone_a.wav")
        comp = composition(f, "Feature")
        span = 2 * 3600 * FPS // 125  # frames per clip and gap
        for t in range(40):
            slot = sound_slot(comp, FPS, "A%d" % (t + 1))
            seq = slot.segment
            for i in range(125):
                if i % 2:
                    seq.components.append(dissolve(f, 10, 5))
                    seq.components.append(clip(a, a_slot, 10, span))
                else:
                    seq.components.append(filler(f, span // 4))
                    seq.components.append(gain(f, clip(a, a_slot, 0, span - span // 4), 0.5))


def main():
    out = sys.argv[1]
    media = os.path.join(out, "media")
    os.makedirs(media, exist_ok=True)
    os.makedirs(os.path.join(out, "embed"), exist_ok=True)
    write_tone(os.path.join(out, "embed", "tone_a.wav"), 440, 4)
    write_tone(os.path.join(media, "tone_a.wav"), 440, 4)
    write_tone(os.path.join(media, "tone_b.wav"), 660, 4, level=0.2)
    write_tone(os.path.join(media, "take 1.wav"), 880, 4, level=0.3)
    if "--big" in sys.argv:
        write_tone(os.path.join(media, "tone_a.wav"), 440, 60)
        big_aaf(out, media)
        return
    mix_aaf(out, media)
    plain_aaf(out, media)
    plain_otio(out)
    nested_aaf(out, media)
    cycle_aaf(out, media)


if __name__ == "__main__":
    main()
