#!/usr/bin/env bash
# Runs before `npm test`: the integration tests start Debian's Radicale themselves, so it must be
# installed. As root with apt (this project's machines and CI) it is installed on the spot;
# otherwise this says what to run.
set -euo pipefail
if command -v radicale >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing radicale (the CalDAV server the integration tests start)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends radicale >/dev/null
else
  echo "the tests need Radicale: sudo apt-get install --no-install-recommends radicale" >&2
  exit 1
fi
