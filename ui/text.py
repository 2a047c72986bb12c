"""Text from data (agency, unit, field and procedure names, link parameters, file names)
shown as text: Streamlit renders Markdown in st.markdown, st.caption, st.write, alerts and
labels, so a name such as "[Bấm vào đây](http://evil.example)" would otherwise become a
live link on the wall or in a report list."""

from __future__ import annotations

import re

# Every ASCII punctuation mark CommonMark lets a backslash escape, and that Markdown,
# GitHub's extensions or Streamlit's own directives (":red[...]", ":material/x:", "$x$")
# give a meaning to; "." and ":" too, so that no bare URL ("www.x.vn", "http://x") links.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")


def md(value: object) -> str:
    """`value` as literal text inside Markdown; empty for None."""
    if value is None:
        return ""
    text = _SPECIAL.sub(r"\\\1", str(value))
    # a line break would end a heading or a list item and start another block
    return re.sub(r"\s*\n\s*", " ", text)
