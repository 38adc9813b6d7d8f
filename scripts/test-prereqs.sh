#!/usr/bin/env bash
# Runs before `npm test`: the integration tests start Debian's Radicale, Xandikos, SabreDAV
# (php-sabre-dav under `php -S`, SQLite store) and DAViCal (the scheduling server, run by `php -S`)
# themselves, so all four must be installed. As root with apt (this project's
# machines and CI) they are installed on the spot; otherwise this says what to run.
set -euo pipefail
missing=()
command -v radicale >/dev/null 2>&1 || missing+=(radicale)
# davical pulls in php-pgsql and libawl-php; php-cli is named so `php -S` is there for sure.
{ command -v php >/dev/null 2>&1 && test -d /usr/share/davical; } || missing+=(davical php-cli)
# The fault tests start a private redis-server (append-only) and a private PostgreSQL cluster
# (initdb/pg_ctl) that they can kill and restart.
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
command -v xandikos >/dev/null 2>&1 || missing+=(xandikos)
test -f /usr/share/php/Sabre/autoload.php || missing+=(php-sabre-dav)
{ command -v php >/dev/null 2>&1 && php -m 2>/dev/null | grep -qx pdo_sqlite; } || missing+=(php-sqlite3)
# The admin console's browser tests drive Debian's Chromium (playwright-core never downloads one).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (the servers the integration tests start)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "the tests need Radicale, Xandikos, SabreDAV and DAViCal: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
