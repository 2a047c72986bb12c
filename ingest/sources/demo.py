"""The built-in demo portal as a source: started in this process when nobody serves it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from ingest.sources.config import SourceConfig


def answers(source: SourceConfig) -> bool:
    try:
        return httpx.get(f"{source.base_url}/api/v1/health", timeout=2.0).status_code < 500
    except httpx.HTTPError:
        return False


@contextmanager
def portal_running(source: SourceConfig, say=lambda message: None) -> Iterator[None]:
    """For the demo source, make sure the portal answers for the length of the block."""
    if not source.demo or answers(source):
        yield
        return
    from demo_portal.portal import DemoPortal
    from demo_portal.server import serve_in_thread

    with serve_in_thread(DemoPortal(), source.port, token=source.token) as server:
        say(f"{source.name}: started the demo portal on {server.url}")
        yield
