import pytest
from django.core.exceptions import ValidationError

from cases.boundaries import clean_boundary
from tests.factories import square


def test_polygon_is_kept():
    assert clean_boundary(square(117.0, 36.5)) == square(117.0, 36.5)


def test_empty_means_no_boundary():
    assert clean_boundary(None) == {}
    assert clean_boundary({}) == {}


def test_multipolygon_is_kept():
    multi = {"type": "MultiPolygon",
             "coordinates": [square(117.0, 36.5)["coordinates"], square(118.0, 36.5)["coordinates"]]}
    assert clean_boundary(multi) == multi


def test_feature_is_unwrapped_to_its_geometry():
    feature = {"type": "Feature", "properties": {"name": "东湖街道"}, "geometry": square(117.0, 36.5)}
    assert clean_boundary(feature) == square(117.0, 36.5)


@pytest.mark.parametrize("value", [
    [1, 2],
    "POLYGON((0 0, 1 0, 1 1, 0 0))",
    {"type": "Point", "coordinates": [117.0, 36.5]},
    {"type": "LineString", "coordinates": [[117.0, 36.5], [117.1, 36.6]]},
    {"type": "Polygon"},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[[117.0, 36.5], [117.1, 36.5], [117.0, 36.5]]]},  # too short
    {"type": "Polygon", "coordinates": [[[117.0, 36.5], [117.1, 36.5], [117.1, 36.6], [117.0, 36.6]]]},  # open
    {"type": "Polygon", "coordinates": [[["117", 36.5], [117.1, 36.5], [117.1, 36.6], ["117", 36.5]]]},
    {"type": "Polygon", "coordinates": [[[True, 36.5], [117.1, 36.5], [117.1, 36.6], [True, 36.5]]]},
])
def test_malformed_geojson_is_refused(value):
    with pytest.raises(ValidationError):
        clean_boundary(value)


def test_latitude_first_is_refused_as_out_of_range():
    swapped = {"type": "Polygon", "coordinates": [[[36.5, 117.0], [36.6, 117.0], [36.6, 117.1], [36.5, 117.0]]]}
    with pytest.raises(ValidationError, match=r"36\.5, 117\.0"):
        clean_boundary(swapped)


def test_longitude_beyond_180_is_refused():
    with pytest.raises(ValidationError):
        clean_boundary(square(180.5, 10.0))


def test_self_intersecting_bow_tie_is_refused():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError, match="Self-intersection"):
        clean_boundary(bow_tie)
