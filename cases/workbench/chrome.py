"""Per-process caches of the back office's HTML that does not change from one request to
the next (docs/performance.md, "Staff case list"): the case list's filter bar and
Wagtail's sidebar.

A staff list request spent ~70 ms of Python on a 2-core machine, most of it not on the
50 rows (written in Python already) but on what surrounds them: the filter form (16
fields through Wagtail's field template, 5 selects whose choices are read from the
database) and Wagtail's sidebar (every menu hook's permission check, the search areas,
the telepath packing of the menu). Neither depends on the cases:

* **Filter bar** (`cached_html`): a function of the query string's filter values, the
  language and the reference data (departments, categories, townships, batches), whose
  edits bump the public-data version (cases.refcache, wired in cases.apps). Key: those
  three; a value is also dropped after ``refcache.LOCAL_TTL`` seconds (a bump lost while
  the cache server was down).
* **Sidebar** (`install_sidebar_cache`): a function of the user (name, avatar, and the
  permissions behind each menu item) and the language. Key: the user's id, roles,
  superuser flag, language and the public-data version; kept ``SIDEBAR_TTL`` seconds. A
  change to a group's permissions therefore shows in the menu within that time; the
  views check permissions on every request themselves, so a stale menu shows or hides
  a link, never grants access.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cases import refcache, roles

SIDEBAR_TTL = 60
MAX_ENTRIES = 512
_html: OrderedDict[tuple, tuple[str, float]] = OrderedDict()


def cached_html(name: str, parts: tuple, render: Callable[[], str], ttl: float = refcache.LOCAL_TTL) -> SafeString:
    """`render()`'s HTML for `parts` under the language and the public-data version,
    kept in this process (least recently used out past ``MAX_ENTRIES``)."""
    key = (name, get_language(), refcache.version(refcache.PUBLIC_DATA), *parts)
    now = time.monotonic()
    hit = _html.get(key)
    if hit is not None and now - hit[1] < ttl:
        _html.move_to_end(key)
        return mark_safe(hit[0])
    html = str(render())
    _html[key] = (html, now)
    _html.move_to_end(key)
    while len(_html) > MAX_ENTRIES:
        _html.popitem(last=False)
    return mark_safe(html)


def clear() -> None:
    _html.clear()


def form_key(form, params) -> tuple:
    """The values a bound form was given, for its own fields only, in a fixed order."""
    return tuple((name, tuple(params.getlist(name))) for name in form.fields if name in params)


def install_sidebar_cache() -> None:
    """Wrap Wagtail's ``{% sidebar_props %}`` tag with `cached_html` (called once from
    cases.apps before any template is compiled)."""
    # Imported here: Wagtail's admin template tags need the app registry, ready only in AppConfig.ready().
    from django import template
    from wagtail.admin.templatetags import wagtailadmin_tags

    original = wagtailadmin_tags.sidebar_props
    if getattr(original, "portal_cached", False):
        return

    def sidebar_props(context):
        request = context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return original(context)
        parts = (user.pk, tuple(sorted(roles.roles_of(user))), user.is_superuser, request.META.get("SCRIPT_NAME", ""))
        return cached_html("sidebar", parts, lambda: original(context), ttl=SIDEBAR_TTL)

    sidebar_props.portal_cached = True
    wagtailadmin_tags.sidebar_props = sidebar_props
    register: template.Library = wagtailadmin_tags.register
    register.simple_tag(sidebar_props, takes_context=True, name="sidebar_props")
