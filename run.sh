#!/usr/bin/env bash
# Set up and run the product: ./run.sh
# Starts the demo portal (unless a portal is configured in config/sources.toml or
# $IOC_SOURCES), the ingest worker that pulls it every 5 minutes, and the dashboard.
# Ctrl-C stops all three. Options by environment: PORT (dashboard, 8501), IOC_DEMO_PORT
# (8765), IOC_DEMO_TIME_SCALE (1 = real time; 1440 = a simulated day per minute),
# IOC_WAREHOUSE (data/warehouse.duckdb).
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh requirements.txt
export IOC_WAREHOUSE="${IOC_WAREHOUSE:-data/warehouse.duckdb}"
export IOC_DEMO_PORT="${IOC_DEMO_PORT:-8765}"
PY=.venv/bin/python

pids=()
stop() {
    trap - INT TERM EXIT
    echo "Stopping…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

if [ -z "${IOC_SOURCES:-}" ] && [ ! -f config/sources.toml ]; then
    $PY -m demo_portal --port "$IOC_DEMO_PORT" --time-scale "${IOC_DEMO_TIME_SCALE:-1}" &
    pids+=($!)
    $PY - <<'PYTHON'
import os, time, httpx
url = f"http://127.0.0.1:{os.environ['IOC_DEMO_PORT']}/api/v1/health"
for _ in range(100):
    try:
        httpx.get(url, timeout=1).raise_for_status()
        break
    except httpx.HTTPError:
        time.sleep(0.2)
PYTHON
fi
$PY -m ingest worker &
pids+=($!)
# ui.launch is `streamlit run` without a false "Page not found" for the first visitor
$PY -m ui.launch run app.py --server.address 127.0.0.1 --server.port "${PORT:-8501}" \
    --server.headless true --browser.gatherUsageStats false &
pids+=($!)
echo "Dashboard: http://127.0.0.1:${PORT:-8501}  (Ctrl-C stops the portal, the worker and the dashboard)"
wait -n "${pids[@]}"
