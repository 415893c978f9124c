#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the report's browser test
# (jobs/nightly TestSampleReport), installing it with apt-get when it is
# missing, as s3-server.sh installs MinIO. Prints the export line that
# makes the test fail rather than skip once chromium is there; prints
# nothing (and says why on stderr) when it cannot be installed, and the
# test then skips.
set -euo pipefail

have() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }

if ! have; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "chromium is missing and apt-get needs root: the report's browser test will skip" >&2
      exit 0
    fi
  fi
  echo "installing chromium with apt-get (the report's browser test)" >&2
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >&2; then
    echo "chromium could not be installed: the report's browser test will skip" >&2
    exit 0
  fi
fi
if have; then
  echo "export SEGMINT_REQUIRE_CHROMIUM=1"
fi
