"""Transparency pages: the task ledger with its wall chart, the progress dashboard,
the referral batch disclosure tables and the public case list with its map."""

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cases.models import RectificationTask, TaskState
from cases.programme.public import handle_objection, notice_rows, public_evidence_file, rate_limited
from cases.views.common import too_many
from cms.counters import live_counters
from cms.dashboard import dashboard_charts
from cms.disclosure import batch_csv, batches, find_batch, source_slug
from cms.fragments import deferred
from cms.ledger import task_detail
from cms.page_context import (
    batch_index_context,
    batch_table_context,
    geojson_response,
    ledger_context,
    public_cases_context,
)
from cms.public_cases import CaseFilter, csv_export
from cms.slugs import ReadableSlugMixin

from .search import BigramSearchMixin

HOME_ONLY = ["cms.HomePage"]
PER_PAGE = 20


class TransparencyPage(RoutablePageMixin, ReadableSlugMixin, BigramSearchMixin, Page):
    """Shared shape: an introduction, a single instance under the home page.

    Sub-URLs end with a slash and have no dots (Wagtail's page URL pattern): the
    open data files are `csv/` and `geojson/`; their file names come from
    Content-Disposition."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, *BigramSearchMixin.bigram_search_fields]
    bigram_fields = ("title", "search_description", "intro")
    parent_page_types = HOME_ONLY
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        abstract = True

    def extra_sitemap_paths(self, request=None) -> list[str]:
        return []

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        lastmod = urls[0]["lastmod"] if urls else None
        return urls + [{"location": base + p, "lastmod": lastmod} for p in self.extra_sitemap_paths(request)]


class TaskLedgerPage(TransparencyPage):
    class Meta:
        verbose_name = _("task ledger")

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request, context_overrides=deferred(ledger_context, self, request))

    @path("task/<int:number>/", name="task")
    def task_route(self, request, number):
        detail = task_detail(number, timezone.localdate())
        if detail is None:
            raise Http404
        return self.render(request, template="cms/task_detail.html", context_overrides=detail)

    @path("notices/", name="notices")
    def notices_route(self, request):
        return self.render(request, template="cms/task_notices.html", context_overrides={"rows": notice_rows()})

    @path("task/<int:number>/objection/", name="objection")
    def objection_route(self, request, number):
        task = RectificationTask.objects.filter(number=number, state=TaskState.NOTICE).first()
        if task is None:
            raise Http404
        if request.method == "POST" and rate_limited(request):
            return too_many(request)
        form, sent = handle_objection(request, task)
        return self.render(request, template="cms/task_objection.html",
                           context_overrides={"task": task, "form": form, "sent": sent,
                                              "captcha_required": form.captcha_required})

    @path("task/<int:number>/evidence/<int:evidence_id>/", name="evidence")
    def evidence_route(self, request, number, evidence_id):
        task = RectificationTask.objects.filter(number=number).first()
        if task is None:
            raise Http404
        return public_evidence_file(task, evidence_id)

    def extra_sitemap_paths(self, request=None):
        return [self.reverse_subpage("task", args=[n])
                for n in RectificationTask.objects.values_list("number", flat=True)]


class ProgressDashboardPage(TransparencyPage):
    class Meta:
        verbose_name = _("progress dashboard")

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request, context_overrides=deferred(
            lambda: {"charts": dashboard_charts(), "counters": live_counters()}))

    @path("data/", name="data")
    def data_route(self, request):
        return JsonResponse({"charts": dashboard_charts()}, json_dumps_params={"ensure_ascii": False})


class BatchDisclosureIndexPage(TransparencyPage):
    class Meta:
        verbose_name = _("referral batch disclosure")

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request, context_overrides=deferred(batch_index_context, self))

    @path("<slug:source>/<int:number>/", name="batch")
    def batch_route(self, request, source, number):
        batch = find_batch(source, number)
        if batch is None:
            raise Http404
        return self.render(request, template="cms/batch_table.html",
                           context_overrides={"batch": batch,
                                              **deferred(batch_table_context, self, batch, source, number)})

    @path("<slug:source>/<int:number>/csv/", name="batch_csv")
    def batch_csv_route(self, request, source, number):
        batch = find_batch(source, number)
        if batch is None:
            raise Http404
        return batch_csv(batch)

    def extra_sitemap_paths(self, request=None):
        return [self.reverse_subpage("batch", args=[source_slug(b), b.number]) for b in batches()]


class PublicCaseIndexPage(TransparencyPage):
    class Meta:
        verbose_name = _("public case list")

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request, context_overrides=public_cases_context(self, request))

    @path("csv/", name="csv")
    def csv_route(self, request):
        return csv_export(CaseFilter.from_query(request.GET))

    @path("geojson/", name="geojson")
    def geojson_route(self, request):
        return geojson_response(request)
