"""The township outlines endpoint shared by every map (public and back office)."""

from django.http import HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET

from cases.maps import townships


def _etag(_request) -> str:
    return f"townships-{townships.version()}"


@gzip_page  # outlines compress ~4x (bench/townships_geojson.py); public data, nothing secret to leak
@require_GET
@condition(etag_func=_etag)
def townships_geojson(_request):
    response = HttpResponse(townships.geojson(), content_type="application/geo+json")
    # Boundaries are public and change rarely; the ETag makes the revalidation cheap.
    response["Cache-Control"] = "public, max-age=600"
    return response
