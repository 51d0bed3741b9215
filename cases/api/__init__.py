"""Open311 GeoReport v2 API (PRODUCT §4.6), mounted at /open311/v2/."""
