"""Character bigrams for Chinese search (docs/architecture.md, "Stack notes").

Shared by the page search field (cms) and the public search index (cases.searchindex).

Wagtail's database search backends (SQLite FTS5, PostgreSQL) do not segment
Chinese: a run of CJK characters is one token, so `污水` is not found inside
`某化工厂夜间偷排污水`. Pages store the overlapping bigrams of every CJK run (plus
ASCII words) in an indexed field, and a query is turned into its own bigrams and
searched with AND: every bigram of the query must occur in the page.
"""

import re
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_TOKEN = re.compile(f"([{_CJK}]+)|([0-9A-Za-z]+)")


def tokens(text: str) -> list[str]:
    """Bigrams of each CJK run (a one-character run stays as it is) and lower-case
    ASCII words, in order of first appearance, without repeats."""
    found: dict[str, None] = {}
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text or "")):
        run, word = match.groups()
        if word:
            found[word.lower()] = None
        elif len(run) == 1:
            found[run] = None
        else:
            for i in range(len(run) - 1):
                found[run[i:i + 2]] = None
    return list(found)


def index_text(text: str) -> str:
    """The value stored in a page's `search_bigrams` field."""
    return " ".join(tokens(text))
