"""Wagtail's admin JavaScript speaks Chinese: every string of its JavaScript catalogue has a
zh-hans translation, from Wagtail or from locale_wagtail/…/djangojs.po, and ours never
replaces one of Wagtail's."""

import gettext
import json
import re
from pathlib import Path

import pytest
import wagtail.admin
from django.conf import settings
from django.urls import reverse

from cases import roles
from tests import factories as f
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.conftest import admin_access, login  # noqa: F401

WAGTAIL_LOCALE = Path(wagtail.admin.__file__).parent / "locale"
OURS = Path(settings.BASE_DIR) / "locale_wagtail" / "zh_Hans" / "LC_MESSAGES" / "djangojs.mo"


def source_msgids() -> set[str]:
    """The msgids of Wagtail's JavaScript (its English catalogue lists them all)."""
    text = (WAGTAIL_LOCALE / "en" / "LC_MESSAGES" / "djangojs.po").read_text(encoding="utf-8")
    ids = set()
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        if match:
            ids.add("".join(re.findall(r'"(.*)"', match.group(1))).replace('\\"', '"'))
    return ids - {""}


def test_our_javascript_catalogue_never_replaces_wagtails():
    assert OURS.exists(), "compile the messages first (manage.py compilemessages)"
    with OURS.open("rb") as handle:
        ours = gettext.GNUTranslations(handle)._catalog
    with (WAGTAIL_LOCALE / "zh_Hans" / "LC_MESSAGES" / "djangojs.mo").open("rb") as handle:
        theirs = gettext.GNUTranslations(handle)._catalog
    assert [k for k in ours if k and k in theirs and theirs[k]] == []


@pytest.mark.django_db
def test_every_wagtail_javascript_string_is_chinese(city, login):  # noqa: F811
    chief = f.user("chief", roles.ADMINISTRATOR, is_superuser=True)
    script = login(chief).get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    missing = sorted(m for m in source_msgids()
                     if not catalog.get(m) or (isinstance(catalog[m], list) and not all(catalog[m])))
    assert missing == []
