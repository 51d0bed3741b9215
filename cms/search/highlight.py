"""Highlighted excerpts: the part of a text around the first match, with every
occurrence of a query term marked (<mark>), everything else escaped."""

import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONTEXT = 60
LENGTH = 160


def _covered(folded: str, terms) -> list[bool]:
    mask = [False] * len(folded)
    for term in terms:
        start = folded.find(term)
        while start != -1:
            for i in range(start, start + len(term)):
                mask[i] = True
            start = folded.find(term, start + 1)
    return mask


def _fold(text: str) -> str:
    """Lower-case NFKC per character, so that positions stay those of `text`."""
    if unicodedata.is_normalized("NFKC", text) and len(lowered := text.lower()) == len(text):
        return lowered  # the usual case, without a call per character
    return "".join(c if len(n := unicodedata.normalize("NFKC", c).lower()) != 1 else n for c in text)


def excerpt(text: str, terms) -> SafeString:
    """Up to LENGTH characters of `text` around its first match, matches in <mark>."""
    text = " ".join((text or "").split())
    terms = [t.lower() for t in terms if t]
    mask = _covered(_fold(text), terms)
    first = mask.index(True) if True in mask else 0
    start = max(0, first - CONTEXT) if len(text) > LENGTH else 0
    end = min(len(text), start + LENGTH)
    parts, i = [], start
    while i < end:
        j = i
        while j < end and mask[j] == mask[i]:
            j += 1
        chunk = escape(text[i:j])
        parts.append(f"<mark>{chunk}</mark>" if mask[i] else chunk)
        i = j
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return mark_safe(prefix + "".join(parts) + suffix)
