"""Filters that live in the link: a copied URL reopens the same view.

Streamlit's own `bind="query-params"` writes an option's *displayed* label into the
URL, so a link would change with the language and carry long unit names; here the
link carries codes (`?district=171&field=G09-TP04`) and the widgets show names.
Each widget's state is seeded from the link before it is drawn, and the values are
written back once all of them are drawn. Widget keys are scoped by page, so that
`?period=` on two pages with different choices never share one state.

A link is typed, copied and edited by people: a value that is not one of the choices
(`?kpi=bogus`, `?days=45`, `?from=1900-01-01`) is replaced by the default (or clamped to
the range) and the page says so quietly, never with a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

import streamlit as st

from ui.i18n import tr
from ui.text import md


class UrlState:
    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.defaults: dict[str, Any] = {}
        self.rejected: dict[str, tuple[str, Any]] = {}  # param -> (the link's value, the value used)

    def key(self, param: str) -> str:
        return f"{self.scope}.{param}"

    def seed(
        self,
        param: str,
        *,
        default: Any = None,
        options: Collection[Any] | None = None,
        parse: Callable[[str], Any] = str,
        clamp: tuple[Any, Any] | None = None,
    ) -> str:
        """The widget key for `param`, its state seeded from the link on first use; a value
        the widget does not offer falls back to the default, one outside `clamp` to its
        nearest end (a widget given a value outside its range would raise)."""
        key = self.key(param)
        self.defaults[param] = default
        current = st.session_state.get(key)
        if key in st.session_state and (options is None or current in options or current is None):
            return key
        if key in st.session_state:
            st.session_state[key] = default
        else:
            st.session_state[key] = self.get(param, default=default, options=options, parse=parse, clamp=clamp)
        return key

    def get(
        self,
        param: str,
        *,
        default: Any = None,
        options: Collection[Any] | None = None,
        parse: Callable[[str], Any] = str,
        clamp: tuple[Any, Any] | None = None,
    ) -> Any:
        """The link's value of `param` if it is one of the choices, else the default (noted)."""
        raw = st.query_params.get(param)
        if raw in (None, ""):
            return default
        try:
            value = parse(raw)
        except (ValueError, TypeError, OverflowError):
            value = default
            self.rejected[param] = (raw, default)
        if clamp is not None and value is not None and not clamp[0] <= value <= clamp[1]:
            value = min(max(value, clamp[0]), clamp[1])
            self.rejected[param] = (raw, value)
        if options is not None and value not in options:
            value = default
            self.rejected[param] = (raw, default)
        return value

    def note(self) -> None:
        """A quiet line naming each link value that was not used, and what was used instead."""
        if not self.rejected:
            return
        # a pasted value can be long: enough of it to recognise
        parts = [
            f"{param}={md(raw if len(raw) <= 60 else raw[:59] + '…')} → {md(_shown(used)) or tr('mặc định', 'default')}"
            for param, (raw, used) in self.rejected.items()
        ]
        st.caption(
            tr("Liên kết có giá trị không hợp lệ, đã dùng giá trị khác: ", "Link values not valid here, replaced: ")
            + "; ".join(parts)
        )
        self.rejected.clear()

    def value(self, param: str) -> Any:
        return st.session_state.get(self.key(param))

    def write(self) -> None:
        """Each seeded widget's value into the link; a default value leaves it out."""
        for param, default in self.defaults.items():
            value = st.session_state.get(self.key(param))
            if value is None or value == default:
                if param in st.query_params:
                    del st.query_params[param]
                continue
            text = value.isoformat() if isinstance(value, date) else str(value)
            if st.query_params.get(param) != text:
                st.query_params[param] = text
        self.note()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def parse_int(text: str) -> int:
    return int(text.strip())
