"""Cost of the township outlines every map draws without a tile server
(cases/maps/townships.py): build time of the GeoJSON and its size, raw and gzipped,
for a city of N townships whose boundaries have V vertices each (surveyed boundaries
have thousands). The document is built once per township edit and then served from
the cache, so the build time is paid once; the size is paid by every first visit.

    .venv/bin/python bench/townships_geojson.py                 # 30 townships x 3000 vertices
    .venv/bin/python bench/townships_geojson.py --townships=12 --vertices=800
"""

import gzip
import json
import math
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from cases.maps.townships import document  # noqa: E402


def boundary(cx: float, cy: float, radius: float, vertices: int, rng: random.Random) -> dict:
    """A winding ring (a river- or road-following border: bends at several scales, plus
    survey noise of about a metre) around (cx, cy)."""
    ring = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        bends = 0.15 * math.sin(7 * angle) + 0.03 * math.sin(53 * angle) + 0.01 * math.sin(211 * angle)
        r = radius * (1 + bends) + rng.uniform(-0.00001, 0.00001)
        ring.append([round(cx + r * math.cos(angle), 7), round(cy + r * math.sin(angle), 7)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def rows(townships: int, vertices: int) -> list:
    rng = random.Random(7)
    side = math.ceil(math.sqrt(townships))
    return [(f"t{i}", f"乡镇{i}", boundary(117 + 0.1 * (i % side), 36.5 + 0.1 * (i // side), 0.05, vertices, rng))
            for i in range(townships)]


def main(argv: list[str]) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in argv if "=" in a)
    townships, vertices = int(options.get("townships", 30)), int(options.get("vertices", 3000))
    data = rows(townships, vertices)
    raw = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c, "name": n}, "geometry": b} for c, n, b in data]},
        ensure_ascii=False, separators=(",", ":")).encode()
    started = time.perf_counter()
    built = document(data)
    elapsed = time.perf_counter() - started
    kept = sum(len(f["geometry"]["coordinates"][0]) for f in json.loads(built)["features"])
    print(f"townships {townships} x {vertices} vertices")
    print(f"build (uncached)      {elapsed * 1000:8.1f} ms")
    print(f"vertices kept         {kept:8d} of {townships * (vertices + 1)}")
    print(f"stored boundaries     {len(raw) / 1024:8.1f} KiB, gzip {len(gzip.compress(raw)) / 1024:8.1f} KiB")
    print(f"served outlines       {len(built) / 1024:8.1f} KiB, gzip {len(gzip.compress(built)) / 1024:8.1f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
