"""Text from data (agency, unit, field and procedure names, link parameters, file names)
shown as text: Streamlit renders Markdown in st.markdown, st.caption, st.write, alerts and
labels, so a name such as "[Bấm vào đây](http://evil.example)" would otherwise become a
live link on the wall or in a report list."""

from __future__ import annotations

import re

# Every ASCII punctuation mark CommonMark lets a backslash escape, and that Markdown,
# GitHub's extensions or Streamlit's own directives (":red[...]", ":material/x:", "$x$")
# give a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")
# Bare URLs and e-mail addresses are linked after escapes are read (GitHub's autolink
# literals work on the text itself): an invisible word joiner after "http:", "www" and
# "@" keeps them text, and the name looks the same.
_LINKABLE = re.compile(r"(?i)(:|@|\bwww)")
WORD_JOINER = "\u2060"


def md(value: object) -> str:
    """`value` as literal text inside Markdown; empty for None."""
    if value is None:
        return ""
    text = _SPECIAL.sub(r"\\\1", str(value))
    text = _LINKABLE.sub(lambda match: match.group(0) + WORD_JOINER, text)
    # a line break would end a heading or a list item and start another block
    return re.sub(r"\s*\n\s*", " ", text)
