"""Open311 GeoReport v2 API (docs/product.md §4.6), mounted at /open311/v2/."""
