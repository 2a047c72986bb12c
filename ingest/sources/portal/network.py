"""Sockets that keep to a request's deadline and notice a stop, whatever the portal sends.

httpx's `timeout` bounds each read, not the request: a portal that drips one byte a
second (in its headers or its body) never trips it, and a read blocked for
`timeout_seconds` does not see SIGTERM. The client therefore runs each request inside
`bounded(deadline, check)`, and the network backend of `bounded_transport` cuts every
blocking read into short slices, between which it calls `check` (stop) and compares the
clock with the deadline. A request that outlives its deadline raises `RequestDeadline`,
which httpx and the retries let through untouched; the client names the URL.

httpx 0.28 offers no public way to choose httpcore's network backend, so
`bounded_transport` builds httpcore's pool itself (covered by the drip tests).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpcore
import httpx

# How long a read may block before the deadline and the stop event are looked at again.
SLICE_SECONDS = 0.25
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


class RequestDeadline(Exception):
    """The request in progress ran past its deadline (raised through httpx untouched)."""


@dataclass(frozen=True)
class _Bounds:
    deadline: float  # time.monotonic()
    check: Callable[[], None]  # raises to end the request at once (a stop)

    def remaining(self) -> float:
        self.check()
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RequestDeadline
        return left


_active: ContextVar[_Bounds | None] = ContextVar("portal_request_bounds", default=None)


@contextmanager
def bounded(deadline: float, check: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Requests made by this thread inside the block end by `deadline` (monotonic)."""
    token = _active.set(_Bounds(deadline, check))
    try:
        yield
    finally:
        _active.reset(token)


def check_deadline() -> None:
    """Raise if the request in progress is past its deadline or must stop (between chunks)."""
    bounds = _active.get()
    if bounds is not None:
        bounds.remaining()


DEFAULT_LIMITS = httpx.Limits()


def bounded_transport(verify: bool = True, limits: httpx.Limits = DEFAULT_LIMITS) -> httpx.HTTPTransport | None:
    """An httpx transport whose sockets keep to `bounded`; None behind a proxy (httpx's own then)."""
    if any(os.environ.get(name) for name in PROXY_VARIABLES):
        return None
    transport = httpx.HTTPTransport(verify=verify, limits=limits)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=verify),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=BoundedBackend(),
    )
    return transport


class BoundedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bounds = _active.get()
        if bounds is None:
            return self._inner.read(max_bytes, timeout)
        silent_until = math.inf if timeout is None else time.monotonic() + timeout
        while True:
            left = bounds.remaining()
            silence = silent_until - time.monotonic()
            if silence <= 0:
                raise httpcore.ReadTimeout("timed out")
            try:
                return self._inner.read(max_bytes, min(SLICE_SECONDS, left, silence))
            except httpcore.ReadTimeout:
                continue  # a slice ended: look at the stop event and the clock again

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # Not sliced: a write cut short could not be resumed. Requests are a few hundred bytes.
        bounds = _active.get()
        if bounds is not None:
            timeout = _earliest(timeout, bounds.remaining())
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None) -> BoundedStream:
        bounds = _active.get()
        if bounds is not None:
            timeout = _earliest(timeout, bounds.remaining())
        return BoundedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class BoundedBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> BoundedStream:
        bounds = _active.get()
        if bounds is not None:
            timeout = _earliest(timeout, bounds.remaining())
        try:
            return BoundedStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))
        except httpcore.ConnectTimeout:
            if bounds is not None:
                bounds.remaining()  # the deadline, not the connect timeout, cut it short
            raise

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable | None = None
    ) -> BoundedStream:
        return BoundedStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _earliest(timeout: float | None, left: float) -> float:
    return left if timeout is None else min(timeout, left)
