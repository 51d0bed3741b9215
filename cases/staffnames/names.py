"""Joining a given name and a family name the way the person writes them."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")


def join_name(given: str, family: str) -> str:
    """Chinese names are written family name first, without a space ("李" + "娜" → "李娜");
    other names keep the given name first, with a space."""
    given, family = (given or "").strip(), (family or "").strip()
    if _CJK.search(given + family):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)


def display_name(user) -> str:
    """The name to show for a staff user: the full name, else the username."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""
