"""Content-Security-Policy helpers shared by the settings and the views (no Django imports:
the settings module loads this before Django is set up)."""

from urllib.parse import urlsplit


def tile_sources(url: str) -> list[str]:
    """The CSP source of the map tile host: "https://t{s}.example.cn/..." → "https://*.example.cn"."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = ".".join("*" if "{" in label else label for label in parts.netloc.split("."))
    return [f"{parts.scheme}://{host}"]
