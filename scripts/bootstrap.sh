#!/usr/bin/env bash
# Get a checkout ready to run on Debian/Ubuntu: the system libraries Qt and the
# test suite need, a .venv, and AIVA Desk installed editable with its dev extras.
#
# Safe to run again: a second run only checks (well under a second) and
# reinstalls the project only when pyproject.toml has changed. Never prompts,
# so it works with CI=true and no stdin. run-app.sh and run-tests.sh call it.
#
# As root, missing Debian packages are installed with apt-get; otherwise the
# missing ones are listed with the command to install them, and setup goes on
# (tests that need an X server or a keyring then skip themselves).
#
# With --tests, also the PostgreSQL server the test suite's second pass runs on and
# Dovecot, the IMAP server the inbound-mail tests start on their own ports. Neither
# system service is needed: Dovecot's is kept from starting while it is installed and
# disabled afterwards, so nothing new listens on ports 143/993.
#
# Environment:
#   PYTHON=/path/to/python3.X     interpreter for a new .venv (default: python3; 3.11+)
#   AIVA_SKIP_SYSTEM_PACKAGES=1   do not check or install Debian packages
#
# Progress goes to stderr so that `run-app.sh --version` prints only the version.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.aiva-desk-installed"
PYTHON="${PYTHON:-python3}"
MIN_PYTHON="3.11"

# The validated line of ../shared/design/ENVIRONMENT.md: Qt offscreen and X11
# libraries, a font, Xvfb, a tray, D-Bus, a keyring and PDF tools.
SYSTEM_PACKAGES=(
    libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3
    fonts-dejavu-core
    libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    xvfb xauth x11-utils trayer dbus-daemon gnome-keyring libsecret-tools poppler-utils
)
if [[ "${1:-}" == --tests ]]; then
    SYSTEM_PACKAGES+=(postgresql dovecot-imapd)
fi

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() {
    printf 'bootstrap: error: %s\n' "$*" >&2
    exit 1
}

python_is_new_enough() {
    "$1" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null
}

python_version() {
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || echo "unknown"
}

venv_works() {
    [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c '' 2>/dev/null
}

# Print those of the given Debian packages that are installed.
installed_packages() {
    { dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null || true; } |
        awk '$2 == "installed" { print $1 }'
}

# Print the packages of SYSTEM_PACKAGES that are not installed. Ubuntu 24.04
# renamed some libraries (libglib2.0-0 -> libglib2.0-0t64): either name counts.
missing_system_packages() {
    local have package
    have=" $(installed_packages "${SYSTEM_PACKAGES[@]}" "${SYSTEM_PACKAGES[@]/%/t64}" | tr '\n' ' ') "
    for package in "${SYSTEM_PACKAGES[@]}"; do
        if [[ "$have" != *" $package "* && "$have" != *" ${package}t64 "* ]]; then
            printf '%s\n' "$package"
        fi
    done
}

# Debian and Ubuntu ship venv's pip bootstrap separately, in python3-venv.
system_python_lacks_venv() {
    local minor
    command -v "$PYTHON" >/dev/null || return 1
    "$PYTHON" -c 'import sys; raise SystemExit(sys.prefix != "/usr")' 2>/dev/null || return 1
    minor="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [[ -z "$(installed_packages python3-venv "python$minor-venv")" ]]
}

has_apt_candidate() {
    apt-cache policy -- "$1" 2>/dev/null |
        awk '$1 == "Candidate:" && $2 != "(none)" { found = 1 } END { exit !found }'
}

ensure_system_packages() {
    if [[ "${AIVA_SKIP_SYSTEM_PACKAGES:-}" == 1 ]]; then
        say "not checking system packages (AIVA_SKIP_SYSTEM_PACKAGES=1)"
        return
    fi
    if ! command -v dpkg-query >/dev/null; then
        say "not a Debian/Ubuntu system: make sure Qt's runtime libraries (OpenGL/EGL,"
        say "xkbcommon, fontconfig, a font, xcb-cursor) are installed"
        return
    fi

    local -a missing
    mapfile -t missing < <(missing_system_packages)
    if [[ "$PYTHON" == python3 ]] && ! command -v python3 >/dev/null; then
        missing+=(python3 python3-venv)
    elif ! venv_works && system_python_lacks_venv; then
        missing+=(python3-venv)
    fi
    if ((${#missing[@]} == 0)); then
        say "system packages: all present"
        return
    fi

    if ((EUID != 0)); then
        say "missing Debian packages: ${missing[*]}"
        say "install them with:"
        say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        say "continuing without them: tests that need them skip themselves"
        return
    fi

    say "installing ${#missing[@]} Debian package(s): ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || die "apt-get update failed"
    local -a install=()
    local package
    for package in "${missing[@]}"; do
        if has_apt_candidate "$package"; then
            install+=("$package")
        elif has_apt_candidate "${package}t64"; then
            install+=("${package}t64")
        else
            say "warning: no package $package on this system; skipping it"
        fi
    done
    local -a quiet_services=()
    if [[ " ${install[*]} " == *" dovecot-imapd "* ]]; then
        install=("${install[@]/dovecot-imapd/}")
        quiet_services=(dovecot-imapd)
    fi
    mapfile -t install < <(printf '%s\n' "${install[@]}" | sed '/^$/d')
    if ((${#install[@]})); then
        apt-get install -y -q --no-install-recommends "${install[@]}" </dev/null >&2 ||
            die "apt-get install failed"
    fi
    if ((${#quiet_services[@]})); then
        install_without_starting "${quiet_services[@]}"
    fi
}

# Install packages whose system service must not run here (the tests start their own
# server): invoke-rc.d and deb-systemd-invoke ask policy-rc.d, and 101 means "do not
# start". An existing policy-rc.d (containers have one) is left as it is.
install_without_starting() {
    local guard=/usr/sbin/policy-rc.d
    local made=""
    if [[ ! -e "$guard" ]]; then
        printf '#!/bin/sh\n# aiva-desk bootstrap: no service starts during this install\nexit 101\n' \
            >"$guard"
        chmod 755 "$guard"
        made=1
    fi
    local status=0
    apt-get install -y -q --no-install-recommends "$@" </dev/null >&2 || status=$?
    [[ -n "$made" ]] && rm -f -- "$guard"
    ((status == 0)) || die "apt-get install $* failed"
    if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
        systemctl disable --now dovecot.service dovecot.socket >&2 2>/dev/null || true
    fi
}

ensure_venv() {
    if venv_works; then
        if ! python_is_new_enough "$VENV/bin/python"; then
            die ".venv uses Python $(python_version "$VENV/bin/python"); AIVA Desk needs" \
                "$MIN_PYTHON or newer. Delete .venv and run again (PYTHON=/path/to/python3.X" \
                "picks the interpreter)."
        fi
        return
    fi
    if [[ -e "$VENV" ]]; then
        # Never deleted here: it may belong to another user or hold other work.
        die ".venv exists but its Python does not run (made by another user or for a" \
            "Python that is gone?). Remove it (rm -rf .venv) and run again."
    fi
    command -v "$PYTHON" >/dev/null ||
        die "$PYTHON not found. Install Python $MIN_PYTHON or newer (Debian/Ubuntu:" \
            "apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.X"
    python_is_new_enough "$PYTHON" ||
        die "AIVA Desk needs Python $MIN_PYTHON or newer, but $PYTHON is" \
            "$(python_version "$PYTHON"). Install a newer Python and run again with" \
            "PYTHON=/path/to/python3.X"
    say "creating .venv with $PYTHON ($(python_version "$PYTHON"))"
    if ! "$PYTHON" -m venv "$VENV" >&2; then
        rm -rf -- "$VENV"
        die "could not create .venv. On Debian/Ubuntu install python3-venv" \
            "(apt-get install python3-venv) and run again"
    fi
}

# What the installed copy depends on: pyproject.toml, where the checkout is
# (an editable install points at it) and the venv's Python.
install_fingerprint() {
    printf 'pyproject %s\nroot %s\npython %s\n' \
        "$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)" "$ROOT" \
        "$(python_version "$VENV/bin/python")"
}

ensure_project_installed() {
    local want
    want="$(install_fingerprint)"
    if [[ -f "$STAMP" && "$(<"$STAMP")" == "$want" ]]; then
        say "aiva-desk already installed in .venv (pyproject.toml unchanged)"
        return
    fi
    rm -f -- "$STAMP"

    local -a pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input --quiet)
    local -a build_requires editable_requires
    mapfile -t build_requires < <(
        "$VENV/bin/python" -c 'import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["build-system"]["requires"]))' "$ROOT/pyproject.toml"
    )
    ((${#build_requires[@]})) || die "pyproject.toml lists no [build-system] requires"

    # The build backend goes into .venv too: installs then need no isolated
    # build environment, and the packaging tests can build a wheel offline.
    say "installing the build backend: ${build_requires[*]}"
    "${pip[@]}" install "${build_requires[@]}" </dev/null >&2 ||
        die "pip could not install ${build_requires[*]}"
    # What the backend itself needs for an editable install (PEP 660 hook).
    mapfile -t editable_requires < <(
        cd "$ROOT" && "$VENV/bin/python" -c 'import importlib, tomllib
with open("pyproject.toml", "rb") as f:
    backend = importlib.import_module(tomllib.load(f)["build-system"]["build-backend"])
hook = getattr(backend, "get_requires_for_build_editable", None)
print("\n".join(hook() if hook else []))'
    )
    if ((${#editable_requires[@]})); then
        "${pip[@]}" install "${editable_requires[@]}" </dev/null >&2 ||
            die "pip could not install ${editable_requires[*]}"
    fi
    say "installing aiva-desk (editable, with dev extras) into .venv; the first time takes a minute"
    (cd "$ROOT" && "${pip[@]}" install --no-build-isolation --editable ".[dev]" </dev/null >&2) ||
        die "pip install -e '.[dev]' failed (see above)"
    printf '%s\n' "$want" >"$STAMP"
    say "installed"
}

ensure_system_packages
ensure_venv
ensure_project_installed
