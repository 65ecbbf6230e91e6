#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle (build.spec) and smoke-test it: the
# version, its --self-test offscreen (database, templates, forms, icons, PDF,
# password store), and a demo database in a temporary data folder.
#   scripts/build-bundle.sh                      -> dist/aiva-desk/aiva-desk
#   AIVA_ONEFILE=1 scripts/build-bundle.sh       -> dist/aiva-desk (one file)
#   DIST=/tmp/aiva-dist WORK=/tmp/aiva-build scripts/build-bundle.sh
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${DIST:-$ROOT/dist}"
WORK="${WORK:-$ROOT/build}"

say() { printf 'build-bundle: %s\n' "$*" >&2; }

"$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

say "building into $DIST"
started=$SECONDS
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" build.spec
say "built in $((SECONDS - started)) s, $(du -sh "$DIST/aiva-desk" | cut -f1)"

if [[ -n "${AIVA_ONEFILE:-}" && "${AIVA_ONEFILE}" != 0 ]]; then
    app="$DIST/aiva-desk"
else
    app="$DIST/aiva-desk/aiva-desk"
fi
version="$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
reported="$("$app" --version)"
if [[ "$reported" != *" $version" ]]; then
    say "FAILED: the bundle reports '$reported', pyproject.toml says $version"
    exit 1
fi
say "smoke test: $reported"

if ! QT_QPA_PLATFORM=offscreen "$app" --self-test >&2; then
    say "FAILED: the bundle's self-test"
    exit 1
fi

data="$(mktemp -d)"
trap 'rm -rf -- "$data"' EXIT
"$app" --data-dir "$data" demo --tickets 20 --seed 1 >&2
say "smoke test: demo database created and migrated inside the bundle"
