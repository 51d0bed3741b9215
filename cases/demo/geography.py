"""The demo city's townships (synthetic polygons that tile the city) and departments."""

import random

from shapely.geometry import Point, shape

from cases.models import Department, Township
from cases.routing import invalidate_township_index

MAIL_DOMAIN = "qinghe.example.gov.cn"

# The city rectangle, in WGS-84 lon/lat; townships tile it as a 2 × 5 grid.
WEST, EAST, SOUTH, NORTH = 117.00, 117.40, 36.50, 36.80
ROWS, COLS = 2, 5
SUB = 2  # each township edge is split in two, so shared borders get a bend

# (code, name, government name, rural) — north row west→east, then south row.
TOWNSHIPS = [
    ("liulin", "柳林镇", "柳林镇人民政府", True),
    ("beishan", "北山镇", "北山镇人民政府", True),
    ("qingshi", "青石镇", "青石镇人民政府", True),
    ("liyuan", "梨园镇", "梨园镇人民政府", True),
    ("baisha", "白沙乡", "白沙乡人民政府", True),
    ("hexi", "河西街道", "河西街道办事处", False),
    ("chengguan", "城关街道", "城关街道办事处", False),
    ("donghu", "东湖街道", "东湖街道办事处", False),
    ("xingang", "新港街道", "新港街道办事处", False),
    ("nanhu", "南湖镇", "南湖镇人民政府", True),
]
RURAL = {code for code, _n, _g, rural in TOWNSHIPS if rural}

# (code, name, short name, mail box)
BUREAUS = [
    ("env", "市生态环境局", "生态环境局", "env"),
    ("housing", "市住房和城乡建设局", "住建局", "zjj"),
    ("urban", "市城市管理局", "城管局", "cgj"),
    ("water", "市水利局", "水利局", "slj"),
    ("nrp", "市自然资源和规划局", "自然资源局", "zrzyj"),
    ("agri", "市农业农村局", "农业农村局", "nyncj"),
    ("transport", "市交通运输局", "交通运输局", "jtysj"),
    ("police", "市公安局", "公安局", "gaj"),
    ("market", "市市场监督管理局", "市场监管局", "scjgj"),
    ("health", "市卫生健康委员会", "卫健委", "wjw"),
]
OFFICE = ("office", "市整改办", "整改办", "zgb")


def _vertex_grid(rng: random.Random) -> list[list[tuple[float, float]]]:
    """Grid of shared vertices; inner ones jittered, border ones slide along the border."""
    n_rows, n_cols = ROWS * SUB, COLS * SUB
    d_lon, d_lat = (EAST - WEST) / n_cols, (NORTH - SOUTH) / n_rows
    grid = []
    for r in range(n_rows + 1):
        row = []
        for c in range(n_cols + 1):
            lon, lat = WEST + c * d_lon, NORTH - r * d_lat
            if 0 < c < n_cols:
                lon += rng.uniform(-0.3, 0.3) * d_lon
            if 0 < r < n_rows:
                lat += rng.uniform(-0.3, 0.3) * d_lat
            row.append((round(lon, 6), round(lat, 6)))
        grid.append(row)
    return grid


def _cell_ring(grid, row: int, col: int) -> list[list[float]]:
    """Counter-clockwise ring of one township: its cell's border vertices."""
    r0, c0 = row * SUB, col * SUB
    r1, c1 = r0 + SUB, c0 + SUB
    path = [(r1, c) for c in range(c0, c1 + 1)]  # south edge, west → east
    path += [(r, c1) for r in range(r1 - 1, r0 - 1, -1)]  # east edge, south → north
    path += [(r0, c) for c in range(c1 - 1, c0 - 1, -1)]  # north edge, east → west
    path += [(r, c0) for r in range(r0 + 1, r1 + 1)]  # west edge, north → south
    ring = [list(grid[r][c]) for r, c in path]
    return ring


def township_boundaries(rng: random.Random) -> dict[str, dict]:
    grid = _vertex_grid(rng)
    result = {}
    for index, (code, *_rest) in enumerate(TOWNSHIPS):
        ring = _cell_ring(grid, index // COLS, index % COLS)
        result[code] = {"type": "Polygon", "coordinates": [ring]}
    return result


def seed_departments() -> dict[str, Department]:
    depts = {}
    order = 0
    for code, name, short, box in [*BUREAUS, OFFICE]:
        order += 10
        kind = Department.Kind.OFFICE if code == OFFICE[0] else Department.Kind.BUREAU
        depts[code], _c = Department.objects.update_or_create(code=code, defaults={
            "name": name, "short_name": short, "kind": kind, "email": f"{box}@{MAIL_DOMAIN}",
            "phone": f"0531-8{order:07d}", "is_active": True, "sort_order": order,
        })
    for code, _name, gov_name, _rural in TOWNSHIPS:
        order += 10
        depts[f"gov-{code}"], _c = Department.objects.update_or_create(code=f"gov-{code}", defaults={
            "name": gov_name, "short_name": gov_name[:-4] if gov_name.endswith("人民政府") else gov_name[:-3],
            "kind": Department.Kind.TOWNSHIP, "email": f"{code}@{MAIL_DOMAIN}",
            "phone": f"0531-8{order:07d}", "is_active": True, "sort_order": order,
        })
    return depts


def seed_townships(rng: random.Random, depts: dict[str, Department]) -> dict[str, Township]:
    boundaries = township_boundaries(rng)
    towns = {}
    for order, (code, name, _gov, _rural) in enumerate(TOWNSHIPS, start=1):
        towns[code], _c = Township.objects.update_or_create(code=code, defaults={
            "name": name, "government": depts[f"gov-{code}"], "boundary": boundaries[code],
            "sort_order": order * 10,
        })
    invalidate_township_index()  # routing must see the new boundaries at once
    return towns


def point_in(boundary: dict, rng: random.Random) -> tuple[float, float]:
    """A random (lat, lon) strictly inside a township, by rejection sampling."""
    polygon = shape(boundary)
    west, south, east, north = polygon.bounds
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if polygon.contains(Point(lon, lat)) and polygon.exterior.distance(Point(lon, lat)) > 0.002:
            return round(lat, 6), round(lon, 6)


def point_outside(rng: random.Random) -> tuple[float, float]:
    """A pin just east of the city's last township, inside the service area's margin
    (PORTAL_SERVICE_AREA_MARGIN_KM): intake takes it, no township covers it, so the dispatch
    desk routes it. Farther out, intake would refuse the report on every channel."""
    return round(rng.uniform(36.55, 36.75), 6), round(rng.uniform(EAST + 0.01, EAST + 0.04), 6)
