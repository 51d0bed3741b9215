"""Scorecard numbers against counts worked out by hand from cases with known
timings, including an extended case and a reopened one (PRODUCT §4.3)."""

import io
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases import actions, extensions, results
from cases.models import Case, ClockKind, Feedback
from cases.sweep import sweep
from cases.workbench.scorecard import Period, scorecard
from tests.workbench.helpers import body_text

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, 0, tzinfo=SH)


def handled(case, handler, intake, accept, submit, close):
    case = actions.accept(case, handler, now=accept)
    case = results.submit_result(case, handler, findings="f", reply="r", now=submit)
    return results.close(case, intake, now=close)


@pytest.fixture
def seeded(city, new_case):
    """Timings (accept clock: 2 working days; handling: 15 working days):

    1 env  accepted on time, result on time, closed 03-05          → closed on time
    2 env  accepted 03-09 (due 03-04: late), result 04-20 (late)   → closed late
    3 env  extended 03-20 to 04-15; result 04-08 (after the original
           due 03-23, before the new one)                           → closed on time
    4 env  closed 03-11, reopened 04-10, result 04-12, closed 04-13 → closed on time, 1 reopen
    5 env  returned 03-03, dispatched to water 03-04, accepted      → env 1 returned; water open, overdue
    6 water accepted, transferred to env 03-10, env accepted 03-11  → water 1 transferred; env open, overdue
    Feedback in the period: case 1 satisfied (3), case 2 unsatisfied (1).
    """
    intake, env, water = city.intake, city.env_handler, city.water_handler
    t0 = at(3, 2, 9)
    c = {i: new_case(now=t0) for i in (1, 2, 3, 4, 5)}
    c[6] = new_case(category=city.water_cat, now=t0)
    handled(c[1], env, intake, at(3, 2), at(3, 4), at(3, 5))
    handled(c[2], env, intake, at(3, 9), at(4, 20), at(4, 21))
    actions.accept(c[3], env, now=at(3, 2))
    ext = extensions.request_extension(Case.objects.get(pk=c[3].pk), env, datetime(2026, 4, 15, 23, 59, 59, tzinfo=SH),
                                       "需要监测", "需要监测", now=at(3, 20))
    extensions.approve_extension(ext, intake, now=at(3, 20, 15))
    results.close(results.submit_result(Case.objects.get(pk=c[3].pk), env, findings="f", reply="r",
                                        now=at(4, 8)), intake, now=at(4, 9))
    handled(c[4], env, intake, at(3, 2), at(3, 10), at(3, 11))
    reopened = results.reopen(Case.objects.get(pk=c[4].pk), intake, "仍有异味", "unsatisfied", now=at(4, 10))
    results.close(results.submit_result(reopened, env, findings="f", reply="r", now=at(4, 12)), intake, now=at(4, 13))
    returned = actions.return_case(c[5], env, "不归我们管", now=at(3, 3))
    actions.accept(actions.dispatch(returned, intake, city.water, now=at(3, 4)), water, now=at(3, 5))
    actions.accept(c[6], water, now=at(3, 3))
    moved = actions.transfer(Case.objects.get(pk=c[6].pk), intake, city.env, "属环境局", now=at(3, 10))
    actions.accept(moved, env, now=at(3, 11))
    Feedback.objects.create(case=c[1], rating=3, created_at=at(3, 20))
    Feedback.objects.create(case=c[2], rating=1, created_at=at(4, 22))
    sweep(now=at(6, 1))  # marks the open cases (5 and 6) overdue
    return c


EXPECTED = {  # worked out by hand from the timings above
    "env": {"received": 6, "accepted": 5, "accepted_on_time": 4, "closed": 4, "closed_on_time": 3,
            "overdue_now": 1, "returned": 1, "transferred": 0, "reopened": 1, "satisfaction": 2},
    "water": {"received": 2, "accepted": 2, "accepted_on_time": 2, "closed": 0, "closed_on_time": 0,
              "overdue_now": 1, "returned": 0, "transferred": 1, "reopened": 0, "satisfaction": 0},
}
PERIOD = Period.from_dates(date(2026, 3, 1), date(2026, 4, 30))


def test_the_extended_case_is_on_time_only_against_its_new_due_time(seeded):
    clock = seeded[3].clocks.filter(kind=ClockKind.HANDLING).get()
    assert clock.original_due_at < clock.stopped_at <= clock.due_at


def test_numbers_match_the_seeded_cases(city, seeded):
    rows = {r.department.code: r for r in scorecard(PERIOD)}
    for dept, expected in (("env", city.env), ("water", city.water)):
        row = rows[expected.code]
        assert {k: row[k] for k in EXPECTED[dept]} == EXPECTED[dept], dept
    assert rows[city.env.code].average_rating == 2.0
    assert rows[city.env.code].on_time_rate == 75.0
    assert rows[city.water.code].on_time_rate is None
    league = [r.department for r in scorecard(PERIOD)]
    assert league[0] == city.env  # the only department with a rate leads the table


def test_a_period_before_anything_happened_is_all_zero(city, seeded):
    for row in scorecard(Period.from_dates(date(2026, 1, 1), date(2026, 1, 31))):
        assert not any(row[k] for k in EXPECTED["env"] if k != "overdue_now")


def test_page_drill_down_and_export(city, seeded, login):
    client = login(city.supervisor)
    response = client.get(reverse("workbench:scorecard") + "?date_from=2026-03-01&date_to=2026-04-30")
    page = body_text(response)
    assert response.status_code == 200 and city.env.name in page
    drill = [a for a in page.split('href="') if "metric=closed_on_time" in a and f"department={city.env.pk}&" in a]
    url = drill[0].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(url).query)["period_from"] == ["2026-03-01"]
    listed = body_text(client.get(url))
    shown = {c.reference for c in Case.objects.all() if f'href="/admin/cases/{c.pk}/"' in listed}
    assert shown == {seeded[1].reference, seeded[3].reference, seeded[4].reference}
    returned = body_text(client.get(reverse("workbench:list") + f"?metric=returned&department={city.env.pk}"
                                    "&period_from=2026-03-01&period_to=2026-04-30"))
    assert f'href="/admin/cases/{seeded[5].pk}/"' in returned
    export = client.get(reverse("workbench:scorecard_export") + "?date_from=2026-03-01&date_to=2026-04-30")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    env_row = next(r for r in rows if r[1] == city.env.name)
    assert env_row[0] == 1 and env_row[2:12] == tuple(EXPECTED["env"].values())


def test_scorecard_is_for_supervisors_and_intake_only(city, login):
    assert login(city.env_head).get(reverse("workbench:scorecard")).status_code == 403
    assert login(city.intake).get(reverse("workbench:scorecard")).status_code == 200


def _screen_table(html: str) -> list[list[str]]:
    from bs4 import BeautifulSoup

    table = BeautifulSoup(html, "html.parser").select_one("table.wb-scorecard")
    return [[cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]


def _same_figure(shown: str, exported) -> bool:
    if exported is None:
        return shown == "—"
    if isinstance(exported, (int, float)):
        return float(shown.rstrip("%")) == float(exported)
    return shown == exported


def test_screen_figures_equal_the_export(city, seeded, login):
    """Every cell on screen equals the export's cell, the average satisfaction included
    (it showed the number of ratings: 2 instead of 2.0 on a 1–3 scale)."""
    client = login(city.supervisor)
    query = "?date_from=2026-03-01&date_to=2026-04-30"
    shown = _screen_table(body_text(client.get(reverse("workbench:scorecard") + query)))
    export = client.get(reverse("workbench:scorecard_export") + query)
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    exported = list(sheet.iter_rows(values_only=True))[1:]
    assert len(shown) == len(exported) >= 2
    for screen_row, export_row in zip(shown, exported, strict=True):
        assert len(screen_row) == len(export_row)
        assert all(_same_figure(a, b) for a, b in zip(screen_row, export_row, strict=True)), (screen_row, export_row)
    env_row = next(r for r in shown if r[1] == city.env.name)
    # average of 3 and 1; two ratings (the column after "reopened"; supervision columns follow it)
    assert env_row[-2] == "2.0" and env_row[11] == "2"
