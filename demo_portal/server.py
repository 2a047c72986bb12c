"""The demo portal over HTTP on 127.0.0.1 (standard library server, one thread per request).

    GET  /api/v1/health                          {"status": "ok", "now": ...}
    GET  /api/v1/{agencies|procedures|dossiers|ratings|feedback}
         change feed: ?updated_since=ISO&limit=N&cursor=C
         -> {"data": [...], "next_cursor": "..." or null, "until": ISO}
    GET  /api/v1/export/index.json               the nightly export: as_of, months (dossiers),
         ratings.months, feedback.months, index766 (its path and a note that it is demo data)
    GET  /api/v1/export/{agencies|procedures}.csv
    GET  /api/v1/export/{dossiers|ratings|feedback}.csv?month=YYYY-MM
    GET  /api/v1/export/index766.csv             the published 766 index (national-only indicators)
         ETag / Last-Modified / X-As-Of; If-None-Match answers 304
    GET  /api/v1/reports/form06a.xlsx?agency=MaDonVi&from=YYYY-MM-DD&to=YYYY-MM-DD
         form 06a of one agency by field for the period (ending today at the latest),
         counted from its dossiers as of now; an XLSX attachment
    POST /admin/clock   {"advance_minutes": N}   move the simulated clock on
    POST /admin/faults  {"kind": ..., "times": N, ...}  misbehave on the next API requests

Faults (for tests and demos of the worker's resilience): `status` (answer `status`, e.g.
500 or 429 with `retry_after`), `slow` (wait `seconds` first), `malformed` (a 200 whose
JSON is cut off), `drop` (close the connection without an answer), `break_pagination`
(drop the connection on a request that carries a cursor, i.e. mid-pagination).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from demo_portal.clock import LOCAL
from demo_portal.portal import DEFAULT_PAGE, BadRequest, DemoPortal, Export, parse_date, parse_time

DEFAULT_PORT = 8765
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Fault:
    kind: str
    times: int = 1
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    path: str | None = None


@dataclass
class Faults:
    pending: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, spec: dict) -> Fault:
        fault = Fault(**spec)
        with self.lock:
            self.pending.append(fault)
        return fault

    def take(self, path: str, has_cursor: bool) -> Fault | None:
        with self.lock:
            for fault in self.pending:
                if fault.path and not path.startswith(fault.path):
                    continue
                if fault.kind == "break_pagination" and not has_cursor:
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self.pending.remove(fault)
                return fault
        return None


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, portal: DemoPortal, port: int = DEFAULT_PORT, token: str | None = None) -> None:
        super().__init__(("127.0.0.1", port), PortalHandler)
        self.portal = portal
        self.token = token
        self.faults = Faults()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class PortalHandler(BaseHTTPRequestHandler):
    server: PortalServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass  # one line per request would drown the worker's own output

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path.startswith("/api/") and not self._authorised():
            return self._json({"error": "missing or wrong token"}, HTTPStatus.UNAUTHORIZED)
        fault = self.server.faults.take(url.path, "cursor" in query) if url.path.startswith("/api/") else None
        if fault and self._misbehave(fault):
            return
        try:
            self._route(url.path, query)
        except BadRequest as error:
            self._json({"error": str(error)}, HTTPStatus.BAD_REQUEST)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            return self._json({"error": "the body is not JSON"}, HTTPStatus.BAD_REQUEST)
        path = urlparse(self.path).path
        if path == "/admin/clock":
            now = self.server.portal.clock.advance(timedelta(minutes=float(body.get("advance_minutes", 0))))
            return self._json({"now": now.isoformat()})
        if path == "/admin/faults":
            try:
                fault = self.server.faults.add(body)
            except TypeError as error:
                return self._json({"error": str(error)}, HTTPStatus.BAD_REQUEST)
            return self._json({"queued": fault.kind})
        self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

    # ------------------------------------------------------------------ routes

    def _route(self, path: str, query: dict[str, str]) -> None:
        portal = self.server.portal
        if path == "/api/v1/health":
            return self._json({"status": "ok", "now": portal.clock.now().isoformat(), "seed": portal.seed})
        if path == "/api/v1/export/index.json":
            return self._json(portal.export_index())
        if path == "/api/v1/reports/form06a.xlsx":
            return self._form06a(query)
        if path.startswith("/api/v1/export/") and path.endswith(".csv"):
            entity = path.removeprefix("/api/v1/export/").removesuffix(".csv")
            return self._export(portal.export(entity, query.get("month")))
        if path.startswith("/api/v1/"):
            entity = path.removeprefix("/api/v1/")
            try:
                limit = int(query.get("limit", DEFAULT_PAGE))
            except ValueError:
                raise BadRequest("limit must be an integer") from None
            page = portal.page(
                entity, parse_time(query.get("updated_since"), "updated_since"), query.get("cursor"), limit
            )
            return self._json({"data": page.records, "next_cursor": page.next_cursor, "until": page.until.isoformat()})
        self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

    def _export(self, export: Export) -> None:
        as_of_utc = export.as_of.replace(tzinfo=LOCAL).astimezone(UTC)
        headers = {
            "ETag": export.etag,
            "Last-Modified": format_datetime(as_of_utc, usegmt=True),
            "X-As-Of": export.as_of.isoformat(),
            "X-Rows": str(export.rows),
        }
        if self.headers.get("If-None-Match") == export.etag:
            return self._send(HTTPStatus.NOT_MODIFIED, b"", None, headers)
        self._send(HTTPStatus.OK, export.body, "text/csv; charset=utf-8", headers)

    def _form06a(self, query: dict[str, str]) -> None:
        agency = query.get("agency", "")
        date_from, date_to = parse_date(query.get("from"), "from"), parse_date(query.get("to"), "to")
        body = self.server.portal.form06a(agency, date_from, date_to)
        # Agency codes carry dots only, but a header must never carry what a client sent.
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", agency)
        filename = f"bieu_06a_{safe}_{date_from:%Y%m%d}_{date_to:%Y%m%d}.xlsx"
        self._send(HTTPStatus.OK, body, XLSX, {"Content-Disposition": f'attachment; filename="{filename}"'})

    # ------------------------------------------------------------------ faults

    def _misbehave(self, fault: Fault) -> bool:
        """Apply a queued fault; True when it replaced the answer."""
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return False
        if fault.kind == "status":
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            self._send(HTTPStatus(fault.status), b'{"error": "injected"}', "application/json", headers)
            return True
        if fault.kind == "malformed":
            self._send(HTTPStatus.OK, b'{"data": [{"MaHoSo": "000.00', "application/json", {})
            return True
        if fault.kind in ("drop", "break_pagination"):
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        return False

    # ------------------------------------------------------------------ plumbing

    def _authorised(self) -> bool:
        return self.server.token is None or self.headers.get("Authorization") == f"Bearer {self.server.token}"

    def _json(self, payload: dict, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", {})

    def _send(self, status: HTTPStatus, body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve_in_thread(portal: DemoPortal, port: int = 0, token: str | None = None) -> Iterator[PortalServer]:
    """A running portal for the length of a `with` block (tests, `ingest pull --source demo`)."""
    server = PortalServer(portal, port, token)
    thread = threading.Thread(target=server.serve_forever, name="demo-portal", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
