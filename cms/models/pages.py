"""The home page and standard pages (how to report, privacy notice, about)."""

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.fragments import deferred
from cms.home import home_context
from cms.slugs import ReadableSlugMixin

from .search import BigramSearchMixin

SECTION_PAGE_TYPES = [
    "cms.NewsIndexPage", "cms.TypicalCaseIndexPage", "cms.TaskLedgerPage", "cms.ProgressDashboardPage",
    "cms.BatchDisclosureIndexPage", "cms.PublicCaseIndexPage", "cms.StandardPage",
]
REPORT_URL_NAMES = ("report", "cases:report", "public:report")


def report_url() -> str:
    """The citizen report form, wherever the intake app mounts it."""
    for name in REPORT_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/report/"


class HomePage(ReadableSlugMixin, BigramSearchMixin, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, *BigramSearchMixin.bigram_search_fields]
    bigram_fields = ("title", "search_description", "intro")
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = SECTION_PAGE_TYPES
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(deferred(home_context, self))
        context["report_url"] = report_url()
        return context


class StandardPage(ReadableSlugMixin, BigramSearchMixin, Page):
    body = RichTextField(_("body"))
    updated = models.DateField(_("last reviewed"), null=True, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldPanel("updated")]
    search_fields = [*Page.search_fields, index.SearchField("body"),
                     *BigramSearchMixin.bigram_search_fields]
    bigram_fields = ("title", "search_description", "body")
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
