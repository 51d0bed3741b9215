"""Rectification news (整改动态): an index with an RSS feed, and news pages."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.feeds import NewsFeed
from cms.fragments import deferred
from cms.slugs import ReadableSlugMixin

from .search import BigramSearchMixin

PER_PAGE = 10


class NewsIndexPage(RoutablePageMixin, ReadableSlugMixin, BigramSearchMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, *BigramSearchMixin.bigram_search_fields]
    bigram_fields = ("title", "search_description", "intro")
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")

    def news(self):
        return NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")

    def news_page(self, tag: str, number) -> dict:
        items = self.news()
        if tag:
            items = items.filter(tags__name=tag)
        return {"page_obj": Paginator(items, PER_PAGE).get_page(number)}

    @path("")
    def index_route(self, request, *args, **kwargs):
        tag = request.GET.get("tag", "").strip()
        extra_query = urlencode({"tag": tag}) if tag else ""
        # The list is computed only when its fragment is not cached (cms/fragments.py).
        return self.render(request, context_overrides={
            "tag": tag, "extra_query": extra_query, **deferred(self.news_page, tag, request.GET.get("page"))})

    @path("feed/", name="feed")
    def feed(self, request):
        return NewsFeed(self)(request)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(ReadableSlugMixin, BigramSearchMixin, Page):
    date = models.DateField(_("publication date"), default=timezone.localdate)
    intro = models.TextField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("intro"), FieldPanel("body"),
                      FieldPanel("tags")]
    search_fields = [
        *Page.search_fields, index.SearchField("intro"), index.SearchField("body"), index.FilterField("date"),
        *BigramSearchMixin.bigram_search_fields,
    ]
    bigram_fields = ("title", "search_description", "intro", "body")
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news page")
        verbose_name_plural = _("news pages")

    def summary(self) -> str:
        return self.intro or self.search_description

    def og_type(self) -> str:
        return "article"
