"""HTTP for the portal's export API: bounded retries, pagination, conditional downloads.

The `httpx.Client` is injected (base URL, token, timeouts), so tests and the worker
share this code and only the server differs. Connection errors, timeouts, 5xx and 429
are retried with exponential backoff (429 and 503 honour `Retry-After`); anything else
fails at once. Failures surface as the `PortalError` tree of `ingest.errors`, in one
line that names the full URL and never the token.

Every request spends the cycle's `Budget` (`budget.py`): it ends by its deadline (cut
inside the socket reads when the client comes from `http_client`, see `network.py`),
its bytes count against the cycle's cap, a change-feed page against the page cap and
its own size cap, and a cursor that comes back ends the cycle. Answers are streamed:
a flood is refused when it passes the cap, not after it has been held in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ingest.errors import DeadlineExceeded, LimitExceeded, MalformedResponse, PortalRejected, PortalUnavailable
from ingest.sources.config import SourceConfig
from ingest.sources.portal.budget import Budget, Limits
from ingest.sources.portal.network import RequestDeadline, bounded, bounded_transport, check_deadline
from ingest.sources.redact import redact

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
# An error body is quoted in the message (200 characters): no need to read megabytes of it.
ERROR_BODY_BYTES = 64 * 1024
# An ETag is sent back in a header: anything but printable ASCII is not one.
_ETAG = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,511}$")


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
        transport=bounded_transport(),
    )


class PortalClient:
    def __init__(self, http: httpx.Client, source_name: str, retry: RetryPolicy = RetryPolicy()) -> None:
        self.http = http
        self.source_name = source_name
        self.retry = retry
        self._budget: Budget | None = None

    @contextmanager
    def spending(self, budget: Budget) -> Iterator[None]:
        """Requests inside the block spend `budget` (one pull cycle)."""
        previous, self._budget = self._budget, budget
        try:
            yield
        finally:
            self._budget = previous

    @property
    def budget(self) -> Budget:
        # Outside a cycle (a script, a benchmark), each call gets the default bounds.
        return self._budget or Budget(self.source_name, Limits())

    # ------------------------------------------------------------------ change feed

    def pages(self, entity: str, since: datetime | None, page_size: int = 1000) -> Iterator[FeedPage]:
        """The records changed after `since`, a page at a time, up to the first page's `until`."""
        budget = self.budget
        path = f"/api/v1/{entity}"
        params: dict[str, str | int] = {"limit": page_size}
        if since is not None:
            params["updated_since"] = since.isoformat()
        followed: set[str] = set()
        while True:
            url = self.url(path, params)
            budget.take_page(str(url))
            payload = self._json(path, params, budget)
            try:
                records, cursor, until = (
                    payload["data"],
                    payload.get("next_cursor"),
                    datetime.fromisoformat(payload["until"]),
                )
            except (KeyError, TypeError, ValueError):
                raise MalformedResponse(self._where(url) + " answered JSON without data/until") from None
            if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
                raise MalformedResponse(self._where(url) + ": data is not a list of records")
            yield FeedPage(records, until)
            if not cursor:
                return
            if not isinstance(cursor, str):
                raise MalformedResponse(self._where(url) + ": next_cursor is not a string")
            if cursor in followed:
                raise LimitExceeded(
                    self._where(url) + f": next_cursor {_short(cursor)} was already followed in this cycle "
                    "(the portal's pagination goes round in a loop)"
                )
            followed.add(cursor)
            params = {"limit": page_size, "cursor": cursor}

    # ------------------------------------------------------------------ bulk export

    def export_index(self) -> dict:
        return self._json("/api/v1/export/index.json", {}, self.budget)

    def download(self, path: str, target: Path, params: dict | None = None, etag: str | None = None) -> Download | None:
        """Stream an export into `target`; None when the portal says it has not changed (304)."""
        budget = self.budget
        url = self.url(path, params)
        headers = {"If-None-Match": etag} if etag else {}

        def attempt() -> Download | None:
            with self.http.stream("GET", path, params=params, headers=headers) as response:
                self._check(response, url, budget)
                if response.status_code == 304:
                    if not etag:
                        raise MalformedResponse(
                            self._where(url) + " answered 304 Not Modified to a request without an ETag"
                        )
                    return None
                with open(target, "wb") as handle:
                    handle.writelines(self._chunks(response, url, budget))
                as_of = response.headers.get("X-As-Of")
                tag = response.headers.get("ETag")
                return Download(target, tag if tag and _ETAG.match(tag) else None, self._as_of(as_of, url))

        return self._with_retries(attempt, url, budget)

    def url(self, path: str, params: dict | None = None) -> httpx.URL:
        """The full URL of a request, as httpx sends it (the base URL's own path kept)."""
        base = str(self.http.base_url).rstrip("/")
        return httpx.URL(f"{base}/{path.lstrip('/')}", params=params or None)

    # ------------------------------------------------------------------ plumbing

    def _json(self, path: str, params: dict, budget: Budget) -> dict:
        """A JSON object, read up to `max_page_mb` (a feed page; the export index is smaller)."""
        url = self.url(path, params)

        def attempt() -> bytes:
            with self.http.stream("GET", path, params=params) as response:
                self._check(response, url, budget)
                return b"".join(self._chunks(response, url, budget, cap=budget.limits.max_page_bytes))

        body = self._with_retries(attempt, url, budget)
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise MalformedResponse(self._where(url) + " answered something that is not JSON") from None
        if not isinstance(payload, dict):
            raise MalformedResponse(self._where(url) + " answered JSON that is not an object")
        return payload

    def _chunks(
        self, response: httpx.Response, url: httpx.URL, budget: Budget, cap: int | None = None, truncate: bool = False
    ) -> Iterator[bytes]:
        """The body as it arrives, counted against the cycle's bytes and `cap` (a page's)."""
        declared = response.headers.get("Content-Length", "")
        if cap is not None and not truncate and declared.isdigit() and int(declared) > cap:
            raise self._too_large(url, cap)
        received = 0
        for chunk in response.iter_bytes():
            check_deadline()  # the socket reads check too, but an injected client (a proxy's) may not
            budget.take_bytes(len(chunk), str(url))
            received += len(chunk)
            if cap is not None and received > cap:
                if truncate:
                    yield chunk[: len(chunk) - (received - cap)]
                    return
                raise self._too_large(url, cap)
            yield chunk

    def _too_large(self, url: httpx.URL, cap: int) -> LimitExceeded:
        return LimitExceeded(self._where(url) + f": the answer is larger than {cap / (1 << 20):,.6g} MB (max_page_mb)")

    def _with_retries(self, attempt: Callable, url: httpx.URL, budget: Budget):
        last: list[str] = []
        deadlines: list[float] = []

        def bounded_attempt():
            deadlines.append(budget.request_deadline())
            # The request's deadline is the cycle's when that comes first: one exception, one message.
            with bounded(deadlines[-1], budget.check_stop):
                return attempt()

        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=lambda state: self._wait(state, url),
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            before_sleep=lambda state: last.append(_reason(state)),
            sleep=lambda seconds: budget.sleep(
                seconds, self._where(url) + f" failed ({last[-1] if last else 'error'})"
            ),
            reraise=True,
        )
        try:
            return retrying(bounded_attempt)
        except RequestDeadline:
            if deadlines and deadlines[-1] >= budget.deadline:
                raise budget.cycle_deadline_passed(str(url)) from None
            raise DeadlineExceeded(
                self._where(url) + f": no complete answer within {budget.limits.request_seconds:g} s "
                "(request_deadline_seconds)"
            ) from None
        except _Retryable as error:
            raise PortalUnavailable(f"{self._where(url)}: {error} ({self.retry.attempts} attempts)") from None
        except httpx.TimeoutException:
            raise PortalUnavailable(
                f"{self._where(url)}: no answer within the timeout ({self.retry.attempts} attempts)"
            ) from None
        except httpx.TransportError as error:
            reason = type(error).__name__ if not str(error) else str(error)
            raise PortalUnavailable(
                self._redact(
                    f"{self._where(url)}: cannot connect or the connection broke: {reason} ({self.retry.attempts} attempts)"
                )
            ) from None

    def _check(self, response: httpx.Response, url: httpx.URL, budget: Budget) -> None:
        status = response.status_code
        if status in RETRIED_STATUSES:
            raise _Retryable(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        if status == 304 or status < 400:
            return
        body = b"".join(self._chunks(response, url, budget, cap=ERROR_BODY_BYTES, truncate=True))
        detail = " ".join(body.decode("utf-8", errors="replace")[:200].split())
        hint = " (is the token right?)" if status in (401, 403) else ""
        raise PortalRejected(self._redact(f"{self._where(url)}: HTTP {status}{hint}: {detail}"))

    def _as_of(self, value: str | None, url: httpx.URL) -> datetime | None:
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise MalformedResponse(self._where(url) + f": X-As-Of {_short(value)} is not an ISO 8601 time") from None

    def _wait(self, state: RetryCallState, url: httpx.URL) -> float:
        error = state.outcome.exception() if state.outcome else None
        backoff = wait_exponential(multiplier=self.retry.backoff_initial, max=self.retry.backoff_max)(state)
        if isinstance(error, _Retryable) and error.retry_after is not None:
            if error.retry_after > self.retry.retry_after_max:
                raise PortalUnavailable(f"{self._where(url)}: asks to come back in {error.retry_after:g} s")
            return error.retry_after
        return backoff

    def _where(self, url: httpx.URL | str) -> str:
        return f"source {self.source_name}: {url}"

    def _redact(self, message: str) -> str:
        authorization = self.http.headers.get("Authorization", "")
        return redact(message, [authorization.partition(" ")[2], authorization])


def _reason(state: RetryCallState) -> str:
    error = state.outcome.exception() if state.outcome else None
    return (str(error) or type(error).__name__) if error else "error"


def _short(text: str, length: int = 40) -> str:
    return repr(text if len(text) <= length else text[:length] + "…")


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
