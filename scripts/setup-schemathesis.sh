#!/usr/bin/env bash
# Schemathesis, the API fuzzer the test suite runs against the OpenAPI document, pinned, from PyPI,
# into a project-local venv (.fuzz/venv). Idempotent: does nothing when the pinned version is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PIN=4.32.5
VENV=.fuzz/venv
if [ -x "$VENV/bin/schemathesis" ] && "$VENV/bin/pip" show schemathesis 2>/dev/null | grep -qx "Version: $PIN"; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$PIN"
echo "schemathesis $PIN in $VENV"
