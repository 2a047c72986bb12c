"""HTTP for the portal's export API: bounded retries, pagination, conditional downloads.

The `httpx.Client` is injected (base URL, token, timeouts), so tests and the worker
share this code and only the server differs. Connection errors, timeouts, 5xx and 429
are retried with exponential backoff (429 and 503 honour `Retry-After`); anything else
fails at once. Failures surface as the `PortalError` tree of `ingest.errors`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ingest.errors import MalformedResponse, PortalRejected, PortalUnavailable
from ingest.sources.config import SourceConfig

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    # A portal asking for minutes is treated as down for this cycle.
    retry_after_max: float = 30.0


@dataclass(frozen=True)
class Download:
    path: Path
    etag: str | None
    as_of: datetime | None


@dataclass(frozen=True)
class FeedPage:
    records: list[dict]
    until: datetime


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def http_client(source: SourceConfig) -> httpx.Client:
    headers = {"Accept": "application/json, text/csv"}
    if source.token:
        headers["Authorization"] = f"Bearer {source.token}"
    return httpx.Client(
        base_url=source.base_url,
        headers=headers,
        timeout=httpx.Timeout(source.timeout_seconds, connect=min(5.0, source.timeout_seconds)),
    )


class PortalClient:
    def __init__(self, http: httpx.Client, source_name: str, retry: RetryPolicy = RetryPolicy()) -> None:
        self.http = http
        self.source_name = source_name
        self.retry = retry

    # ------------------------------------------------------------------ change feed

    def pages(self, entity: str, since: datetime | None, page_size: int = 1000) -> Iterator[FeedPage]:
        """The records changed after `since`, a page at a time, up to the first page's `until`."""
        params: dict[str, str | int] = {"limit": page_size}
        if since is not None:
            params["updated_since"] = since.isoformat()
        while True:
            payload = self._json(f"/api/v1/{entity}", params)
            try:
                records, cursor, until = payload["data"], payload.get("next_cursor"), datetime.fromisoformat(payload["until"])
            except (KeyError, TypeError, ValueError):
                raise MalformedResponse(self._where(f"/api/v1/{entity}") + " answered JSON without data/until") from None
            if not isinstance(records, list):
                raise MalformedResponse(self._where(f"/api/v1/{entity}") + ": data is not a list of records")
            yield FeedPage(records, until)
            if not cursor:
                return
            params = {"limit": page_size, "cursor": cursor}

    # ------------------------------------------------------------------ bulk export

    def export_index(self) -> dict:
        return self._json("/api/v1/export/index.json", {})

    def download(self, path: str, target: Path, params: dict | None = None, etag: str | None = None) -> Download | None:
        """Stream an export into `target`; None when the portal says it has not changed (304)."""
        headers = {"If-None-Match": etag} if etag else {}

        def attempt() -> Download | None:
            with self.http.stream("GET", path, params=params, headers=headers) as response:
                self._check(response, path)
                if response.status_code == 304:
                    return None
                with open(target, "wb") as handle:
                    for chunk in response.iter_bytes(1 << 20):
                        handle.write(chunk)
                as_of = response.headers.get("X-As-Of")
                return Download(target, response.headers.get("ETag"), datetime.fromisoformat(as_of) if as_of else None)

        return self._with_retries(attempt, path)

    # ------------------------------------------------------------------ plumbing

    def _json(self, path: str, params: dict) -> dict:
        def attempt() -> dict:
            response = self.http.get(path, params=params)
            self._check(response, path)
            return response.json()

        try:
            payload = self._with_retries(attempt, path)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise MalformedResponse(self._where(path) + " answered something that is not JSON") from None
        if not isinstance(payload, dict):
            raise MalformedResponse(self._where(path) + " answered JSON that is not an object")
        return payload

    def _with_retries(self, attempt, path: str):
        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Retryable as error:
            raise PortalUnavailable(f"{self._where(path)}: {error} ({self.retry.attempts} attempts)") from None
        except httpx.TimeoutException:
            raise PortalUnavailable(f"{self._where(path)}: no answer within the timeout ({self.retry.attempts} attempts)") from None
        except httpx.TransportError as error:
            reason = type(error).__name__ if not str(error) else str(error)
            raise PortalUnavailable(f"{self._where(path)}: cannot connect or the connection broke: {reason} ({self.retry.attempts} attempts)") from None

    def _check(self, response: httpx.Response, path: str) -> None:
        status = response.status_code
        if status in RETRIED_STATUSES:
            response.read()
            raise _Retryable(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        if status == 304 or status < 400:
            return
        response.read()
        detail = response.text[:200].strip()
        hint = " (is the token right?)" if status in (401, 403) else ""
        raise PortalRejected(f"{self._where(path)}: HTTP {status}{hint}: {detail}")

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        backoff = wait_exponential(multiplier=self.retry.backoff_initial, max=self.retry.backoff_max)(state)
        if isinstance(error, _Retryable) and error.retry_after is not None:
            if error.retry_after > self.retry.retry_after_max:
                raise PortalUnavailable(f"source {self.source_name}: asks to come back in {error.retry_after:g} s")
            return error.retry_after
        return backoff

    def _where(self, path: str) -> str:
        return f"source {self.source_name}: {self.http.base_url.join(path)}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())
