"""Vietnamese by default, English on `?lang=en`: every label is written in both, side by side.

Pages say `tr("Tổng quan", "Overview")`: the two texts sit together in the page, so
neither language drifts from the other and no key file needs keeping in step.
"""

from __future__ import annotations

import streamlit as st

from ui.formats import Lang

LANGS: tuple[Lang, ...] = ("vi", "en")


def lang() -> Lang:
    # the switch's state once it exists (it is bound to `?lang=`), the link before that
    chosen = st.session_state.get("app.lang") or st.query_params.get("lang", "vi")
    return chosen if chosen in LANGS else "vi"


def tr(vi: str, en: str) -> str:
    return en if lang() == "en" else vi
