#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of the home page, the
# directory and a listing, as a phone visitor meets them: the production settings under
# gunicorn (whitenoise static files), on a fresh demo database, over HTTP on this machine.
#
# Usage: bash bench/lighthouse.sh   (needs node/npm; installs lighthouse into bench/lighthouse-tool
# once, and drives Debian's /usr/bin/chromium). Prints one line per page. PY=path/to/python
# runs it with another virtualenv's python (and that python's gunicorn), e.g. from a git worktree.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8123}
WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ ! -x bench/lighthouse-tool/node_modules/.bin/lighthouse ]; then
    mkdir -p bench/lighthouse-tool
    (cd bench/lighthouse-tool && echo "{\"private\": true}" > package.json && npm install --silent lighthouse@12 >/dev/null)
fi

export DJANGO_SETTINGS_MODULE=bench.lighthouse_settings
export SECRET_KEY="lighthouse-$(date +%s)-not-secret" ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="sqlite:///$WORK/db.sqlite3" MEDIA_ROOT="$WORK/media"
export PRIVATE_MEDIA_ROOT="$WORK/private" STATIC_ROOT="$WORK/static"
export SECURE_SSL_REDIRECT=false SITE_URL="http://127.0.0.1:$PORT"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py setup_site --demo >/dev/null
"$PY" manage.py collectstatic --noinput -v0
serve() {
    "$PY" -m gunicorn chamber.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
    SERVER=$!
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
}
# A first pass makes the pages' image renditions; whitenoise indexes its files when it starts,
# so the server is started again to serve them.
serve
LISTING=$(curl -fs "http://127.0.0.1:$PORT/directory/" | grep -o 'href="/directory/[a-z0-9-]*/"' | grep -v -e a-z -e categories | head -1 | cut -d'"' -f2)
for path in / /directory/ "$LISTING"; do curl -fs -o /dev/null "http://127.0.0.1:$PORT$path"; done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
serve
for path in / /directory/ "$LISTING"; do
    CHROME_PATH=/usr/bin/chromium bench/lighthouse-tool/node_modules/.bin/lighthouse \
        "http://127.0.0.1:$PORT$path" --quiet --output=json --output-path="$WORK/report.json" \
        --chrome-flags="--headless=new --no-sandbox" \
        --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>&1
    "$PY" - "$path" "$WORK/report.json" <<'PYTHON'
import json, sys
path, report = sys.argv[1], json.load(open(sys.argv[2]))
scores = {key: round(value["score"] * 100) for key, value in report["categories"].items()}
audits = report["audits"]
print(f"{path:40} performance {scores['performance']:3}  accessibility {scores['accessibility']:3}"
      f"  best practices {scores['best-practices']:3}  SEO {scores['seo']:3}"
      f"  (LCP {audits['largest-contentful-paint']['displayValue']},"
      f" CLS {audits['cumulative-layout-shift']['displayValue']})")
PYTHON
done
