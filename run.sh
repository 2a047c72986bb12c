#!/usr/bin/env bash
# Set up and run the dashboard on built-in sample data: ./run.sh
# (Until the demo portal lands, the sample is a synthetic Thái Nguyên export loaded once.)
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
export IOC_WAREHOUSE="${IOC_WAREHOUSE:-data/warehouse.duckdb}"
if [ ! -f "${IOC_WAREHOUSE}.snapshots/CURRENT.json" ]; then
    echo "Generating and loading sample exports (50,000 dossiers)…"
    .venv/bin/python -m bench.synthetic data/sample --dossiers 50000
    .venv/bin/python -m ingest load data/sample/agencies.csv data/sample/procedures.csv data/sample/dossiers.csv
fi
echo "Dashboard: http://127.0.0.1:${PORT:-8501}"
exec .venv/bin/streamlit run app.py --server.address 127.0.0.1 --server.port "${PORT:-8501}" --server.headless true
