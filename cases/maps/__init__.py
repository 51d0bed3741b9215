"""Maps without a foreign service: the Tianditu geocoder adapter, the township base
layer (GeoJSON) drawn when no tile server is configured, and the settings every map
of the portal shares (static/js/portal_map.js)."""
