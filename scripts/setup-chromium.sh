#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with playwright-core (no browser download: only the
# package registries are reachable). Installs it when missing; CHROMIUM_PATH points elsewhere.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[setup-chromium] Chromium is missing and this user cannot install packages: apt-get install chromium, or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
echo "[setup-chromium] installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
/usr/bin/chromium --version
