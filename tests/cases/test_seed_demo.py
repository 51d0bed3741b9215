"""manage.py seed_demo: the situation of PRODUCT §1 follows from the data, built through
the services, and a second run changes nothing.

One test seeds once (then again for idempotency) and checks everything: seeding takes
most of the time, so it is not repeated per check. The referral cases and tasks are
seeded in full; the citizen reports at a quarter of the default 300, which still
gives every state (each state keeps at least one case).
"""

import io
from datetime import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page, Site

from cases import figures, roles
from cases.models import Case, CaseSource, CaseState, Category, Clock, ReferralBatch, Township
from cases.routing import invalidate_township_index
from cms.models import HomePage, StandardPage

NOW = "2026-11-29T10:00:00+08:00"
CITIZEN_CASES = 80
REFERRALS = (CaseSource.CENTRAL, CaseSource.PROVINCIAL)


@pytest.fixture(autouse=True)
def _forget_demo_townships():
    """The township index is cached per process; the demo rows are rolled back."""
    yield
    invalidate_township_index()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def _check_headline_counters(now: datetime) -> None:
    tasks = figures.task_figures(now.date())
    assert (tasks.total, tasks.completed) == (18, 12)
    central = figures.referral_figures(CaseSource.CENTRAL)
    assert (central.received, central.closed, central.in_progress) == (153, 152, 1)
    provincial = figures.referral_figures(CaseSource.PROVINCIAL)
    assert (provincial.received, provincial.closed) == (15, 15)
    assert ReferralBatch.objects.filter(source=CaseSource.CENTRAL).count() == 8


def _check_open_central_case_on_schedule(now: datetime) -> None:
    case = Case.objects.get(source=CaseSource.CENTRAL, state=CaseState.IN_PROGRESS)
    assert not case.is_overdue
    running = Clock.objects.filter(case=case, stopped_at__isnull=True)
    assert running.exists(), "the open case has a running handling clock"
    assert not running.filter(due_at__lt=now).exists()


def _check_citizen_spread() -> None:
    citizen = Case.objects.exclude(source__in=REFERRALS)
    assert citizen.count() == CITIZEN_CASES
    assert set(citizen.values_list("state", flat=True)) == set(CaseState.values)
    assert Township.objects.count() >= 8
    for town in Township.objects.all():
        assert Case.objects.filter(township=town).exists(), town.name
    for root in Category.objects.filter(parent__isnull=True):
        assert citizen.filter(category=root).exists(), root.code
    assert citizen.filter(township__isnull=True).exists(), "some pins fall outside the city"
    assert citizen.filter(is_overdue=True).exists()
    assert citizen.filter(reopen_count__gt=0).exists()
    assert citizen.filter(assignments__role="co").exists(), "joint cases with co-departments"
    assert citizen.filter(is_public=True).exclude(public_summary="").exists()


def _check_users_and_site() -> None:
    users = get_user_model().objects.filter(username__startswith="demo_", is_staff=True)
    for role in roles.ROLE_LABELS:
        assert users.filter(groups__name=role).exists(), role
    assert users.get(username="demo_admin").is_superuser
    for role in roles.ROLE_LABELS:
        assert Group.objects.get(name=role).permissions.filter(codename="access_admin").exists(), role
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(home, HomePage)
    assert list(Page.objects.filter(depth=2)) == [home.page_ptr], "the stock welcome page is gone"
    assert {p.slug for p in StandardPage.objects.child_of(home)} >= {"how-to-report", "privacy", "about"}
    editor_perms = GroupPagePermission.objects.filter(group__name=roles.EDITOR, page=home.page_ptr)
    # Editors submit; the chief editor (a moderator) approves and publishes.
    assert set(editor_perms.values_list("permission__codename", flat=True)) == {"add_page", "change_page"}
    assert users.get(username="demo_chief_editor").groups.filter(name="moderator").exists()


@pytest.mark.django_db
def test_seed_demo_builds_the_situation_of_product_section_1_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", now=NOW, citizen_cases=CITIZEN_CASES, stdout=out)
    assert f"cases {CITIZEN_CASES}/{CITIZEN_CASES}" in out.getvalue()
    first = _row_counts()

    call_command("seed_demo", now=NOW, citizen_cases=CITIZEN_CASES, stdout=io.StringIO())
    assert _row_counts() == first

    now = datetime.fromisoformat(NOW)
    _check_headline_counters(now)
    _check_open_central_case_on_schedule(now)
    _check_citizen_spread()
    _check_users_and_site()
    _check_programme(now)


def _check_programme(now: datetime) -> None:
    """The 18 tasks came through the programme services: 12 written off after a verification and
    a notice period, 6 in progress with one at risk and the overdue one; evidence files exist."""
    from cases.figures.tasks import task_figures
    from cases.models import EvidenceFile, RectificationTask, TaskEvent, TaskVerification

    figures = task_figures(now.date())
    assert (figures.total, figures.completed, figures.at_risk) == (18, 12, 1)
    assert figures.overdue >= 1 and figures.on_schedule + figures.at_risk + figures.overdue == 6
    written_off = RectificationTask.objects.written_off()
    assert written_off.count() == 12 and TaskVerification.objects.filter(task__in=written_off).count() == 12
    assert all(t.notice_ends_on < t.verified_at.date() for t in written_off)
    assert TaskEvent.objects.filter(kind="write_off").count() == 12
    assert EvidenceFile.objects.filter(kind="photo", is_public=True).exists()
    assert EvidenceFile.objects.filter(kind="pdf").exists()
