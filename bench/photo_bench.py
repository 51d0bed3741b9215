"""Photo processing per 12-megapixel JPEG: cases.photos.process_photo() against a bare
Pillow draft-decode + resize + encode of the same bytes, in the same process.

Also makes the phone-like test photos the load profiles upload.
"""

from __future__ import annotations

import io
import statistics
import time

from PIL import Image

SIZE_12MP = (4000, 3000)


def phone_photo(size: tuple[int, int] = SIZE_12MP, seed: int = 1, quality: int = 90) -> bytes:
    """A JPEG with photo-like entropy (smooth shapes plus sensor-like noise) and EXIF
    (camera model, orientation, GPS), about 2–5 MB at 12 MP, as a phone would send."""
    w, h = size
    base = Image.merge("RGB", [Image.effect_noise((w // 16, h // 16), 90 + 10 * i + seed).convert("L")
                               for i in range(3)]).resize(size, Image.Resampling.BICUBIC)
    grain = Image.merge("RGB", [Image.effect_noise(size, 25).convert("L") for _ in range(3)])
    image = Image.blend(base, grain, 0.18)
    exif = Image.Exif()
    exif[0x010F] = "BenchPhone"  # Make
    exif[0x0110] = "BP-12"  # Model
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (36.0, 33.0, 0.0), 3: "E", 4: (117.0, 3.0, 0.0)})
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, exif=exif)
    return buf.getvalue()


def bare_pillow(data: bytes, edge: int) -> bytes:
    """The reference: what any service must do at least (draft decode, resize, encode)."""
    im = Image.open(io.BytesIO(data))
    w, h = im.size
    scale = edge / max(w, h)
    target = (round(w * scale), round(h * scale))
    im.draft("RGB", target)
    im = im.convert("RGB").resize(target, Image.Resampling.BICUBIC)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


def measure(repeat: int = 7) -> dict[str, float]:
    """Median seconds per photo for both, measured alternately on the same bytes."""
    from django.conf import settings

    from cases.photos import process_photo

    data = phone_photo()
    edge = settings.PORTAL_PHOTO_MAX_EDGE
    bare_pillow(data, edge)  # warm caches and imports for both
    process_photo(data)
    bare, portal = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        bare_pillow(data, edge)
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        process_photo(data)
        portal.append(time.perf_counter() - t)
    return {"bare": statistics.median(bare), "portal": statistics.median(portal), "bytes": len(data)}
