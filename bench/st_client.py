"""A thin Streamlit client: one session over the websocket the browser uses, without a browser.

    async with Session.open("http://127.0.0.1:8501", "phan-tich") as session:
        first = session.runs[-1]                      # the first script run of the page
        run = await session.choose("Kênh nộp", "Trực tuyến")
        run = await session.switch_page("tre-han")

It speaks Streamlit 1.67's protocol (streamlit/web/server/starlette/starlette_websocket.py,
streamlit/runtime/app_session.py): binary frames on `/_stcore/stream`, each a protobuf.
The client sends `BackMsg.rerun_script` with a `ClientState` (query string, page, widget
values); the server answers with `ForwardMsg`s: `new_session`, `navigation` (the pages and
their script hashes), `delta`s (elements; widgets carry their ids and options),
`auto_rerun` (a fragment's `run_every`: the client keeps the timer and asks for the
fragment's rerun, as the browser does) and `script_finished`.

What it does not do: draw, run JavaScript (the wall's size script: pass `vw`/`vh` in the
query), or send widget values it has not set itself (the server keeps the others as they
were, which is what a browser that did not touch them sends too). It reads no reference
messages (`ref_hash`): it never says it has cached any.

Every script run is timed from the request sent to its `script_finished` (`Run`); the
time to the first message of the run (`first_s`) is the wait before the server started
on it, most of which is queueing when the server is busy.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_FINISHED = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
INTERRUPTED = ForwardMsg.FINISHED_EARLY_FOR_RERUN
TIMEZONE = "Asia/Ho_Chi_Minh"


class ClientError(Exception):
    """The session could not open, or a run failed or did not finish in time."""


def rerun_message(
    *,
    query_string: str = "",
    page_name: str = "",
    page_script_hash: str = "",
    widgets: list[WidgetState] | None = None,
    fragment_id: str = "",
    is_auto_rerun: bool = False,
    url: str = "",
) -> bytes:
    """The bytes of a `BackMsg.rerun_script`, as the browser sends them."""
    message = BackMsg(
        rerun_script=ClientState(
            query_string=query_string,
            page_name=page_name,
            page_script_hash=page_script_hash,
            fragment_id=fragment_id,
            is_auto_rerun=is_auto_rerun,
            context_info=ContextInfo(timezone=TIMEZONE, timezone_offset=-420, locale="vi-VN", url=url),
        )
    )
    message.rerun_script.widget_states.widgets.extend(widgets or [])
    return message.SerializeToString()


def string_widget(widget_id: str, value: str) -> WidgetState:
    """A selectbox's value: the option as shown (its formatted label)."""
    return WidgetState(id=widget_id, string_value=value)


@dataclass
class Run:
    """One script run as the client saw it, in seconds from its request."""

    kind: str  # "open", "page", "widget", "fragment"
    sent: float  # monotonic
    first_s: float | None = None  # the first message of the run (the server started on it)
    total_s: float | None = None  # script_finished
    exceptions: int = 0
    status: int | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    options: list[str]


@dataclass
class Session:
    base_url: str
    socket: websockets.ClientConnection
    pages: dict[str, str] = field(default_factory=dict)  # url path → page script hash
    widgets: dict[str, Widget] = field(default_factory=dict)  # label → widget, from the last runs
    values: dict[str, WidgetState] = field(default_factory=dict)  # id → the value this client set
    runs: list[Run] = field(default_factory=list)
    exceptions: int = 0
    session_id: str = ""
    page: str = ""
    query_string: str = ""
    closed: bool = False
    _pending: Run | None = None
    _timers: dict[str, asyncio.Task] = field(default_factory=dict)
    _reader: asyncio.Task | None = None
    auto_rerun: bool = True

    # ---------------------------------------------------------------- opening, closing

    @classmethod
    async def connect(cls, base_url: str, *, auto_rerun: bool = True) -> Session:
        parts = urlsplit(base_url)
        socket = await websockets.connect(
            f"ws://{parts.netloc}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=base_url,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        session = cls(base_url, socket, auto_rerun=auto_rerun)
        session._reader = asyncio.create_task(session._read())
        return session

    @classmethod
    def open(cls, base_url: str, page: str = "", query_string: str = "", **options) -> _Opening:
        """`async with Session.open(...)`: connect, run the page once, close on exit."""
        return _Opening(cls, base_url, page, query_string, options)

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        await self.socket.close()
        if self._reader:
            self._reader.cancel()

    # ---------------------------------------------------------------- what a person does

    async def load(self, page: str = "", query_string: str = "", timeout_s: float = 120) -> Run:
        """The first run of `page` (its URL path), as a browser opening the link."""
        self.page, self.query_string = page, query_string
        url = f"{self.base_url}/{page}" + (f"?{query_string}" if query_string else "")
        return await self._rerun("open", timeout_s, query_string=query_string, page_name=page, url=url)

    async def switch_page(self, page: str, timeout_s: float = 120) -> Run:
        """A click on `page` in the sidebar: a run of its script in this session."""
        if page not in self.pages:
            raise ClientError(f"the app has no page {page!r} (it has {', '.join(self.pages)})")
        self.page, self.query_string = page, ""
        return await self._rerun("page", timeout_s, page_script_hash=self.pages[page], url=f"{self.base_url}/{page}")

    async def choose(self, label: str, option: str, timeout_s: float = 120) -> Run:
        """Pick `option` (as shown) in the selectbox labelled `label`."""
        widget = self.widget(label)
        if option not in widget.options:
            raise ClientError(f"{label!r} has no option {option!r}")
        self.values[widget.id] = string_widget(widget.id, option)
        return await self._rerun("widget", timeout_s, page_script_hash=self.pages.get(self.page, ""))

    def widget(self, label: str) -> Widget:
        if label not in self.widgets:
            raise ClientError(f"no widget labelled {label!r} on the page (seen: {', '.join(self.widgets)})")
        return self.widgets[label]

    # ---------------------------------------------------------------- the protocol

    def _start(self, kind: str) -> Run:
        if self._pending is not None:
            # A fragment's run still going when a person acts: the browser does not wait
            # for it either; the new run's end is what the person waits for.
            self._pending.done.set()
        run = self._pending = Run(kind, time.monotonic())
        return run

    async def _rerun(self, kind: str, timeout_s: float, **client_state) -> Run:
        run = self._start(kind)
        query_string = client_state.pop("query_string", self.query_string)
        await self.socket.send(
            rerun_message(query_string=query_string, widgets=list(self.values.values()), **client_state)
        )
        try:
            await asyncio.wait_for(run.done.wait(), timeout_s)
        except TimeoutError:
            raise ClientError(f"{kind} run of /{self.page} did not finish within {timeout_s:.0f} s") from None
        self.runs.append(run)
        if run.status not in (FINISHED, FRAGMENT_FINISHED):
            raise ClientError(f"{kind} run of /{self.page} ended with status {run.status}")
        return run

    async def _fragment(self, fragment_id: str, interval: float) -> None:
        # The browser's timer for `st.fragment(run_every=...)`: ask, wait, ask again.
        while True:
            await asyncio.sleep(interval)
            if self._pending is None:  # never on top of a run this client is waiting for
                run = self._start("fragment")
                await self.socket.send(
                    rerun_message(
                        query_string=self.query_string,
                        page_script_hash=self.pages.get(self.page, ""),
                        widgets=list(self.values.values()),
                        fragment_id=fragment_id,
                        is_auto_rerun=True,
                    )
                )
                try:
                    await asyncio.wait_for(run.done.wait(), 120)
                except TimeoutError:
                    pass
                if self._pending is run:
                    self._pending = None
                if run.total_s is not None:
                    self.runs.append(run)

    async def _read(self) -> None:
        try:
            async for frame in self.socket:
                message = ForwardMsg()
                message.ParseFromString(frame)
                self._receive(message)
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass
        finally:
            # Whoever waits for a run learns now that it will not finish (status None).
            self.closed = True
            if self._pending is not None:
                self._pending.done.set()

    def _receive(self, message: ForwardMsg) -> None:
        run = self._pending
        if run and run.first_s is None:
            run.first_s = time.monotonic() - run.sent
        kind = message.WhichOneof("type")
        if kind == "new_session":
            # Sent at the start of every run, a fragment's too: widgets seen before stay known.
            if message.new_session.initialize.session_id:
                self.session_id = message.new_session.initialize.session_id
        elif kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._element(message.delta.new_element, run)
        elif kind == "auto_rerun" and self.auto_rerun:
            fragment = message.auto_rerun.fragment_id
            if fragment not in self._timers:
                self._timers[fragment] = asyncio.create_task(self._fragment(fragment, message.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            for fragment in message.stop_auto_rerun.fragment_ids:
                if timer := self._timers.pop(fragment, None):
                    timer.cancel()
        elif kind == "script_finished" and run is not None:
            status = message.script_finished
            # A run cut short by the next one (a fragment's, or a rerun the page asked
            # for) is not the end of the request: its successor finishes it.
            if status == INTERRUPTED:
                return
            if run.kind == "fragment" and status != FRAGMENT_FINISHED:
                return
            if run.kind != "fragment" and status == FRAGMENT_FINISHED:
                return
            run.status, run.total_s = status, time.monotonic() - run.sent
            self._pending = None
            run.done.set()

    def _element(self, element, run: Run | None) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions += 1
            if run:
                run.exceptions += 1
        elif kind == "selectbox":
            box = element.selectbox
            self.widgets[box.label] = Widget(box.id, kind, box.label, list(box.options))
        elif kind == "button_group":
            group = element.button_group
            self.widgets[group.label] = Widget(group.id, kind, group.label, [o.content for o in group.options])


@dataclass
class _Opening:
    cls: type[Session]
    base_url: str
    page: str
    query_string: str
    options: dict
    session: Session | None = None

    async def __aenter__(self) -> Session:
        self.session = await self.cls.connect(self.base_url, **self.options)
        try:
            await self.session.load(self.page, self.query_string)
        except BaseException:
            await self.session.close()
            raise
        return self.session

    async def __aexit__(self, *exc) -> None:
        if self.session:
            await self.session.close()
