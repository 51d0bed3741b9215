"""Bulk synthetic data for the benchmarks that need volume (call after django.setup()).

- cases for the staff list: bulk_create with the model's defaults (references
  BN000000000…), lead assignments for the open ones;
- public cases and news pages with Chinese text for the site search: pages are
  inserted in bulk (tree paths computed here) and indexed through the configured
  Wagtail search backend, as `update_index` would.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta

WORDS = [
    "化工厂", "夜间", "偷排", "污水", "工地", "扬尘", "噪声", "餐饮", "油烟", "河道", "垃圾", "养殖场", "异味",
    "整改", "完成", "督察", "排污口", "固体废物", "非法", "倾倒", "采砂", "砖厂", "黑臭水体", "搅拌站", "露天",
    "焚烧", "渣土车", "沿河", "企业", "超标", "排放", "执法", "检查", "立案", "处罚", "回头看", "街道", "乡镇",
    "生态环境局", "水利局", "住建局", "群众", "举报", "核查", "属实", "办结", "反馈", "满意", "整治", "清理",
]
QUERIES = ["污水", "化工厂", "扬尘", "夜间偷排", "非法倾倒", "餐饮油烟", "黑臭水体", "渣土车", "排污口整改",
           "养殖场异味", "噪声", "固体废物"]
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n)) + "。"


def bulk_cases(n: int, seed: int = 8) -> int:
    """n synthetic cases (references BN…) spread over the demo city's categories,
    townships and departments, two years of receipt dates; lead assignments for the
    open ones. Idempotent for the same n. Returns the case table's total."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, Category, Department, Township

    have = Case.objects.filter(reference__startswith="BN").count()
    if have >= n:
        return Case.objects.count()
    rng = random.Random(seed)
    cats = list(Category.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    towns = list(Township.objects.values_list("pk", flat=True)) or [None]
    depts = list(Department.objects.values_list("pk", flat=True))
    if not cats or not depts:
        raise RuntimeError("seed the demo city first (categories and departments)")
    states = ["in_progress"] * 3 + ["closed"] * 5 + ["assigned", "submitted"]
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for chunk in range(have, n, 5000):
            rows = []
            for i in range(chunk, min(n, chunk + 5000)):
                state = rng.choice(states)
                received = now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
                is_open = state != "closed"
                rows.append(Case(
                    reference=f"BN{i:09d}", category_id=rng.choice(cats), township_id=rng.choice(towns),
                    description=sentence(rng, 8), address="基准地址", state=state, version=1,
                    lead_department_id=rng.choice(depts) if state != "submitted" else None,
                    received_at=received, closed_at=None if is_open else received + timedelta(days=10),
                    next_due_at=received + timedelta(days=rng.randint(1, 40)) if is_open else None,
                    is_overdue=is_open and rng.random() < 0.1, is_key_case=rng.random() < 0.02))
            Case.objects.bulk_create(rows, batch_size=1000)
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO cases_assignment (case_id, department_id, role, state, assigned_at, contribution,"
                " is_active, version) SELECT id, lead_department_id, 'lead', CASE state WHEN 'assigned' THEN 'assigned'"
                " ELSE 'accepted' END, received_at, '', true, 0 FROM cases_case WHERE reference LIKE 'BN%%'"
                " AND state IN ('in_progress', 'assigned')")
    print(f"  {n - have:,} synthetic cases inserted in {time.perf_counter() - started:.0f} s")
    return Case.objects.count()


def public_cases(n: int, seed: int = 8) -> int:
    """Make n bench cases public, each with a Chinese public summary and a location
    inside the demo city (so the open-data GeoJSON has a feature per case)."""
    from django.db import connection, transaction

    from cases.demo.geography import EAST, NORTH, SOUTH, WEST
    from cases.models import Case
    from cases.searchindex import sync_cases

    rng = random.Random(seed)
    ids = list(Case.objects.filter(reference__startswith="BN").order_by("pk").values_list("pk", flat=True)[:n])
    rows = [(sentence(rng, rng.randint(6, 14)), round(rng.uniform(SOUTH, NORTH), 6), round(rng.uniform(WEST, EAST), 6),
             pk) for pk in ids]
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany("UPDATE cases_case SET is_public = true, public_summary = %s, latitude = %s, longitude = %s"
                        " WHERE id = %s", rows)
    sync_cases(ids)  # the raw update bypassed the publicity service, which writes the search entries
    return len(rows)


def news_pages(n: int, seed: int = 8) -> int:
    """n live news pages under the news index (created by the CMS demo content)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Locale, Page
    from wagtail.search.backends import get_search_backend

    from cms.bigrams import index_text
    from cms.models import NewsIndexPage, NewsPage
    from cms.search.index import sync_pages

    index = NewsIndexPage.objects.first()
    if index is None:
        raise RuntimeError("no news index page")
    have = NewsPage.objects.filter(slug__startswith="bench-").count()
    if have >= n:
        return have
    rng = random.Random(seed)
    started = time.perf_counter()
    ctype = ContentType.objects.get_for_model(NewsPage)
    locale = Locale.get_default()
    last = index.get_children().order_by("-path").values_list("path", flat=True).first()
    step = _decode(last[-4:]) if last else 0
    today = date(2026, 6, 1)
    with transaction.atomic():
        pages, texts = [], []
        for i in range(have, n):
            step += 1
            title = sentence(rng, 4)[:-1]
            intro = sentence(rng, rng.randint(10, 20))
            pages.append(Page(
                path=index.path + _encode(step), depth=index.depth + 1, numchild=0, title=title, draft_title=title,
                slug=f"bench-{i}", live=True, has_unpublished_changes=False,
                url_path=f"{index.url_path}bench-{i}/", content_type=ctype, locale=locale,
                translation_key=uuid.uuid4(), first_published_at=None, search_description=""))
            texts.append((title, intro, today - timedelta(days=i % 900)))
        created = Page.objects.bulk_create(pages, batch_size=500)
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO cms_newspage (page_ptr_id, search_bigrams, date, intro, body) VALUES (%s, %s, %s, %s, %s)",
                [(p.pk, index_text(f"{t}\n{intro}"), d, intro, "[]") for p, (t, intro, d) in zip(created, texts,
                                                                                                  strict=True)])
        Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
    backend = get_search_backend()
    qs = NewsPage.objects.filter(slug__startswith="bench-").order_by("pk")
    for start in range(0, qs.count(), 1000):
        backend.add_bulk(NewsPage, list(qs[start:start + 1000]))
    sync_pages(qs.iterator(chunk_size=1000))  # bulk inserts send no publish signal
    print(f"  {n - have:,} news pages created and indexed in {time.perf_counter() - started:.0f} s")
    return NewsPage.objects.count()


def _encode(number: int) -> str:
    out = ""
    for _ in range(4):
        number, rem = divmod(number, 36)
        out = BASE36[rem] + out
    return out


def _decode(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 36 + BASE36.index(ch)
    return value
