"""Validation of township boundaries entered by administrators.

A boundary is a GeoJSON Polygon or MultiPolygon in WGS-84 (longitude, latitude)
order. Routing does point-in-polygon on it (cases/routing.py), so a broken
geometry must be refused when it is entered, not discovered when a report comes in.
"""

from numbers import Real

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def clean_boundary(value) -> dict:
    """The geometry to store ({} for none), or ValidationError with a plain message.

    A GeoJSON Feature (what most drawing tools export) is unwrapped to its geometry.
    """
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("Enter a GeoJSON object, not a list or a single value."))
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind = value.get("type")
    if kind not in GEOMETRY_TYPES:
        raise ValidationError(
            _("The boundary must be a GeoJSON Polygon or MultiPolygon (got %(kind)s).")
            % {"kind": kind or _("no type")}
        )
    coordinates = value.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("The boundary has no coordinates."))
    for polygon in polygons:
        _check_polygon(polygon)
    geometry = {"type": kind, "coordinates": coordinates}
    _check_geometry(geometry)
    return geometry


def _check_polygon(polygon) -> None:
    if not isinstance(polygon, list) or not polygon:
        raise ValidationError(_("Each polygon must be a list of rings."))
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("Each ring needs at least four positions."))
        for position in ring:
            _check_position(position)
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError(_("Each ring must end at the position where it starts."))


def _check_position(position) -> None:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(n, Real) and not isinstance(n, bool) for n in position)
    ):
        raise ValidationError(_("Each position must be [longitude, latitude]."))
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            _("Position [%(lon)s, %(lat)s] is out of range: longitude comes first and must be "
              "between -180 and 180, latitude between -90 and 90.") % {"lon": lon, "lat": lat}
        )


def _check_geometry(geometry: dict) -> None:
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(_("The boundary is not a readable geometry: %(error)s") % {"error": exc}) from exc
    if geom.is_empty:
        raise ValidationError(_("The boundary is empty."))
    if not geom.is_valid:
        raise ValidationError(
            _("The boundary is not a valid polygon (%(reason)s). Check for self-intersections "
              "and overlapping parts.") % {"reason": explain_validity(geom)}
        )
