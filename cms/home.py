"""What the home page shows besides its own fields: the live counters, the latest
news and typical cases, the standard pages."""

from django.apps import apps
from django.utils.translation import get_language

from cms.caching import cached
from cms.counters import live_counters

LATEST_NEWS = 5
LATEST_TYPICAL = 3
SECTIONS = ("NewsIndexPage", "TypicalCaseIndexPage", "TaskLedgerPage", "ProgressDashboardPage",
            "BatchDisclosureIndexPage", "PublicCaseIndexPage")


def _page_model(name: str):
    # By name from the app registry: the page models call home_context(), so importing
    # cms.models here would be an import cycle.
    return apps.get_model("cms", name)


def _latest(home) -> dict:
    NewsPage, StandardPage, TypicalCasePage = (  # noqa: N806 - model classes
        _page_model(name) for name in ("NewsPage", "StandardPage", "TypicalCasePage"))
    news = list(NewsPage.objects.live().public().descendant_of(home).order_by("-date", "-pk")[:LATEST_NEWS])
    typical = list(TypicalCasePage.objects.live().public().descendant_of(home)
                   .select_related("after_image", "category", "township")
                   .order_by("-first_published_at", "-pk")[:LATEST_TYPICAL])
    standard = list(StandardPage.objects.live().public().child_of(home))
    sections = {name: section(home, name) for name in SECTIONS}
    return {"latest_news": news, "latest_typical": typical, "standard_pages": standard, "sections": sections}


def section(home, model_name: str):
    return _page_model(model_name).objects.live().public().child_of(home).first()


def home_context(home) -> dict:
    context = {"counters": live_counters()}
    # Page lists change only on publish: the content version in the key (cms/caching.py).
    context.update(cached("home-latest", lambda: _latest(home), home.pk, get_language(), timeout=300,
                          case_data=False))
    return context
