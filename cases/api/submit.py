"""POST Service Request: form fields → ReportInput / ReporterInput → submit_case.

Contact fields (email, first_name, last_name, phone) go only into the reporter
identity. A client's media_url is recorded in Case.extra and never fetched.
account_id and device_id identify a person or a device and are not kept.
"""

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cases.intake import ReporterInput, ReportInput, SubmitResult, submit_case
from cases.models import ApiClient, CaseSource, Category, LocationSource
from cases.photos import PhotoError
from cases.staffnames.names import join_name
from cases.workflow import WorkflowError

from .catalogue import attribute_specs, find_service
from .errors import ApiError, bad_request, not_found

MAX_DESCRIPTION = 4000  # the spec's limit
MAX_ADDRESS = 300  # Case.address
MAX_MEDIA_URL = 2000
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


@dataclass
class ParsedPost:
    category: Category
    report: ReportInput
    reporter: ReporterInput
    photos: list = field(default_factory=list)


def field_value(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def parse_post(request: HttpRequest, client: ApiClient) -> ParsedPost:
    code = field_value(request, "service_code")
    if not code:
        raise bad_request(_("service_code was not provided."))
    category = find_service(code)
    if category is None:
        raise not_found(_("service_code %(code)s was not found.") % {"code": code})
    errors: list[str] = []
    description = _description(request, errors)
    location = _location(request, errors)
    extra = _attributes(request, category, errors)
    if errors:
        raise bad_request(*errors)
    media_url = field_value(request, "media_url")[:MAX_MEDIA_URL]
    if media_url:
        extra["media_url"] = media_url  # recorded for staff; the server never fetches it
    report = ReportInput(
        category=category.parent if category.parent_id else category,
        subcategory=category if category.parent_id else None,
        description=description, source=CaseSource.API, source_detail=client.name, extra=extra,
        idempotency_key=_idempotency_key(request, client), **location,
    )
    return ParsedPost(category, report, _reporter(request), list(request.FILES.getlist("media")))


def _description(request: HttpRequest, errors: list[str]) -> str:
    text = field_value(request, "description")
    if not text:
        errors.append(_("description was not provided: describe the problem."))
    elif len(text) > MAX_DESCRIPTION:
        errors.append(_("description is longer than %(max)d characters.") % {"max": MAX_DESCRIPTION})
    return text


def _coordinate(raw: str, limit: float) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _location(request: HttpRequest, errors: list[str]) -> dict:
    lat_raw, long_raw = field_value(request, "lat"), field_value(request, "long")
    address = field_value(request, "address_string")
    if len(address) > MAX_ADDRESS:
        errors.append(_("address_string is longer than %(max)d characters.") % {"max": MAX_ADDRESS})
    if lat_raw or long_raw:
        lat, lng = _coordinate(lat_raw, 90), _coordinate(long_raw, 180)
        if not (lat_raw and long_raw):
            errors.append(_("lat and long must both be sent."))
        elif lat is None or lng is None:
            errors.append(_("lat and long must be WGS-84 decimal degrees (latitude -90 to 90, "
                            "longitude -180 to 180)."))
        else:
            return {"latitude": lat, "longitude": lng, "location_source": LocationSource.PIN,
                    "address": address}
        return {}
    if address:
        return {"address": address, "location_source": LocationSource.ADDRESS}
    if field_value(request, "address_id"):
        errors.append(_("address_id is not supported here: send lat and long, or address_string."))
    else:
        errors.append(_("A location was not provided: send lat and long, or address_string."))
    return {}


def _attributes(request: HttpRequest, category: Category, errors: list[str]) -> dict:
    given: dict[str, list[str]] = {}
    for key, values in request.POST.lists():
        match = _ATTRIBUTE.match(key)
        if match:
            given.setdefault(match.group(1), []).extend(v.strip() for v in values if v.strip())
    answers: dict = {}
    for spec in attribute_specs(category):
        if not spec["variable"]:
            continue  # information shown to the user, no answer expected
        values = given.get(spec["code"], [])
        if not values:
            if spec["required"]:
                errors.append(_("attribute[%(code)s] is required.") % {"code": spec["code"]})
            continue
        value, problem = _check_attribute(spec, values)
        if problem:
            errors.append(problem)
        else:
            answers[spec["code"]] = value
    return answers


def _check_attribute(spec: dict, values: list[str]) -> tuple[object, str]:
    code, datatype = spec["code"], spec["datatype"]
    keys = {v["key"] for v in spec["values"]}
    if datatype == "multivaluelist":
        bad = [v for v in values if v not in keys]
        return (values, "") if not bad else (None, _not_listed(code, bad[0]))
    value = values[-1]
    if datatype == "singlevaluelist" and value not in keys:
        return None, _not_listed(code, value)
    if datatype == "number" and _coordinate(value, math.inf) is None:
        return None, _("attribute[%(code)s] must be a number.") % {"code": code}
    if datatype == "datetime" and not (parse_datetime(value) or parse_date(value)):
        return None, _("attribute[%(code)s] must be an ISO 8601 date and time.") % {"code": code}
    if datatype == "string" and ("\n" in value or "\r" in value):
        return None, _("attribute[%(code)s] must be a single line.") % {"code": code}
    if len(value) > MAX_DESCRIPTION:
        return None, _("attribute[%(code)s] is too long.") % {"code": code}
    return value, ""


def _not_listed(code: str, value: str) -> str:
    return _("attribute[%(code)s]: %(value)s is not one of the listed values.") % {"code": code, "value": value}


def _reporter(request: HttpRequest) -> ReporterInput:
    first, last = field_value(request, "first_name"), field_value(request, "last_name")
    name = join_name(first, last)
    phone, email = field_value(request, "phone"), field_value(request, "email")
    # The API client collects the reporter's consent to the privacy notice (client agreement).
    return ReporterInput(is_anonymous=not (name or phone or email), name=name[:200], phone=phone[:40],
                         email=email[:254], consented=True)


def _idempotency_key(request: HttpRequest, client: ApiClient) -> str | None:
    """Optional `Idempotency-Key` header (an extension): a retried POST files one case."""
    token = (request.headers.get("Idempotency-Key") or "").strip()
    if not token:
        return None
    return hashlib.sha256(f"open311:{client.pk}:{token}".encode()).hexdigest()


def submit(parsed: ParsedPost, now: datetime | None = None) -> SubmitResult:
    try:
        return submit_case(parsed.report, parsed.reporter, parsed.photos, now=now, defer=True)
    except PhotoError as exc:
        raise bad_request(_("media: %(problem)s") % {"problem": exc.message}) from exc
    except WorkflowError as exc:
        raise ApiError(400, str(exc)) from exc
