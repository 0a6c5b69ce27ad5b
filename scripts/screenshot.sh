#!/usr/bin/env bash
# Refreshes docs/images/sale-screen.png: the sale screen on the concert hall with a held
# selection, taken from the real terminal under Xvfb against a demo server in a temporary folder.
# The throw-away server runs with --insecure-http on loopback (the picture shows the sale screen,
# not the transport).
#   scripts/screenshot.sh [builddir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
OUT=docs/images/sale-screen.png
DATA=$(mktemp -d)
PORT=18481
export BOXOFFICE_DEMO_PASSWORD=screenshot-demo-password
export BOXOFFICE_PASSWORD=$BOXOFFICE_DEMO_PASSWORD
"$BUILD_DIR/app/boxoffice-server" --demo --data-dir "$DATA" --listen "127.0.0.1:$PORT" \
    --insecure-http >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
    sleep 0.1
done
mkdir -p "$(dirname "$OUT")"
xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$BUILD_DIR/app/boxoffice-screenshot" --server "http://127.0.0.1:$PORT" --user clerk \
    --show beethoven-9 --seats 4 --out "$OUT"
