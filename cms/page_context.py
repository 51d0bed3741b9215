"""Context builders for the transparency pages and the open data responses.
Thin: parse the query, call one data function, hand the result to a template."""

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import get_language

from cases import figures, refcache
from cases.maps.config import map_settings
from cases.models import Department
from cases.programme import STATUS_LABELS
from cms import disclosure, gantt, ledger
from cms.caching import cached
from cms.fragments import deferred
from cms.public_cases import (
    CaseFilter,
    filter_options,
    geojson_export,
    public_count,
    public_rows,
    record,
    with_date_texts,
)

PER_PAGE = 20


def ledger_context(page, request) -> dict:
    today = timezone.localdate()
    unit = request.GET.get("unit", "")[:40]
    status = request.GET.get("status", "")
    status = status if status in STATUS_LABELS else ""
    all_rows = ledger.build_rows(today)
    # The same statuses as the rows', counted by the figures module (one definition);
    # cached under the public-data version, which every task or milestone change bumps.
    task_figures = cached("task-figures", lambda: figures.task_figures(today), today,
                          refcache.version(refcache.PUBLIC_DATA), case_data=False)
    rows = ledger.filter_rows(all_rows, unit, status)
    axis = ledger.lay_out(rows, today)
    base_url = page.url
    unit_ids = {r.task.lead_department_id for r in all_rows} | {d.pk for r in all_rows for d in r.co_units}
    return {
        "rows": rows, "axis": axis, "chart_rows": gantt.chart_rows(rows, axis, base_url),
        "table_rows": gantt.table_rows(rows, base_url), "today": today, "unit": unit, "status": status,
        "counts": task_figures.by_status(), "total": task_figures.total,
        "statuses": [(k, str(v)) for k, v in STATUS_LABELS.items()],
        "units": Department.objects.filter(pk__in=unit_ids).order_by("sort_order", "name"),
        "filtered": bool(unit or status),
    }


def batch_index_context(page) -> dict:
    items = [{"batch": b, "figures": f, "key": f"batch.{disclosure.source_slug(b)}.{b.number}",
              "url": page.url + page.reverse_subpage("batch", args=[disclosure.source_slug(b), b.number]),
              "csv": page.url + page.reverse_subpage("batch_csv", args=[disclosure.source_slug(b), b.number])}
             for b, f in figures.batch_figures(disclosure.batches())]
    return {"items": items}


def batch_table_context(page, batch, source: str, number: int) -> dict:
    [(_, batch_figures)] = figures.batch_figures(type(batch).objects.filter(pk=batch.pk))
    return {"figures": batch_figures, "key": f"batch.{source}.{number}",
            "columns": [str(c) for c in disclosure.COLUMNS], "rows": disclosure.rows(batch),
            "accountability": disclosure.batch_accountability(batch),
            "csv_url": page.url + page.reverse_subpage("batch_csv", args=[source, number])}


def public_case_rows(case_filter: CaseFilter, page_number) -> dict:
    """The filter choices and one page of the list: what the page's fragment shows
    (cms/fragments.py), computed only when that fragment is not cached."""
    paginator = Paginator(public_rows(case_filter), PER_PAGE)
    # cached_property: the count comes from the case table alone, cached until a case changes.
    paginator.__dict__["count"] = cached("public-count", lambda: public_count(case_filter),
                                         case_filter.querystring())
    page_obj = paginator.get_page(page_number)
    return {
        # The filter choices (categories, townships, years with public cases) change with
        # reference or case data only: cached under the case fingerprint and the public
        # data version (cms/caching.py, cases/refcache.py).
        "page_obj": page_obj,
        "options": cached("case-filter-options", filter_options, get_language(),
                          refcache.version(refcache.PUBLIC_DATA)),
        "records": [with_date_texts(record(row)) for row in page_obj.object_list],
    }


def public_cases_context(page, request) -> dict:
    case_filter = CaseFilter.from_query(request.GET)
    query = case_filter.querystring()
    suffix = f"?{query}" if query else ""
    return {
        "filter": case_filter, "query": query,
        **deferred(public_case_rows, case_filter, request.GET.get("page")),
        "csv_url": page.url + page.reverse_subpage("csv") + suffix,
        "geojson_url": page.url + page.reverse_subpage("geojson") + suffix,
        "map_settings": map_settings(),
    }


def geojson_response(request):
    """Streamed (cms/public_cases.py geojson_export), not cached: built whole and cached,
    100,000 public cases held the first request ~20 s and put a ~30 MB value in the cache."""
    return geojson_export(CaseFilter.from_query(request.GET))
