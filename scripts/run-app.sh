#!/usr/bin/env bash
# Set up the checkout if needed (scripts/bootstrap.sh) and start AIVA Desk.
# Arguments go to the app, e.g.:
#   scripts/run-app.sh                          the main window
#   scripts/run-app.sh demo --tickets 200       fill the database with demo tickets
#   scripts/run-app.sh --data-dir /tmp/try-it   use another data folder
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"

"$ROOT/scripts/bootstrap.sh"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    printf 'run-app: no display here (DISPLAY and WAYLAND_DISPLAY are unset), so the main\n' >&2
    printf 'run-app: window cannot open. Run this in a desktop session (or ssh -X);\n' >&2
    printf 'run-app: commands such as "demo" and "--version" work without one.\n' >&2
fi

exec "$ROOT/.venv/bin/aiva-desk" "$@"
