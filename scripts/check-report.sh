#!/usr/bin/env bash
# Opens a demo report in headless Chromium, fails on page errors, and takes a screenshot to look at the charts.
#   scripts/check-report.sh runs/demo-<timestamp> [screenshot.png]
# Installs Debian's chromium when it is missing (needs root and the Debian mirror). Not part of the test command.
set -euo pipefail
run="${1:?usage: check-report.sh RUN_FOLDER [SCREENSHOT]}"
shot="${2:-$run/report-screenshot.png}"
report="$(cd "$run" && pwd)/report.html"
[[ -f "$report" ]] || { echo "no report.html in $run" >&2; exit 2; }
for png in accuracy.png overoptimization.png reward.png kl.png; do
  [[ -s "$run/$png" ]] || { echo "missing chart $png in $run" >&2; exit 1; }
done
if ! command -v chromium >/dev/null; then
  apt-get install -y chromium >/dev/null
fi
profile="$(mktemp -d)"
log="$(mktemp)"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars)
# 1. errors: dump the DOM with console logging on; a page or resource error shows in the log
chromium "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "file://$report" \
  > "$profile/dom.html" 2> "$log" || true
if grep -E "Uncaught|Failed to load resource|ERR_FILE_NOT_FOUND" "$log"; then
  echo "check-report: the page reported errors (above)" >&2
  exit 1
fi
grep -q "<img src=\"overoptimization.png\"" "$profile/dom.html" || { echo "check-report: charts missing in DOM" >&2; exit 1; }
# 2. a screenshot of the page, tall enough for the charts
chromium "${flags[@]}" --window-size=1100,2600 --screenshot="$shot" "file://$report" >/dev/null 2>&1
[[ -s "$shot" ]] || { echo "check-report: no screenshot" >&2; exit 1; }
echo "check-report: no page errors; screenshot $shot"
rm -rf "$profile" "$log"
