"""Filters that live in the link: a copied URL reopens the same view.

Streamlit's own `bind="query-params"` writes an option's *displayed* label into the
URL, so a link would change with the language and carry long unit names; here the
link carries codes (`?district=171&field=G09-TP04`) and the widgets show names.
Each widget's state is seeded from the link before it is drawn, and the values are
written back once all of them are drawn. Widget keys are scoped by page, so that
`?period=` on two pages with different choices never share one state.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

import streamlit as st


class UrlState:
    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.defaults: dict[str, Any] = {}

    def key(self, param: str) -> str:
        return f"{self.scope}.{param}"

    def seed(self, param: str, *, default: Any = None, options: Collection[Any] | None = None,
             parse: Callable[[str], Any] = str) -> str:
        """The widget key for `param`, its state seeded from the link on first use; a value
        the widget does not offer falls back to the default."""
        key = self.key(param)
        self.defaults[param] = default
        current = st.session_state.get(key)
        if key in st.session_state and (options is None or current in options or current is None):
            return key
        raw = st.query_params.get(param)
        value = default
        if raw not in (None, "") and key not in st.session_state:
            try:
                value = parse(raw)
            except ValueError:
                value = default
        if options is not None and value not in options:
            value = default
        st.session_state[key] = value
        return key

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


def parse_date(text: str) -> date:
    return date.fromisoformat(text)
