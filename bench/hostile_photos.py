"""CPU time and peak memory per hostile photo upload (cases.photos.process_photo()).

Each file is processed in a fresh Python process, so the peak resident memory
(VmHWM) belongs to that one upload: the number reported is the growth over the
process's baseline after Django and Pillow are loaded. CPU is user + system time of
process_photo() alone. A refused upload reports its refusal code: the cost of saying
no is what matters then.

    .venv/bin/python bench/hostile_photos.py            # the table
    .venv/bin/python bench/hostile_photos.py --json     # machine-readable
    .venv/bin/python bench/hostile_photos.py --only=heif   # the rows whose name holds "heif"

HEIF rows are there when Pillow on the machine can write and read HEIF (pillow-heif
with an encoder); otherwise the table says HEIF was not measured.

The budget (docs/security.md): no single upload costs more than 1 s of CPU or 200 MB.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_BUDGET_S = 1.0
MEMORY_BUDGET_MB = 200


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, *, bit_depth: int = 16, colour_type: int = 2) -> bytes:
    """A flat PNG written by hand (Pillow cannot write 16-bit RGB): tiny on disk, huge decoded."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\x00" + bytes(width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def pillow_file(width: int, height: int, fmt: str, **options) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 60)).save(buf, fmt, **options)
    return buf.getvalue()


def cases() -> dict[str, bytes]:
    from bench.photo_bench import phone_photo

    return {
        "phone JPEG 12 MP (normal)": phone_photo(),
        "PNG 16-bit RGB 7000x7000": png(7000, 7000),
        "PNG 16-bit RGBA 7000x7000": png(7000, 7000, colour_type=6),
        "PNG 8-bit RGB 7000x7000": png(7000, 7000, bit_depth=8),
        "PNG 16-bit grey 7000x7000": png(7000, 7000, colour_type=0),
        "PNG 8-bit RGB 5000x4000": png(5000, 4000, bit_depth=8),
        "JPEG baseline 7000x7000": pillow_file(7000, 7000, "JPEG"),
        "JPEG progressive 7000x7000": pillow_file(7000, 7000, "JPEG", progressive=True),
        "WebP 7000x7000": pillow_file(7000, 7000, "WEBP", quality=50),
        **heif_cases(),
    }


def heif_support() -> str:
    """"" when Pillow here can write and read HEIF (pillow-heif, as the portal uses it);
    otherwise why not: the bench then says HEIF was not measured (no dependency is added)."""
    try:
        import pillow_heif  # optional here: the bench reports its absence instead of failing

        pillow_heif.register_heif_opener()
        pillow_file(16, 16, "HEIF")
    except Exception as exc:  # noqa: BLE001 - no module, no encoder: any reason means "not measured"
        return f"{type(exc).__name__}: {exc}"
    return ""


def heif_cases() -> dict[str, bytes]:
    if heif_support():
        return {}
    fast = {"enc_params": {"preset": "ultrafast"}}  # encoding 49 MP is slow; decoding is measured
    return {"HEIF 12 MP 4032x3024 (phone)": pillow_file(4032, 3024, "HEIF", quality=50, **fast),
            "HEIF 7000x7000": pillow_file(7000, 7000, "HEIF", quality=30, **fast)}


# VmHWM (this process's own high-water mark), not ru_maxrss: Linux carries ru_maxrss
# over from the parent through fork and exec, so a big parent hid the child's peak.
CHILD = """
import os, sys, time

def vm_hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
import django
django.setup()
from cases.photos import PhotoError, process_photo
data = open(sys.argv[1], "rb").read()
base = vm_hwm_kb()
t0 = time.process_time()
try:
    process_photo(data)
    outcome = "processed"
except PhotoError as exc:
    outcome = "refused: " + exc.code
cpu = time.process_time() - t0
peak = vm_hwm_kb()
print(outcome, cpu, (peak - base) / 1024)
"""


def run_one(data: bytes) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".img", delete=False) as handle:
        handle.write(data)
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", CHILD, handle.name], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        out = done.stdout.split()
    finally:
        os.unlink(handle.name)
    outcome = " ".join(out[:-2])
    return {"outcome": outcome, "cpu_s": round(float(out[-2]), 3), "memory_mb": round(float(out[-1]), 1)}


def main() -> int:
    rows = []
    only = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")]
    for name, data in cases().items():
        if only and not any(o.lower() in name.lower() for o in only):
            continue
        result = run_one(data)
        result.update(name=name, file_kb=round(len(data) / 1024),
                      within_budget=result["cpu_s"] <= CPU_BUDGET_S and result["memory_mb"] <= MEMORY_BUDGET_MB)
        rows.append(result)
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'upload':32} {'file KB':>8} {'CPU s':>7} {'peak MB':>8}  outcome")
        for r in rows:
            flag = "" if r["within_budget"] else "  OVER BUDGET"
            print(f"{r['name']:32} {r['file_kb']:>8} {r['cpu_s']:>7.2f} {r['memory_mb']:>8.1f}  {r['outcome']}{flag}")
        missing = heif_support()
        if missing:
            print(f"HEIF not measured: Pillow cannot write or read HEIF here ({missing})")
    return 0 if all(r["within_budget"] for r in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
