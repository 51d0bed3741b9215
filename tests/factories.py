"""Factory functions for tests. Append new factories; do not change existing ones' behaviour."""

import itertools
from datetime import date

from django.contrib.auth.models import Group, User

from cases import roles
from cases.calendar_seed import package_year
from cases.models import (
    Category,
    DeadlinePolicy,
    Department,
    RoutingRule,
    StaffProfile,
    Township,
    WorkCalendarDay,
    WorkCalendarYear,
)

_seq = itertools.count(1)


def department(name=None, kind=Department.Kind.BUREAU, **kw) -> Department:
    n = next(_seq)
    return Department.objects.create(code=kw.pop("code", f"dept-{n}"), name=name or f"部门{n}", kind=kind, **kw)


def square(lon0: float, lat0: float, size: float = 0.1) -> dict:
    """A GeoJSON square polygon with its south-west corner at (lon0, lat0)."""
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def township(name=None, boundary=None, government=None, **kw) -> Township:
    n = next(_seq)
    return Township.objects.create(code=kw.pop("code", f"town-{n}"), name=name or f"乡镇{n}",
                                   boundary=boundary or {}, government=government, **kw)


def category(name=None, parent=None, **kw) -> Category:
    n = next(_seq)
    return Category.objects.create(code=kw.pop("code", f"cat-{n}"), name=name or f"类别{n}", parent=parent, **kw)


def rule(department, category=None, township=None, **kw) -> RoutingRule:
    return RoutingRule.objects.create(department=department, category=category, township=township, **kw)


def user(username=None, role=None, department=None, password="pw-Portal-123", **kw) -> User:
    n = next(_seq)
    u = User.objects.create_user(username=username or f"user{n}", password=password, **kw)
    if role:
        u.groups.add(Group.objects.get_or_create(name=role)[0])
    if department is not None or role in (roles.HANDLER, roles.HEAD, roles.INTAKE):
        StaffProfile.objects.create(user=u, department=department)
    return u


def calendar(years=(2025, 2026)) -> None:
    """Seed the official calendar for the given years (idempotent)."""
    for year in years:
        known = package_year(year)
        holidays, workdays = known.days_off, known.workdays
        assert workdays, f"the holidays package has no official schedule for {year}"
        WorkCalendarYear.objects.get_or_create(year=year, defaults={"source": "holidays package"})
        for d, name in holidays:
            WorkCalendarDay.objects.get_or_create(date=d, defaults={"kind": "holiday", "name": name})
        for d, name in workdays:
            WorkCalendarDay.objects.get_or_create(date=d, defaults={"kind": "workday", "name": name})


def provisional_year(year: int) -> None:
    """A year known only by weekends, for tests that need coverage but no holidays."""
    WorkCalendarYear.objects.get_or_create(year=year, defaults={"is_provisional": True})


def default_policies() -> None:
    for clock, amount, unit, limit in [
        ("dispatch", 1, "working", None),
        ("accept", 2, "working", None),
        ("acknowledge", 15, "calendar", 15),
        ("handling", 15, "working", 60),
        ("batch_reply", 10, "calendar", None),
        ("action_item", 10, "working", None),
    ]:
        DeadlinePolicy.objects.get_or_create(clock=clock, source="", category=None,
                                             defaults={"amount": amount, "unit": unit,
                                                       "statutory_limit_days": limit})


def d(s: str) -> date:
    return date.fromisoformat(s)


def site_home(title="首页", slug="home"):
    """A HomePage under the Wagtail root, served by the default Site (idempotent).

    Wagtail's initial migration leaves a placeholder page with the slug "home";
    it is removed so the portal's home page can take its place.
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from cms.models import HomePage

    existing = HomePage.objects.first()
    if existing:
        return existing
    # A transactional test before this one may have flushed the rows Wagtail's migrations made
    # (the default locale and the root page).
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    Page.objects.filter(depth=2, slug=slug).exclude(content_type__model="homepage").delete()
    home = root.add_child(instance=HomePage(title=title, slug=slug))
    site = Site.objects.filter(is_default_site=True).first() or Site(hostname="localhost", is_default_site=True)
    site.root_page = home
    site.save()
    return home


def heartbeat(age_seconds: int = 0):
    """The task worker's heartbeat, `age_seconds` old."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import TaskHeartbeat

    beat, _ = TaskHeartbeat.objects.update_or_create(
        name="worker", defaults={"beat_at": timezone.now() - timedelta(seconds=age_seconds)})
    return beat
