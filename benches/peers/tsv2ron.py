#!/usr/bin/env python3
"""Write the mixbench session.tsv as a dubstage session (RON): one mono track per row,
a clip over the whole file with 0.5 s linear fades, HPF 80 Hz 12 dB/oct on the strip,
gain as the track fader, pan, routed to its stem.

Usage: tsv2ron.py DIR N [--plain] [--repeat K]
  --plain     no high-pass filter on the strips
  --repeat K  K clips of the whole file back to back on every track (a programme K
              times as long, from the same media: for measuring memory against length)
Writes DIR/session_N{N}[_plain][_x{K}].ron."""
import os
import sys

import soundfile as sf

args = sys.argv[1:]
if len(args) < 2:
    sys.exit(__doc__)
d, n = args[0], int(args[1])
plain = '--plain' in args
repeat = int(args[args.index('--repeat') + 1]) if '--repeat' in args else 1
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(d, 'session.tsv'))][1:n + 1]
if len(rows) < n:
    sys.exit(f"{d}/session.tsv has only {len(rows)} tracks, not {n}")
frames = sf.info(os.path.join(d, 'wav', rows[0][1] + '.wav')).frames
src = ',\n'.join(f'        (id: "{r[1]}", path: "wav/{r[1]}.wav")' for r in rows)
fade = 24000
trk = []
for r in rows:
    strip = '' if plain else f'strip: (hpf: (on: true, freq: {float(r[8])}, slope: Db12)),'
    clips = ',\n'.join(
        f'''                 (name: "{r[1]}_{k}", source: "{r[1]}", position: {k * frames}, length: {frames},
                  fade_in: (length: {fade}, shape: Linear), fade_out: (length: {fade}, shape: Linear))'''
        for k in range(repeat))
    trk.append(f'''        (name: "{r[1]}", format: Mono, output: Stem({r[3]}), fader_db: {float(r[4])}, pan: {float(r[5])}, {strip}
         clips: [
{clips}])''')
out = f'''(
    format_version: 1,
    name: "mixbench {n}",
    sample_rate: 48000,
    timecode: (rate: "24", start: "00:00:00:00"),
    sources: [
{src}
    ],
    tracks: [
{','.join(chr(10) + t for t in trk)}
    ],
    stems: (layout: Stereo, DX: (), MX: (), FX: ()),
    printmaster: (),
)
'''
name = f'session_N{n}{"_plain" if plain else ""}{f"_x{repeat}" if repeat > 1 else ""}.ron'
open(os.path.join(d, name), 'w').write(out)
print(os.path.join(d, name))
