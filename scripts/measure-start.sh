#!/usr/bin/env bash
# Time from starting AIVA Desk to its main window on screen, under a private Xvfb.
#   scripts/measure-start.sh dist/aiva-desk/aiva-desk [runs]
# Each run uses a new data folder with 200 demo tickets (so the main window, not
# the first-run welcome, is what appears). Prints one time per run: the moment
# the main window (titled "<view> — AIVA Desk") is mapped (xwininfo reports it viewable).
# Needs Xvfb and xwininfo (x11-utils).
set -euo pipefail

app="${1:?usage: measure-start.sh PATH-TO-aiva-desk [runs]}"
runs="${2:-5}"
display=":$((90 + RANDOM % 100))"

Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
work="$(mktemp -d)"
cleanup() { kill "$xvfb" 2>/dev/null || true; rm -rf -- "$work"; }
trap cleanup EXIT
sleep 1

for run in $(seq 1 "$runs"); do
    data="$work/data-$run"
    "$app" --data-dir "$data" demo --tickets 200 --seed "$run" >/dev/null
    started=$(date +%s.%N)
    DISPLAY="$display" QT_QPA_PLATFORM=xcb "$app" --data-dir "$data" >"$work/app-$run.log" 2>&1 &
    pid=$!
    shown=""
    for _ in $(seq 1 400); do
        id=$(DISPLAY="$display" xwininfo -root -tree 2>/dev/null | grep -m1 ' — AIVA Desk"' | awk '{print $1}' || true)
        if [[ -n "$id" ]] && DISPLAY="$display" xwininfo -id "$id" 2>/dev/null | grep -q "IsViewable"; then
            shown=$(date +%s.%N)
            break
        fi
        sleep 0.02
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [[ -z "$shown" ]]; then
        echo "run $run: no window within 8 s (see $work/app-$run.log)" >&2
        cat "$work/app-$run.log" >&2
        exit 1
    fi
    printf 'run %s: window shown after %.2f s\n' "$run" "$(echo "$shown - $started" | bc -l)"
done
