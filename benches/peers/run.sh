#!/usr/bin/env bash
# The peer bounce benchmark, paired: dubstage's bounce against ecasound (or
# another peer from peers.sh) on the same mix, run by turns in one session,
# with the ratio of their wall times.
#
# usage: benches/peers/run.sh [-d DIR] [-n TRACKS] [-r ROUNDS] [-t PEER]
#                             [--variant hpf|plain|both] [--cold]
#   -d DIR     workload directory (default $DUBSTAGE_PEERS_DIR, else /tmp/mixbench);
#              made by make_workload.py when missing (1.4 GB, a few minutes)
#   -n TRACKS  tracks (default 32); -r ROUNDS paired rounds (default 5)
#   -t PEER    ecasound (default), sox, ffmpeg_amix or ffmpeg_amerge
#   --variant  hpf: 80 Hz high-pass on every track (the issue's workload);
#              plain: the same without it; both (default)
#   --cold     drop the page cache before every run (root only), so both
#              read their 1.4 GB from the disk
#
# Each round runs both programs once, alternating which goes first; one
# untimed run of each warms the page cache first (unless --cold). Prints
# min / median / max wall, CPU (user+sys) and peak RSS per program, the
# peer's wall over ours (the speed-up) per round and of the medians, and how
# far our printmaster is from the peer's mix (they do the same mix; their
# high-pass designs differ a little).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${DUBSTAGE_PEERS_DIR:-/tmp/mixbench}
N=32; ROUNDS=5; PEER=ecasound; VARIANT=both; COLD=0
while [ $# -gt 0 ]; do
  case $1 in
    -d) DIR=$2; shift 2;;
    -n) N=$2; shift 2;;
    -r) ROUNDS=$2; shift 2;;
    -t) PEER=$2; shift 2;;
    --variant) VARIANT=$2; shift 2;;
    --cold) COLD=1; shift;;
    -h|--help) sed -n '2,23p' "$0"; exit 0;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2;;
  esac
done
case $VARIANT in hpf) VARIANTS=(hpf);; plain) VARIANTS=(plain);; both) VARIANTS=(hpf plain);;
  *) echo "--variant is hpf, plain or both, not $VARIANT" >&2; exit 2;; esac
if [ "$COLD" = 1 ] && [ ! -w /proc/sys/vm/drop_caches ]; then
  echo "--cold needs root (it writes /proc/sys/vm/drop_caches)" >&2; exit 2
fi

need() { command -v "$1" >/dev/null || { echo "$1 is missing: $2" >&2; exit 1; }; }
need soxi "apt-get install -y --no-install-recommends sox ecasound ffmpeg"
case $PEER in ecasound) need ecasound "apt-get install ecasound";; sox) need sox "apt-get install sox";;
  ffmpeg_*) need ffmpeg "apt-get install ffmpeg";; *) echo "unknown peer $PEER" >&2; exit 2;; esac
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
python3 -c 'import numpy, soundfile' 2>/dev/null \
  || { echo "python3 numpy and soundfile are missing: pip install numpy soundfile" >&2; exit 1; }

if [ ! -f "$DIR/session.tsv" ] || [ "$(($(wc -l < "$DIR/session.tsv") - 1))" -lt "$N" ]; then
  echo "== making the workload in $DIR ($N tracks x 300 s)" >&2
  python3 "$HERE/make_workload.py" --tracks "$N" --duration 300 --no-flac --out "$DIR"
fi
python3 "$HERE/tsv2ron.py" "$DIR" "$N" >/dev/null
python3 "$HERE/tsv2ron.py" "$DIR" "$N" --plain >/dev/null
# The peer's command lines, with and without the high-pass.
PEER_HPF=$(bash "$HERE/peers.sh" "$N" -d "$DIR" -t "$PEER" --print | sed -n 's/^== //p')
PEER_PLAIN=${PEER_HPF%.sh}_plain.sh
case $PEER in
  ecasound) sed 's/ -efh:80 / /' "$PEER_HPF" > "$PEER_PLAIN";;
  sox) sed 's/ highpass 80 / /' "$PEER_HPF" > "$PEER_PLAIN";;
  ffmpeg_*) sed 's/highpass=f=80,//g' "$PEER_HPF" > "$PEER_PLAIN";;
esac
sed -i "s|$DIR/out/${PEER}_N${N}_wav.wav|$DIR/out/${PEER}_N${N}_wav_plain.wav|" "$PEER_PLAIN"

echo "== building dubstage (release)" >&2
(cd "$ROOT" && cargo build --release --locked --quiet)
OURS_BIN=$ROOT/target/release/dubstage

RES=$DIR/results/paired_$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$RES"
cold() { if [ "$COLD" = 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi; }
# run NAME OUTFILE CMD...: one timed run, appending "wall cpu rss_kib" to OUTFILE.
run() {
  local out=$2; shift 2
  cold
  /usr/bin/time -f '%e %U %S %M' -o "$out.one" "$@" >/dev/null 2>"$out.err" \
    || { echo "failed: $* (see $out.err)" >&2; cat "$out.err" >&2; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$out.one" >> "$out"
}
ours() {  # NAME SUFFIX RESULTS: the bounce refuses to write over an earlier one, so a fresh folder each time
  rm -rf "$DIR/out/ours_$1"
  run ours "$3" "$OURS_BIN" bounce "$DIR/session_N${N}$2.ron" -o "$DIR/out/ours_$1"
}
stats() {  # column $2 of file $1: min median max
  awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.2f %.2f %.2f", a[1], m, a[NR] }'
}
median() { stats "$1" "$2" | awk '{print $2}'; }

SECONDS_OF_AUDIO=$(soxi -D "$DIR/wav/track00.wav")
echo "# dubstage bounce vs $PEER: $N tracks x ${SECONDS_OF_AUDIO} s, $ROUNDS paired rounds, $( [ "$COLD" = 1 ] && echo cold || echo warm) cache"
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
for v in "${VARIANTS[@]}"; do
  if [ "$v" = hpf ]; then suffix=""; peer_cmd=$PEER_HPF; else suffix=_plain; peer_cmd=$PEER_PLAIN; fi
  A=$RES/ours_$v.txt; B=$RES/${PEER}_$v.txt
  : > "$A"; : > "$B"
  if [ "$COLD" = 0 ]; then
    rm -rf "$DIR/out/ours_$v"
    "$OURS_BIN" bounce "$DIR/session_N${N}$suffix.ron" -o "$DIR/out/ours_$v" >/dev/null; sh "$peer_cmd" >/dev/null
  fi
  for ((r = 0; r < ROUNDS; r++)); do
    if (( r % 2 == 0 )); then
      ours "$v" "$suffix" "$A"; run peer "$B" sh "$peer_cmd"
    else
      run peer "$B" sh "$peer_cmd"; ours "$v" "$suffix" "$A"
    fi
  done
  paste -d' ' "$A" "$B" | awk '{printf "%.2f\n", $4 / $1}' > "$RES/ratio_$v.txt"
  echo
  echo "## $v ($( [ "$v" = hpf ] && echo "80 Hz high-pass, fades, gain, pan" || echo "fades, gain, pan; no high-pass"))"
  printf '%-10s %-26s %-26s %s\n' "" "wall s (min med max)" "CPU s (min med max)" "peak RSS MiB (med)"
  for who in ours "$PEER"; do
    f=$A; [ "$who" = ours ] || f=$B
    printf '%-10s %-26s %-26s %.0f\n' "$who" "$(stats "$f" 1)" "$(stats "$f" 2)" \
      "$(median "$f" 3 | awk '{print $1 / 1024}')"
  done
  read -r rmin rmed rmax <<< "$(stats "$RES/ratio_$v.txt" 1)"
  wa=$(median "$A" 1); wb=$(median "$B" 1)
  echo "ratio $PEER/ours, wall: per round min $rmin, median $rmed, max $rmax; of the medians $(awk -v a="$wa" -v b="$wb" 'BEGIN{printf "%.2f", b / a}')x"
  echo "ours: $(awk -v a="$wa" -v d="$SECONDS_OF_AUDIO" 'BEGIN{printf "%.0f", d / a}')x real time (median wall), 5 outputs written and metered; $PEER: one stereo mix"
  peer_out=$(sed -n 's/^# .* -> //p' "$peer_cmd")
  python3 - "$DIR/out/ours_$v/PM.wav" "$peer_out" <<'EOF'
import sys, numpy as np, soundfile as sf
a, _ = sf.read(sys.argv[1], dtype='float64'); b, _ = sf.read(sys.argv[2], dtype='float64')
n = min(len(a), len(b)); d = a[:n] - b[:n]
rms = lambda x: 10 * np.log10(np.mean(x * x) + 1e-300)
print(f"our PM against the peer's mix: difference {rms(d) - rms(b[:n]):.1f} dB below the mix, "
      f"{len(a)} and {len(b)} frames")
EOF
done
echo
echo "# raw runs (wall s, CPU s, RSS KiB) in $RES"
