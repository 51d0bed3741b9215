"""The demo city's public site as a Chinese and an English reader see it: dates in the
reader's form (2026年3月2日, never an ISO date in the text), readable ASCII page addresses,
and on /en/ a visible notice that the published content is Chinese only, marked lang="zh-Hans"."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from wagtail.models import Page

NOW = "2026-11-29T10:00:00+08:00"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
SKIP = ("/admin", "/static", "/media", "/documents", "/open311", "/i18n", "/sitemap", "/report")


class Reader(HTMLParser):
    """The text a reader sees (no attributes, scripts, styles) and the page's links."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def crawl(client, start: str, limit: int = 120) -> dict[str, str]:
    seen, queue, texts = set(), [start], {}
    while queue and len(texts) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        reader = Reader()
        reader.feed(response.content.decode())
        texts[path] = " ".join(reader.text)
        for href in reader.links:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            if parts.path.endswith((".csv", ".json", ".xlsx", ".xml", "/feed/", "/geojson/", ".ico")):
                continue
            queue.append(parts.path)
    return texts


@pytest.mark.slow
@pytest.mark.django_db
def test_public_pages_show_dates_in_the_readers_form_and_chinese_content_is_marked(client, time_machine):
    time_machine.move_to(NOW, tick=False)
    call_command("seed_demo", now=NOW, citizen_cases=10, stdout=io.StringIO())

    # Page addresses: every page of the demo has an ASCII slug (no percent-encoded Chinese).
    assert [p.slug for p in Page.objects.exclude(depth=1) if not p.slug.isascii()] == []

    chinese = crawl(client, "/")
    assert len(chinese) >= 20, sorted(chinese)
    iso = {path: ISO_DATE.findall(text) for path, text in chinese.items() if ISO_DATE.search(text)}
    assert iso == {}
    assert any(CN_DATE.search(text) for text in chinese.values())

    english = crawl(client, "/en/", limit=40)
    assert {path: ISO_DATE.findall(t) for path, t in english.items() if ISO_DATE.search(t)} == {}
    news = client.get("/en/news/").content.decode()
    assert "is in Chinese only" in news and 'lang="zh-Hans"' in news
    assert re.search(r'<h1 lang="zh-Hans">', news)
    assert "is in Chinese only" not in client.get("/news/").content.decode()
    assert 'lang="zh-Hans">' not in re.sub(r'<a [^>]*hreflang="zh-Hans"[^>]*>', "", client.get("/news/").content.decode())
