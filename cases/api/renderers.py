"""XML and JSON output in the GeoReport v2 shapes.

A document is a root element name plus a body. The body is a `Many` (a list:
`<services><service>…</service></services>`, a JSON array) or a dict (an object:
`<service_definition>…</service_definition>`, a JSON object). Dict values may be
scalars, None (an empty element / JSON null) or a `Many`, which becomes a
container element with one child per item. JSON follows the Spark convention the
specification names: the root element is dropped and repeated elements become
arrays.
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.http import HttpResponse

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")
# Characters XML 1.0 cannot carry at all; a citizen's text must not make the document unparseable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Many:
    """A repeated element: `tag` names each item in XML."""

    tag: str
    items: list = field(default_factory=list)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _fill(parent: ET.Element, value) -> None:
    if isinstance(value, Many):
        for item in value.items:
            _fill(ET.SubElement(parent, value.tag), item)
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(parent, key), child)
    elif value is not None:
        parent.text = _text(value)


def to_xml(root: str, body) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    text = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")


def _plain(value):
    if isinstance(value, Many):
        return [_plain(item) for item in value.items]
    if isinstance(value, dict):
        return {key: _plain(child) for key, child in value.items()}
    return value


def to_json(body) -> bytes:
    return json.dumps(_plain(body), ensure_ascii=False).encode("utf-8")


def render(fmt: str, root: str, body, status: int = 200) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(to_json(body), content_type=JSON_CONTENT_TYPE, status=status)
    else:
        response = HttpResponse(to_xml(root, body), content_type=XML_CONTENT_TYPE, status=status)
    # Responses depend on the query and change with every case update.
    response["Cache-Control"] = "no-store"
    return response
