#!/usr/bin/env bash
# Measures the real console in a real terminal (tmux) on the demo scene:
# time to the first frame, and bytes sent to the terminal per second while
# the transport rolls at 120x40 (what an SSH link carries).
#
#   bash tools/measure-console.sh [SECONDS]     (default 10; needs tmux)
#
# The program writes its own counts when DUBSTAGE_STATS names a file.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
cargo build --release --quiet
work="$(mktemp -d)"
socket="dubstage-measure-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
./target/release/dubstage demo "$work/demo" --write-only >/dev/null
for run in 1 2; do
    stats="$work/stats-$run"
    tmux -L "$socket" -f /dev/null new-session -d -s m -x 120 -y 40 \
        "env XDG_CONFIG_HOME=$work/config DUBSTAGE_STATS=$stats ./target/release/dubstage $work/demo/demo.ron"
    sleep 1.5
    if [ "$run" = 2 ]; then
        # From just before the music cue: dialog, ADR and music together.
        tmux -L "$socket" send-keys -t m ':goto 01:00:14:00' Enter
        sleep 0.3
        tmux -L "$socket" send-keys -t m ' '
        sleep "$seconds"
        tmux -L "$socket" send-keys -t m ' '
        sleep 0.5
    fi
    tmux -L "$socket" send-keys -t m ':q!' Enter
    for _ in $(seq 50); do [ -f "$stats" ] && break; sleep 0.1; done
    tmux -L "$socket" kill-server 2>/dev/null || true
    if [ "$run" = 1 ]; then
        echo "first frame: $(awk '/first_frame_ms/ {print $2}' "$stats") ms (target < 200 ms)"
    else
        awk '/rolling_seconds/ {s=$2} /rolling_bytes_per_second/ {b=$2} /rolling_frames/ {f=$2}
             END {printf "playing at 120x40 for %.1f s: %.1f KB/s, %.1f frames/s (target <= 30 KB/s)\n", s, b/1000, f/s}' "$stats"
    fi
done
