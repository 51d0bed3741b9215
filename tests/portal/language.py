"""What a zh-hans user reads on a page, and the English strings it must not contain.

`visible_texts(html)` gives every text node (without scripts, styles, <noscript> and
`hidden` elements),
the accessible texts of attributes, and the labels of Wagtail's sidebar (rendered from
JSON by JavaScript). Text inside an element marked `lang="en"` is English on purpose.
`english_sources()` are the English message ids of the project's catalogues (locale/
and the Wagtail gap translations in locale_wagtail/), plus the English names of the
project's models: none of them may reach a zh-hans page untranslated.
"""

import json
import re
from functools import cache

from bs4 import BeautifulSoup, Doctype
from django.apps import apps
from django.conf import settings
from django.utils import translation

ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")
WORD = re.compile(r"[A-Za-z]{3,}")
WORDS = re.compile(r"[A-Za-z]{2,}")


def visible_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    texts = []
    props = soup.select_one("#wagtail-sidebar-props")
    if props is not None and props.string:
        texts += [json.loads(f'"{m}"') for m in re.findall(r'"label":\s*"((?:[^"\\]|\\.)*)"', props.string)]
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.select('[lang|="en"], [hidden]'):
        tag.decompose()
    texts += [" ".join(node.split()) for node in soup.find_all(string=True)
              if not isinstance(node, Doctype) and node.strip()]
    for element in soup.find_all(True):
        texts += [" ".join(element[name].split()) for name in ATTRIBUTES if element.get(name, "").strip()]
        if element.name == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            if not _wagtail_hard_coded(element):
                texts.append(element["value"])
    return texts


def _wagtail_hard_coded(element) -> bool:
    """The hidden submit button of Wagtail's header search (wagtailadmin/shared/header.html)
    has the value "Search" written into the template, outside any catalogue."""
    return element.get("value") == "Search" and "w-sr-only" in (element.parent.get("class") or [])


def _po_entries(path):
    """(msgid, msgid_plural, translation) of a .po file; enough of the format for our catalogues."""
    entries, current, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key = match.group(1)
            current[key] = json.loads(match.group(2))
        elif line.startswith('"') and key:
            current[key] += json.loads(line)
        elif not line.strip():
            if current.get("msgid"):
                entries.append((current["msgid"], current.get("msgid_plural", ""),
                                current.get("msgstr", current.get("msgstr[0]", ""))))
            current, key = {}, None
    return entries


def fragments(message: str) -> list[str]:
    """The literal English pieces of a message id (placeholders and tags cut out) of at
    least two words, and a one-word message id itself ("Words", "Checks"). One word
    cut out of a longer message ("Wagtail" of "Wagtail %(version)s editor guide") is
    too common to tell anything."""
    pieces = [p.strip(" .,:;!?'\"()…-–") for p in PLACEHOLDER.split(message)]
    if len(pieces) == 1 and WORD.fullmatch(pieces[0]):
        return [pieces[0]]
    return [p for p in pieces if len(WORDS.findall(p)) >= 2]


@cache
def english_sources() -> tuple[frozenset[str], frozenset[str]]:
    """(one-word message ids, English phrases)."""
    found = set()
    for folder in settings.LOCALE_PATHS:
        for msgid, plural, translated in _po_entries(folder / "zh_Hans" / "LC_MESSAGES" / "django.po"):
            if translated and translated != msgid:
                found |= {*fragments(msgid), *fragments(plural)}
    with translation.override("en"):
        for model in [*apps.get_app_config("cases").get_models(), *apps.get_app_config("cms").get_models()]:
            found |= {str(model._meta.verbose_name), str(model._meta.verbose_name_plural)}
    words = frozenset(f for f in found if " " not in f)
    return words, frozenset(found - words)


@cache
def _phrases() -> re.Pattern:
    alternatives = "|".join(re.escape(f) for f in sorted(english_sources()[1], key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])")


def untranslated(texts) -> set[str]:
    """Texts that are an English one-word message, hold an English phrase of the
    catalogues or a model name, or Django's '<Model> object (1)'."""
    words = english_sources()[0]
    return {text for text in texts if WORD.search(text) and (
        text.strip(" .:") in words or _phrases().search(text) or re.search(r"\b\w+ object \(\d+\)", text))}
