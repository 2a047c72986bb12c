"""A tiny portal of the export contract on 127.0.0.1 that misbehaves as a test tells it to.

It serves one agency, one procedure and a few dossiers (bulk exports and the change
feed), under an optional path prefix (a `base_url` such as `/ioc-export`). A test sets
the fields of `Misbehaviour` on the running server; the handler reads them on every
request. Drips and floods are generated as they are sent, and end when the server shuts
down or the client hangs up.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

NOW = datetime(2023, 3, 15, 9, 0)
AGENCIES = "MaDonVi,TenDonVi,Cap,MaDVHC,MaDonViCha\nH56.DAITU.CUVAN,UBND xã Cù Vân,XA,05809,\n"
PROCEDURES = (
    "MaTTHC,TenTTHC,MaLinhVuc,TenLinhVuc,CapThucHien,MucDo\n"
    "1.001193,Thủ tục đăng ký khai sinh,HOTICH,Hộ tịch,Cấp Xã,4\n"
)
DOSSIER_COLUMNS = (
    "MaHoSo",
    "MaTTHC",
    "MaDonVi",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
)


def dossier(code: str, status: int = 4, finished: str = "", updated_at: str | None = None) -> dict:
    record = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "MaDonVi": "H56.DAITU.CUVAN",
        "KenhThucHien": "2",
        "TrangThaiHoSo": str(status),
        "NgayTiepNhan": "20230310080000",
        "NgayHenTra": "20230320170000",
        "NgayKetThucXuLy": finished,
    }
    if updated_at is not None:
        record["updated_at"] = updated_at
    return record


@dataclass
class Misbehaviour:
    drip: str | None = None  # path prefix whose answers come a byte at a time
    drip_headers: bool = False  # ...the status line and headers too (else the body only)
    drip_every: float = 1.0  # seconds between two bytes
    cursor_loop: bool = False  # the feed's next_cursor goes A -> B -> A -> ...
    endless_pages: bool = False  # the feed's next_cursor is new every time, for ever
    page_padding_mb: float = 0.0  # a feed page this much larger than its records
    endless_export: bool = False  # the dossiers export never ends
    until: str | None = None  # the feed's `until` (default: the portal's clock)
    feed: list[dict] = field(default_factory=list)  # the feed's records, all on one page
    months: object = None  # the export index's `months` (default: 2023-03)
    echo_authorization: int | None = None  # answer this status with the Authorization header in the body
    always_304: bool = False  # 304 to every export, whatever the request carried


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, prefix: str = "") -> None:
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.prefix = prefix
        self.bad = Misbehaviour()
        self.closing = threading.Event()
        self.dripping = threading.Event()  # set once a drip has started
        self.seen: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.prefix}"


class HostileHandler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path.removeprefix(self.server.prefix)
        self.server.seen.append(self.path)
        bad = self.server.bad
        if bad.echo_authorization:
            echo = {"error": "token refused", "you_sent": self.headers.get("Authorization")}
            return self._send(bad.echo_authorization, json.dumps(echo).encode(), "application/json")
        if path == "/api/v1/export/index.json":
            months = [{"month": "2023-03"}] if bad.months is None else bad.months
            return self._send(
                200, json.dumps({"as_of": NOW.isoformat(), "months": months}).encode(), "application/json"
            )
        if path.startswith("/api/v1/export/"):
            return self._export(path, query)
        if path == "/api/v1/dossiers":
            return self._feed(query)
        self._send(404, b'{"error": "not found"}', "application/json")

    def _export(self, path: str, query: dict) -> None:
        bad = self.server.bad
        if bad.always_304:
            return self._send(304, b"", None)
        if path.endswith("/agencies.csv"):
            body = AGENCIES.encode()
        elif path.endswith("/procedures.csv"):
            body = PROCEDURES.encode()
        elif path.endswith("/dossiers.csv"):
            if bad.endless_export:
                return self._endless(
                    ",".join(DOSSIER_COLUMNS).encode() + b"\n", b"D,1.001193,H56.DAITU.CUVAN,2,4,20230310080000,,\n"
                )
            rows = [dossier("D1"), dossier("D2", 9, "20230314100000")] if query.get("month") == "2023-03" else []
            body = (
                "\n".join(
                    [",".join(DOSSIER_COLUMNS)] + [",".join(r[c] for c in DOSSIER_COLUMNS) for r in rows]
                ).encode()
                + b"\n"
            )
        else:
            return self._send(404, b'{"error": "not found"}', "application/json")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", None, {"ETag": etag})
        self._send(200, body, "text/csv; charset=utf-8", {"ETag": etag, "X-As-Of": NOW.isoformat()})

    def _feed(self, query: dict) -> None:
        bad = self.server.bad
        cursor = query.get("cursor")
        payload: dict = {"data": bad.feed if cursor is None else [], "until": bad.until or NOW.isoformat()}
        if bad.cursor_loop:
            payload["next_cursor"] = "B" if cursor == "A" else "A"
        elif bad.endless_pages:
            payload["next_cursor"] = str(int(cursor or 0) + 1)
        body = json.dumps(payload).encode()
        if bad.page_padding_mb:
            # A page far larger than `limit`, sent without a Content-Length.
            padding = b" " * int(bad.page_padding_mb * (1 << 20))
            return self._stream(body[:-1] + b', "padding": "' + padding + b'"}')
        self._send(200, body, "application/json")

    # ------------------------------------------------------------------ plumbing

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict | None = None) -> None:
        head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n"
        data = head.encode() + b"\r\n" + body
        bad = self.server.bad
        if bad.drip and self.path.removeprefix(self.server.prefix).startswith(bad.drip):
            return self._drip(data if bad.drip_headers else body, b"" if bad.drip_headers else head.encode() + b"\r\n")
        self.wfile.write(data)

    def _drip(self, dripped: bytes, sent_first: bytes) -> None:
        self.close_connection = True
        self.wfile.write(sent_first)
        self.server.dripping.set()
        try:
            for byte in _forever(dripped):
                if self.server.closing.is_set():
                    return
                self.wfile.write(byte)
                self.wfile.flush()
                time.sleep(self.server.bad.drip_every)
        except OSError:
            return  # the client hung up: what a drip should end in

    def _stream(self, body: bytes) -> None:
        self.close_connection = True
        self.wfile.write(b"HTTP/1.1 200 X\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
        try:
            for start in range(0, len(body), 1 << 16):
                self.wfile.write(body[start : start + (1 << 16)])
        except OSError:
            return

    def _endless(self, header: bytes, row: bytes) -> None:
        self.close_connection = True
        self.wfile.write(b"HTTP/1.1 200 X\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n" + header)
        block = row * 1000
        try:
            while not self.server.closing.is_set():
                self.wfile.write(block)
        except OSError:
            return


def _forever(data: bytes) -> Iterator[bytes]:
    # After the real answer, more of the same: a drip never ends on its own.
    while True:
        for index in range(len(data)):
            yield data[index : index + 1]


@contextmanager
def hostile_portal(prefix: str = "") -> Iterator[HostileServer]:
    server = HostileServer(prefix)
    thread = threading.Thread(target=server.serve_forever, name="hostile-portal", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()
