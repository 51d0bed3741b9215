"""The public location of a case, and the coarse grid behind every location answer.

One rule for every public output (public list, map, GeoJSON, CSV, Open311, nearby
suggestions): a citizen's case, or any case marked sensitive, is shown at the centre
of its grid cell (0.01°, about 1 km), whatever the source of its point (map pin,
device, photo GPS). Only non-sensitive inspection referrals keep 4 decimals (~10 m).

Nearby suggestions go further: which cases they list is decided from grid cells
alone (the query's cell and the case's cell), never from exact distances, so moving
the query point inside a cell changes nothing and a case's point inside its cell
cannot be inferred (tests/cases/privacy/test_location.py trilaterates to prove it).
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cases.models import CaseSource

CELL = Decimal("0.01")  # degrees; about 1.1 km north-south
CELL_M = 1110.0
FINE = Decimal("0.0001")
# Cases from the public's own channels: never shown more precisely than a cell.
CITIZEN_SOURCES = frozenset({CaseSource.WEB, CaseSource.API, CaseSource.PHONE, CaseSource.LETTER,
                             CaseSource.VISIT})


@dataclass(frozen=True)
class PublicPoint:
    latitude: float
    longitude: float
    approximate: bool


def is_coarsened(source: str, is_sensitive: bool) -> bool:
    return bool(is_sensitive) or source in CITIZEN_SOURCES


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def public_point(latitude, longitude, *, source: str, is_sensitive: bool) -> PublicPoint | None:
    """What any public output may show of a case's location (None without one)."""
    if latitude is None or longitude is None:
        return None
    coarse = is_coarsened(source, is_sensitive)
    step = CELL if coarse else FINE
    lat = _decimal(latitude).quantize(step, ROUND_HALF_UP)
    lng = _decimal(longitude).quantize(step, ROUND_HALF_UP)
    return PublicPoint(float(lat), float(lng), coarse)


def public_point_of(case) -> PublicPoint | None:
    return public_point(case.latitude, case.longitude, source=case.source, is_sensitive=case.is_sensitive)


def cell_of(latitude, longitude) -> tuple[int, int]:
    """The grid cell holding a point: the index of its rounded 0.01° centre."""
    lat = _decimal(latitude).quantize(CELL, ROUND_HALF_UP)
    lng = _decimal(longitude).quantize(CELL, ROUND_HALF_UP)
    return int(lat / CELL), int(lng / CELL)


def cell_centre(cell: tuple[int, int]) -> tuple[float, float]:
    return float(cell[0] * CELL), float(cell[1] * CELL)


def ring_for(radius_m: float) -> int:
    """How many cells around the query's cell a nearby search reaches (at least one)."""
    return max(1, math.ceil(radius_m / CELL_M))


def cell_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]))


def cell_block(cell: tuple[int, int], ring: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(min_lat, min_lng, max_lat, max_lng) of the cells within `ring` of `cell`: the SQL prefilter."""
    half = CELL / 2
    return ((cell[0] - ring) * CELL - half, (cell[1] - ring) * CELL - half,
            (cell[0] + ring) * CELL + half, (cell[1] + ring) * CELL + half)
