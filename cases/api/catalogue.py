"""Discovery, the service list and service definitions (one service per category
and sub-type; attributes from Category.attributes)."""

import re

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import Category

from .renderers import Many

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
# Bump when the service list or definitions change shape; clients refresh caches on a new value.
DEFAULT_CHANGESET = "2026-11-29 00:00"


def active_categories():
    """Active categories and the active sub-types of active categories, in admin order."""
    return (Category.objects.filter(is_active=True)
            .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
            .select_related("parent").order_by("parent__sort_order", "sort_order", "code"))


def find_service(code: str) -> Category | None:
    return active_categories().filter(code=code).first()


def display_name(category: Category) -> str:
    if (get_language() or "").startswith("en") and category.name_en:
        return category.name_en
    return category.name


def keywords(category: Category) -> str:
    """The spec wants a comma separated list; administrators type words with spaces or 、，."""
    words = [w for w in re.split(r"[\s,，、;；]+", category.keywords or "") if w]
    return ", ".join(words)


def service(category: Category) -> dict:
    group = category.parent if category.parent_id else category
    return {
        "service_code": category.code,
        "service_name": display_name(category),
        "description": category.description or None,
        "metadata": bool(attribute_specs(category)),
        "type": "realtime",
        "keywords": keywords(category),
        "group": display_name(group),
    }


def service_list() -> Many:
    return Many("service", [service(c) for c in active_categories()])


def attribute_specs(category: Category) -> list[dict]:
    """The category's questions, normalised, in presentation order."""
    specs = []
    for index, raw in enumerate(category.attributes or [], start=1):
        if not isinstance(raw, dict) or not raw.get("code"):
            continue  # the admin form refuses these; old rows must not break the API
        datatype = raw.get("datatype") if raw.get("datatype") in DATATYPES else "string"
        values = [v for v in raw.get("values") or [] if isinstance(v, dict) and "key" in v]
        specs.append({
            "variable": bool(raw.get("variable", True)),
            "code": str(raw["code"]),
            "datatype": datatype,
            "required": bool(raw.get("required", False)),
            "datatype_description": raw.get("datatype_description") or None,
            "order": _order(raw.get("order"), index),
            "description": raw.get("description") or "",
            "values": [{"key": str(v["key"]), "name": str(v.get("name", v["key"]))} for v in values],
        })
    return sorted(specs, key=lambda spec: spec["order"])


def _order(value, default: int) -> int:
    try:
        order = int(value)
    except (TypeError, ValueError):
        return default
    return order if order > 0 else default


def service_definition(category: Category) -> dict:
    attributes = []
    for spec in attribute_specs(category):
        attributes.append({**spec, "values": Many("value", spec["values"])})
    return {"service_code": category.code, "attributes": Many("attribute", attributes)}


def discovery(endpoint_url: str) -> dict:
    changeset = getattr(settings, "OPEN311_CHANGESET", DEFAULT_CHANGESET)
    return {
        "changeset": changeset,
        "contact": getattr(settings, "OPEN311_CONTACT", "") or _(
            "Contact the %(city)s rectification office (complaint intake desk) for help with this API."
        ) % {"city": settings.PORTAL_CITY_NAME},
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "") or _(
            "API keys are issued by the portal administrators of the rectification office on request."),
        "endpoints": Many("endpoint", [{
            "specification": SPECIFICATION,
            "url": endpoint_url,
            "changeset": changeset,
            "type": getattr(settings, "OPEN311_ENDPOINT_TYPE", "production"),
            "formats": Many("format", ["text/xml", "application/json"]),
        }]),
    }
