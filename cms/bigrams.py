"""Character bigrams for Chinese search: defined in cases.searchindex.bigrams (the
public search index needs them and `cases` never imports `cms`)."""

from cases.searchindex.bigrams import index_text, tokens

__all__ = ["index_text", "tokens"]
