"""Bigram search field shared by the public page types (cms/bigrams.py)."""

from django.db import models
from django.utils.html import strip_tags
from wagtail.fields import StreamField
from wagtail.search import index

from cms.bigrams import index_text


class BigramSearchMixin(models.Model):
    """Keeps `search_bigrams` in step with the page's text.

    Filled in save() because it is a derived index of the page's own fields (like
    Wagtail's url_path), not business logic: every path that stores page content,
    editing, revisions and publishing, goes through save().
    """

    search_bigrams = models.TextField(editable=False, blank=True, default="")

    bigram_fields: tuple[str, ...] = ("title", "search_description")
    bigram_search_fields = [index.SearchField("search_bigrams")]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.bigram_fields):
            self.search_bigrams = index_text(self.bigram_source_text())
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_bigrams"}
        return super().save(*args, **kwargs)

    def bigram_source_text(self) -> str:
        parts = []
        for name in self.bigram_fields:
            value = getattr(self, name, None)
            if value in (None, ""):
                continue
            field = self._meta.get_field(name)
            if isinstance(field, StreamField):
                parts.extend(strip_tags(str(s)) for s in field.get_searchable_content(value))
            else:
                parts.append(strip_tags(str(value)))
        return "\n".join(parts)
