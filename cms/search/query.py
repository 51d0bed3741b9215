"""The search query: cleaned, cut to size, split into bigram terms, and any exact
identifier it holds (a reference such as HB2026-000123, an original case code such
as D3SX202505280018)."""

import re
import unicodedata
from dataclasses import dataclass

from cms.bigrams import tokens

MAX_QUERY = 100
MAX_TERMS = 30
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_REFERENCE = re.compile(r"^[A-Z]{2}\d{4}-\d{6}$")
_CODE = re.compile(r"^(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,40}$")


@dataclass(frozen=True)
class SearchQuery:
    text: str
    terms: tuple[str, ...]
    identifiers: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.terms or self.identifiers)

    @property
    def only_identifiers(self) -> bool:
        return bool(self.identifiers) and set(self.terms) <= set(tokens(" ".join(self.identifiers)))


def clean(raw: str) -> str:
    """What the visitor typed, safe to store, echo and send to any database: control
    characters (NUL included) removed, NFKC-normalised, cut to MAX_QUERY characters."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", raw or ""))
    return " ".join(text.split())[:MAX_QUERY]


def identifiers(text: str) -> tuple[str, ...]:
    words = re.findall(r"[A-Z0-9-]+", text.upper())
    return tuple(dict.fromkeys(w for w in words if _REFERENCE.match(w) or _CODE.match(w)))


def parse(raw: str) -> SearchQuery:
    text = clean(raw)
    return SearchQuery(text=text, terms=tuple(tokens(text)[:MAX_TERMS]), identifiers=identifiers(text))
