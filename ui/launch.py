"""Start the dashboard: `python -m ui.launch run app.py [streamlit options]`, which is
`streamlit run` with one difference.

Streamlit runs a script with a `pages/` folder beside it the old (v1) multipage way until
the script has called `st.navigation` once in the process. The first session after a
start therefore looks `/phan-tich` up among the files of pages/ (explorer.py...), finds
nothing, sends "Page not found", and only then runs app.py, whose `st.navigation` shows
the right page under the dialog (streamlit/streamlit#8860, #9992). This app routes with
`st.navigation` only, so it says so before the server starts. The other way out is to
rename pages/ (views/, as Streamlit suggests), which every page path would follow.
"""

from __future__ import annotations

import sys


def routes_with_navigation_only() -> bool:
    """Tell Streamlit the pages/ folder is not a v1 multipage app; False if this Streamlit
    has no such switch (then the dialog may show once, nothing worse)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return False
    if not hasattr(PagesManager, "uses_pages_directory"):
        return False
    PagesManager.uses_pages_directory = False
    return True


def main() -> None:
    routes_with_navigation_only()
    from streamlit.web.cli import main as streamlit_main

    sys.argv[0] = "streamlit"
    streamlit_main()


if __name__ == "__main__":
    main()
