"""Secrets out of messages: a source's token never reaches a table, a log line or a screen.

A vendor's portal may echo the request's `Authorization` header in an error body, and
error bodies are quoted in run errors (`ingest_runs.error`, the run log, the published
snapshot, the worker's output). So every message is passed through `redact` before it is
printed or stored: the token itself (as sent, JSON-escaped and URL-quoted) and anything
that follows the word `Bearer` are replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
# Shorter "tokens" are no secret, and masking them would garble every message.
MIN_SECRET_LENGTH = 4
_BEARER = re.compile(r"(?i)\b(bearer)(\s+|%20|\+)[^\s\"'<>,;]+")


def redact(text: str | None, secrets: Iterable[str | None] = ()) -> str | None:
    if not text:
        return text
    for secret in secrets:
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            continue
        for form in {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, MASK)
    return _BEARER.sub(lambda match: f"{match.group(1)} {MASK}", text)
