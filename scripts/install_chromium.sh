#!/usr/bin/env bash
# Installs a headless-capable Chromium (Debian's `chromium` package) for the report rendering test
# (tests/reports/test_chromium_render.py). Idempotent: does nothing when a chromium binary is on PATH.
# Runs `apt-get update` only when the package is not known to apt yet (fresh containers have empty lists).
# Needs root (or sudo) to install.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# needrestart (if installed) would otherwise try to prompt or print warnings after the install.
export NEEDRESTART_SUSPEND=1

say() { printf '[install_chromium] %s\n' "$*"; }

for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if path="$(command -v "$name")"; then
        say "found $path ($("$path" --version 2>/dev/null || echo 'version unknown')); nothing to do"
        exit 0
    fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        SUDO="sudo -E"
    else
        say "not root and no sudo: install Debian's chromium package by hand" >&2
        exit 1
    fi
fi

# A candidate of "(none)" (or no output) means the package lists are empty or stale.
candidate="$(apt-cache policy chromium 2>/dev/null | awk '/Candidate:/ {print $2}')"
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    say "apt-get update (chromium not in the package lists yet)"
    $SUDO apt-get update -qq
fi

say "apt-get install chromium"
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
say "installed $(command -v chromium): $(chromium --version 2>/dev/null || echo 'version unknown')"
