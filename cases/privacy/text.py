"""Control characters out of text.

A vertical tab or a \\x01 pasted into a description is invisible on a page but makes
openpyxl refuse the whole workbook (every export holding the case failed), and a NUL
is refused by PostgreSQL. Text is cleaned once on the way in (portal/guards.py, for
every form and API field) and again where it is written to a file (exports), for what
was stored before.
"""

import re

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def clean_text(text: str) -> str:
    """`text` with control characters removed (a vertical or form feed becomes a line break)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))
