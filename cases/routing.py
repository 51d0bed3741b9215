"""Township lookup (point-in-polygon) and the routing rule table (docs/product.md §4.2).

Routing never depends on a geocoder: only the pin and the admin-kept boundaries.
A point on a shared border is covered by two polygons; the tie-break is the
township with the lowest (sort_order, code) so the answer is deterministic.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from shapely import STRtree
from shapely.geometry import Point, shape

from cases.models import Category, Department, RoutingRule, Township

_INDEX_CACHE_KEY = "portal:township-index-version"


@dataclass(frozen=True)
class TownshipIndex:
    version: str
    tree: STRtree | None
    township_ids: tuple[int, ...]
    geometries: tuple

    def locate(self, longitude: float, latitude: float) -> int | None:
        if self.tree is None:
            return None
        point = Point(longitude, latitude)
        hits = [int(i) for i in self.tree.query(point, predicate="covered_by")]
        if not hits:
            return None
        return self.township_ids[min(hits)]  # ids are ordered by (sort_order, code)


_index: TownshipIndex | None = None


def _current_version() -> str:
    # Bumped on every Township save/delete (cases.apps), shared by all processes
    # through the cache, so every web process rebuilds its index after an edit.
    # While the cache server is down this reads "0": the index is rebuilt once and
    # kept; other processes catch up on edits when it is back.
    return str(cache.get(_INDEX_CACHE_KEY) or 0)


def township_changed(**_kwargs) -> None:
    """Signal receiver for township saves and deletes: the index is dropped now and again
    after the commit, so a process that rebuilt it in between from the old rows is corrected."""
    invalidate_township_index()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(invalidate_township_index, robust=True)


def invalidate_township_index(**_kwargs) -> None:
    global _index
    _index = None
    try:
        cache.incr(_INDEX_CACHE_KEY)
    except ValueError:
        cache.set(_INDEX_CACHE_KEY, 1, None)


def build_index() -> TownshipIndex:
    ids, geoms = [], []
    for pk, boundary in Township.objects.order_by("sort_order", "code").values_list("pk", "boundary"):
        if boundary:
            ids.append(pk)
            geoms.append(shape(boundary))
    return TownshipIndex(version=_current_version(), tree=STRtree(geoms) if geoms else None,
                         township_ids=tuple(ids), geometries=tuple(geoms))


def township_index() -> TownshipIndex:
    global _index
    version = _current_version()
    if _index is None or _index.version != version:
        _index = build_index()
    return _index


def locate_township_id(latitude: float | Decimal | None, longitude: float | Decimal | None) -> int | None:
    """From the in-memory index only (intake stores the id without reading the row)."""
    if latitude is None or longitude is None:
        return None
    return township_index().locate(float(longitude), float(latitude))


def locate_township(latitude: float | Decimal | None, longitude: float | Decimal | None) -> Township | None:
    pk = locate_township_id(latitude, longitude)
    # The boundary polygon is large and only the index needs it.
    return Township.objects.defer("boundary").filter(pk=pk).first() if pk else None


@dataclass(frozen=True)
class RouteDecision:
    department: Department | None
    co_departments: tuple[Department, ...]
    rule: RoutingRule | None
    reason: str  # "category+township", "category", "township", "no_township", "no_rule"

    @property
    def confident(self) -> bool:
        return self.department is not None


def choose_rule(category: Category | None, township: Township | None) -> RoutingRule | None:
    """Most specific active rule: category+township, then category, then township.

    A sub-type falls back to its parent category's rules.
    """
    categories = [c for c in (category, category.parent if category and category.parent_id else None) if c]
    candidates = []
    if township is not None:
        candidates += [(c, township) for c in categories]
    candidates += [(c, None) for c in categories]
    if township is not None:
        candidates.append((None, township))
    in_township = Q(township=township) if township else Q(pk__in=[])
    matching = (Q(category__in=categories) & (in_township | Q(township__isnull=True))) | (
        Q(category__isnull=True) & in_township)
    rules = {
        (r.category_id, r.township_id): r
        for r in RoutingRule.objects.filter(matching, is_active=True, department__is_active=True)
        .select_related("department")
    }
    for cat, town in candidates:
        rule = rules.get((cat.pk if cat else None, town.pk if town else None))
        if rule:
            return rule
    return None


def route(category: Category, township: Township | None) -> RouteDecision:
    """Decide the lead department. Outside every township → the dispatch desk."""
    if township is None:
        return RouteDecision(None, (), None, "no_township")
    rule = choose_rule(category, township)
    if rule is None:
        return RouteDecision(None, (), None, "no_rule")
    kind = "category+township" if rule.category_id and rule.township_id else (
        "category" if rule.category_id else "township")
    co = tuple(d for d in rule.co_departments.filter(is_active=True) if d.pk != rule.department_id)
    return RouteDecision(rule.department, co, rule, kind)
