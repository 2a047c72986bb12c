#!/usr/bin/env bash
# Set up and run the tests: ./test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
exec .venv/bin/python -m pytest -q "$@"
