"""The case list: filters, search, sort, export, bulk dispatch, and a query count
that does not grow with the page size or the table size (docs/architecture.md rule 12)."""

import io
import re
from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Assignment, Case
from cases.workbench import paging
from cases.workbench.filters import CaseFilterForm, bound_filter_form, filtered_cases
from cases.workbench.widgets import FastSelect
from tests.workbench.helpers import REPORTER_MARKS, body_text

pytestmark = pytest.mark.django_db


def make_cases(city, count: int, start: int = 0, **fields) -> list[Case]:
    """Many cases at once (bulk_create), each with a lead assignment to 市生态环境局."""
    now = timezone.now()
    cases = Case.objects.bulk_create([
        Case(reference=f"HB2099-{start + i:06d}", category=city.air, township=city.east, description=f"批量案件{i}",
             received_at=now - timedelta(hours=i), state="assigned", lead_department=city.env,
             next_due_at=now + timedelta(days=i % 20), is_overdue=i % 7 == 0, **fields)
        for i in range(count)])
    Assignment.objects.bulk_create([Assignment(case=c, department=city.env, role="lead", assigned_at=now)
                                    for c in cases])
    return cases


def list_queries(client, query: str = "") -> tuple[int, str]:
    url = reverse("workbench:list") + query
    client.get(url)  # warm caches (session, user, roles) like a second page view
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), body_text(response)


@pytest.mark.parametrize("role", ["intake", "env_handler"])
def test_query_count_is_flat_from_10_to_50_rows_and_2000_cases(city, login, role):
    client = login(getattr(city, role))
    make_cases(city, 10)
    ten, page = list_queries(client)
    assert page.count('href="/admin/cases/') >= 10
    make_cases(city, 40, start=10)
    fifty, page = list_queries(client)
    assert "HB2099-000049" in page
    make_cases(city, 1950, start=50)
    many, page = list_queries(client)
    assert "2000" in page  # the total
    print("list queries", ten, fifty, many)
    assert ten == fifty == many, (ten, fifty, many)
    filtered, _ = list_queries(client, f"?state=open&category={city.air.pk}&township={city.east.pk}&q=批量&sort=-due")
    assert filtered <= ten + 3  # one lookup per chosen filter value, independent of rows
    assert ten <= 25


def test_filters_narrow_the_list(city, new_case, login):
    a = new_case(description="河边有人倾倒垃圾", category=city.air)
    b = new_case(route=False, category=city.water_cat, description="水里有油污")
    Case.objects.filter(pk=a.pk).update(is_key_case=True)
    client = login(city.intake)

    def refs(query):
        text = body_text(client.get(reverse("workbench:list") + query))
        return {c.reference for c in (a, b) if f'href="/admin/cases/{c.pk}/"' in text}

    assert refs("") == {a.reference, b.reference}
    assert refs("?state=submitted") == {b.reference}
    assert refs("?state=open") == {a.reference, b.reference}
    assert refs(f"?department={city.env.pk}") == {a.reference}
    assert refs(f"?category={city.water_cat.pk}") == {b.reference}
    assert refs("?key_case=on") == {a.reference}
    assert refs("?q=倾倒") == {a.reference}
    assert refs(f"?q={b.reference}") == {b.reference}
    assert refs("?source=phone") == set()
    assert refs("?due_within=400") == {a.reference, b.reference}
    assert refs("?overdue=on") == set()
    assert refs("?state=nonsense&due_within=abc") == {a.reference, b.reference}  # bad values are ignored


def test_overdue_and_due_soon_are_marked_with_text(city, new_case, login):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(is_overdue=True)
    text = body_text(login(city.intake).get(reverse("workbench:list")))
    assert "wb-due--overdue" in text
    assert "Overdue" in text or "逾期" in text


def test_export_is_scoped_filtered_formula_safe_and_without_reporter(city, new_case, login):
    case = new_case(description="=HYPERLINK(\"http://evil.example\",\"x\")", title="+SUM(A1:A2)")
    other = new_case(route=False, category=city.water_cat)
    response = login(city.env_handler).get(reverse("workbench:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows())
    references = [r[0].value for r in rows[1:]]
    assert references == [case.reference]  # B's / unrouted cases are not in A's export
    cells = {c.value: c for r in rows for c in r if isinstance(c.value, str)}
    formula = cells['=HYPERLINK("http://evil.example","x")']
    assert formula.data_type == "s" and formula.quotePrefix
    assert cells["+SUM(A1:A2)"].data_type == "s"
    text = "\n".join(str(c.value) for r in rows for c in r)
    assert not any(mark in text for mark in REPORTER_MARKS)
    intake = login(city.intake).get(reverse("workbench:export") + f"?category={city.water_cat.pk}")
    sheet = load_workbook(io.BytesIO(b"".join(intake.streaming_content))).active
    assert [r[0].value for r in list(sheet.iter_rows())[1:]] == [other.reference]


@pytest.mark.parametrize("stored", ["排放\x0b刺鼻", "\x01异味", "噪声\x1f\x7f"])
def test_export_survives_control_characters_already_stored(city, new_case, login, stored):
    """Text is cleaned on the way in now; rows stored before must not break every export."""
    case = new_case()
    Case.objects.filter(pk=case.pk).update(description=stored, title=stored)
    response = login(city.env_handler).get(reverse("workbench:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    assert case.reference in values
    assert not any(ch in v for v in values for ch in "\x0b\x01\x1f")  # not allowed in XML


def test_bulk_dispatch_reports_each_case(city, new_case, login):
    first, second = new_case(route=False), new_case(route=False)
    client = login(city.intake)
    response = client.post(reverse("workbench:bulk_dispatch"), {
        "bulk-cases": [f"{first.pk}:{first.version}", f"{second.pk}:{second.version + 5}"],
        "bulk-department": city.water.pk, "back": "state=submitted"})
    assert response.status_code == 302 and response["Location"].endswith("?state=submitted")
    assert Case.objects.get(pk=first.pk).lead_department == city.water
    assert Case.objects.get(pk=second.pk).state == "submitted"  # stale version: reported, not dispatched
    page = body_text(client.get(response["Location"]))
    assert second.reference in page


def test_pagination_is_50_per_page(city, login):
    make_cases(city, 51)
    client = login(city.intake)
    first = body_text(client.get(reverse("workbench:list")))
    second = body_text(client.get(reverse("workbench:list") + "?p=2"))
    assert first.count('href="/admin/cases/') - first.count('href="/admin/cases/?') >= 50
    assert "HB2099-" in second


def test_case_page_query_count_does_not_grow_with_its_history(city, new_case, login):
    from cases.workflow import add_note

    case = new_case()
    client = login(city.env_handler)
    url = reverse("workbench:detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(15):
        add_note(case, city.env_handler if i % 2 else city.supervisor, f"备注{i}")
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert "备注14" in body_text(response)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_default_order_reads_an_index_and_never_the_township_boundaries(city, login):
    """The intake officer's unfiltered list at 100,000 cases sorted the whole table for
    every page (bench finding 4); the order now matches the case_due_order index."""
    make_cases(city, 30)
    Case.objects.filter(pk__in=[c.pk for c in make_cases(city, 5, start=30)]).update(next_due_at=None,
                                                                                      state="closed")
    client = login(city.intake)
    with CaptureQueriesContext(connection) as ctx:
        page = body_text(client.get(reverse("workbench:list")))
    [sql] = [q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
             and '"cases_case"."reference"' in q["sql"]]
    assert "boundary" not in sql
    assert page.index("HB2099-000000") < page.index("HB2099-000019") < page.index("HB2099-000030")  # due, then none
    qs = filtered_cases(city.intake, CaseFilterForm(), timezone.now())[:50]
    if connection.vendor == "postgresql":  # small tables: forbid the alternatives to see what it can use
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
    plan = qs.explain()
    assert "case_due_order" in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan


@pytest.mark.parametrize(("query", "index"), [("state=assigned", "case_state_due_order"),
                                              ("department={env}", "case_dept_due_order"),
                                              ("overdue=on", "case_overdue_due_order")])
def test_the_most_used_filters_read_an_index_in_the_list_order(city, query, index):
    """At 1,000,000 cases a filtered page sorted every match (docs/performance.md): each
    of the three most used filters has an index in the default order."""
    make_cases(city, 30)
    form = bound_filter_form(QueryDict(query.format(env=city.env.pk)))
    qs = filtered_cases(city.intake, form, timezone.now())[:50]
    if connection.vendor == "postgresql":  # small tables: forbid the alternatives to see what it can use
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
    plan = qs.explain()
    assert index in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def heading(page: str) -> str:
    return re.search(r'id="results-heading">(.*?)</h2>', page, re.S).group(1)


def test_the_count_stops_at_the_cap_and_the_page_says_more_than(city, login, monkeypatch):
    monkeypatch.setattr(paging, "CAP", 20)
    make_cases(city, 30)
    client = login(city.intake)
    with CaptureQueriesContext(connection) as ctx:
        page = body_text(client.get(reverse("workbench:list")))
    [count_sql] = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "cases_case" in q["sql"]]
    assert "LIMIT 21" in count_sql and "ORDER BY" not in count_sql
    assert "20" in heading(page) and "30" not in heading(page)
    assert len(re.findall(r'href="/admin/cases/\d+/"', page)) == 20  # the capped count's rows, one page
    last = body_text(client.get(reverse("workbench:list") + "?p=9"))  # past the capped pages: the last one
    assert re.findall(r'href="/admin/cases/\d+/"', last) == re.findall(r'href="/admin/cases/\d+/"', page)


def test_below_the_cap_the_count_is_exact(city, login):
    make_cases(city, 30)
    page = body_text(login(city.intake).get(reverse("workbench:list")))
    assert "30" in heading(page)


@pytest.mark.parametrize("name", ["state", "department", "category", "township", "source", "batch", "sort"])
def test_the_filter_selects_are_djangos_select_markup_written_in_python(city, name):
    form = bound_filter_form(QueryDict(f"department={city.env.pk}&state=open&category={city.air.pk}&sort=-due"))
    field = form.fields[name]
    assert isinstance(field.widget, FastSelect)
    value = form[name].value()
    plain = forms.Select(choices=field.choices).render(name, value, {"id": f"id_{name}", "class": "c"})
    fast = FastSelect(choices=field.choices).render(name, value, {"id": f"id_{name}", "class": "c"})
    assert parse_html(plain) == parse_html(fast)  # the same elements, attributes and text
    assert fast.count("<option") == len(list(field.choices)) and (value is None or "selected" in fast)
