#!/usr/bin/env bash
# Set up the project's environment: ./setup.sh [requirements file]
# System packages the product needs (Debian): Chromium renders the wall screen as PNG
# and drives the browser tests (Playwright's own browser download does not work on
# every network, so Playwright launches Debian's /usr/bin/chromium); poppler-utils
# (pdftotext, pdftoppm) checks the PDF briefing in the tests. No emoji font: the pages'
# icons are Streamlit's Material icons (a web font it ships), and the few marks in text
# (✓ ✗ ⬇) are in DejaVu Sans.
set -euo pipefail
cd "$(dirname "$0")"
requirements="${1:-requirements.txt}"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing ${missing[*]} (apt-get)…"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Please install: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    fi
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
