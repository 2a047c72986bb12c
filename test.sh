#!/usr/bin/env bash
# Set up and run the tests: ./test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh requirements-test.txt
exec .venv/bin/python -m pytest -q "$@"
