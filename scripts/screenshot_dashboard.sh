#!/usr/bin/env bash
# Start the dashboard, screenshot it with Debian's headless Chromium, stop it: to look at it as a user does.
# Usage: scripts/screenshot_dashboard.sh OUT.png [DB] [HEIGHT] [QUERY]   (QUERY: ?country=DE opens on a country)
set -euo pipefail
out="$(realpath -m "$1")"
db="${2:-${CGT_ATLAS_DB:-data/cgt_atlas.duckdb}}"
height="${3:-2000}"
query="${4:-}"
cd "$(dirname "$0")/.."
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/cgt-atlas dashboard --port "$port" --db "$db" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 240); do  # up to 60 s
    curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
    kill -0 "$server" 2>/dev/null || { echo "the dashboard did not start" >&2; exit 1; }
    sleep 0.25
done
# virtual time lets the page's callbacks finish and plotly draw before the shot
timeout 180 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=15000 \
    --window-size=1280,"$height" --screenshot="$out" "http://127.0.0.1:$port/$query"
echo "screenshot: $out"
