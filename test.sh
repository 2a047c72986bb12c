#!/usr/bin/env bash
# Set up and run the tests: ./test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh requirements-test.txt
# The quick subset (-m "not slow") runs on two workers (pytest-xdist; the machine's two
# cores): its tests share nothing but read-only fixtures. Everything else runs in one
# process, as the slow tests (servers, pulls, Chromium) must not run two at a time, and
# xdist's grouping (--dist loadgroup) does not work with pytest 9. `-n 0` or `-n N` wins.
workers=()
if [[ " $* " == *"not slow"* && " $* " != *" -n"* && " $* " != *"--numprocesses"* ]]; then
    workers=(-n 2 --dist worksteal)
fi
exec .venv/bin/python -m pytest -q "${workers[@]}" "$@"
