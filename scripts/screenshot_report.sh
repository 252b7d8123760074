#!/usr/bin/env bash
# Render a report HTML file to a PNG with Debian's headless Chromium, network off, to look at it as a reader
# would. Usage: scripts/screenshot_report.sh REPORT.html OUT.png [HEIGHT]
set -euo pipefail
report="$(realpath "$1")"
out="$(realpath -m "$2")"
height="${3:-9000}"
unshare -rn chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1000,"$height" --screenshot="$out" "file://$report"
