"""Typical cases (典型案例): stories with before/after photos and the live state of
the case they tell about."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cases.models import CaseState
from cms.blocks import BodyBlock
from cms.choosers import case_chooser_viewset
from cms.fragments import deferred
from cms.slugs import ReadableSlugMixin

from .search import BigramSearchMixin

PER_PAGE = 12
LINKABLE_CASES = {"state__in": sorted(CaseState.RESOLVED)}


class TypicalCasePageForm(WagtailAdminPageForm):
    """The linked case is chosen in a searchable chooser among resolved cases, public or
    not (cms/choosers.py). A page telling about a case that is not public stays a draft:
    publishing it (or approving it for publication) asks for the case to be made public."""

    def clean(self):
        cleaned = super().clean()
        case = cleaned.get("linked_case")
        if case is not None and not case.is_public and self._publishes():
            self.add_error("linked_case", _(
                "Case %(reference)s is not public yet. Ask the intake desk to make it public (with a public "
                "summary) on the case page, then publish this typical case. You can save it as a draft now.")
                % {"reference": case.reference})
        return cleaned

    def _publishes(self) -> bool:
        """Publish now, or approve the last step of the workflow (which publishes)."""
        return bool(self.data.get("action-publish")) or self.data.get("workflow-action-name") == "approve"


class TypicalCaseIndexPage(ReadableSlugMixin, BigramSearchMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, *BigramSearchMixin.bigram_search_fields]
    bigram_fields = ("title", "search_description", "intro")
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.TypicalCasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("typical case index")

    def stories(self):
        return (TypicalCasePage.objects.live().public().child_of(self)
                .select_related("category", "township", "linked_case", "after_image", "before_image")
                .order_by("-first_published_at", "-pk"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        number = request.GET.get("page")
        context.update(deferred(lambda: {"page_obj": Paginator(self.stories(), PER_PAGE).get_page(number)}))
        return context


class TypicalCasePage(ReadableSlugMixin, BigramSearchMixin, Page):
    intro = models.TextField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    before_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("photo before"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    after_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("photo after"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    linked_case = models.ForeignKey("cases.Case", verbose_name=_("linked case"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    limit_choices_to=LINKABLE_CASES)
    category = models.ForeignKey("cases.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 limit_choices_to={"parent__isnull": True})
    township = models.ForeignKey("cases.Township", verbose_name=_("township"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    content_panels = [
        *Page.content_panels, FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("before_image"), FieldPanel("after_image")], heading=_("Before and after")),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("linked_case", widget=case_chooser_viewset.widget_class),
                         FieldPanel("category"), FieldPanel("township")],
                        heading=_("Case and tags")),
    ]
    search_fields = [
        *Page.search_fields, index.SearchField("intro"), index.SearchField("body"),
        *BigramSearchMixin.bigram_search_fields,
    ]
    bigram_fields = ("title", "search_description", "intro", "body")
    parent_page_types = ["cms.TypicalCaseIndexPage"]
    subpage_types = []
    base_form_class = TypicalCasePageForm

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def public_case(self):
        """The linked case as the public may see it, or None: its live state always,
        its summary only while an intake officer keeps it public."""
        case = self.linked_case
        if case is None or not case.is_public or case.state == CaseState.MERGED:
            return None
        return case

    def summary(self) -> str:
        return self.intro or self.search_description

    def bigram_source_text(self) -> str:
        """The page's text and, while the linked case is public, its reference and
        original code: a typical case is found by the case it tells about."""
        text = super().bigram_source_text()
        case = self.public_case()
        return text + (f"\n{case.reference} {case.original_code}" if case else "")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["case"] = self.public_case()
        return context
