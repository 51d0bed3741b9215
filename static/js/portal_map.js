/* Shared by every map of the portal (public case map, report form, workbench case page).
 *
 * - Datums: cases and township boundaries are stored in WGS-84. Tiles from AMap/Tencent
 *   (GCJ-02) or Baidu (BD-09) are offset by hundreds of metres, so every point is drawn
 *   at toDisplay(WGS-84) and every point picked on the map is stored as toWgs(picked).
 *   The formulas are those of PRCoords (CC0), the library the server uses (cases/geo.py);
 *   tests/browser/test_maps.py checks both give the same numbers.
 * - Base layer: with a tile server, its tiles; without one, the township boundaries from
 *   the database (/maps/townships.geojson), so the map always gives orientation and no
 *   tile request is made.
 * No external requests: Leaflet is served from /static/vendor. */
(function () {
  "use strict";

  var GCJ_A = 6378245, GCJ_EE = 0.00669342162296594323, BD_DLAT = 0.0060, BD_DLON = 0.0065, EPS = 1e-5;

  function inChina(lat, lng) { return lat >= 0.8293 && lat <= 55.8271 && lng >= 72.004 && lng <= 137.8347; }
  function rad(d) { return d * Math.PI / 180; }

  // Outside China the offset is not applied (as the providers do); the inverses below
  // iterate on the unconditional formula, as PRCoords does.
  function wgsToGcj(lat, lng) { return inChina(lat, lng) ? gcjOffset(lat, lng) : [lat, lng]; }
  function gcjOffset(lat, lng) {
    var x = lng - 105, y = lat - 35, s = Math.sin, PI = Math.PI;
    var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) +
      (2 * s(x * 6 * PI) + 2 * s(x * 2 * PI) + 2 * s(y * PI) + 4 * s(y / 3 * PI) +
       16 * s(y / 12 * PI) + 32 * s(y / 30 * PI)) * 20 / 3;
    var dLng = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) +
      (2 * s(x * 6 * PI) + 2 * s(x * 2 * PI) + 2 * s(x * PI) + 4 * s(x / 3 * PI) +
       15 * s(x / 12 * PI) + 30 * s(x / 30 * PI)) * 20 / 3;
    var magic = 1 - GCJ_EE * Math.pow(Math.sin(rad(lat)), 2);
    var latArc = rad(GCJ_A * (1 - GCJ_EE) / Math.pow(magic, 1.5));
    var lngArc = rad(GCJ_A * Math.cos(rad(lat)) / Math.sqrt(magic));
    return [lat + dLat / latArc, lng + dLng / lngArc];
  }
  function gcjToBd(lat, lng) {
    var r = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(rad(lat) * 3000);
    var theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(rad(lng) * 3000);
    return [r * Math.sin(theta) + BD_DLAT, r * Math.cos(theta) + BD_DLON];
  }
  function bdToGcjRough(lat, lng) {
    var x = lng - BD_DLON, y = lat - BD_DLAT;
    var r = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(rad(y) * 3000);
    var theta = Math.atan2(y, x) - 0.000003 * Math.cos(rad(x) * 3000);
    return [r * Math.sin(theta), r * Math.cos(theta)];
  }
  function wgsToBd(lat, lng) { var g = wgsToGcj(lat, lng); return gcjToBd(g[0], g[1]); }
  function wgsToBdAnywhere(lat, lng) { var g = gcjOffset(lat, lng); return gcjToBd(g[0], g[1]); }
  // Inverse by fixed-point iteration from a rough start (PRCoords' "bored" functions).
  function inverse(forward, rough) {
    return function (lat, lng) {
      var guess = rough(lat, lng), dLat = 99, dLng = 99, i = 0;
      while (i < 10 && Math.sqrt(dLat * dLat + dLng * dLng) > EPS) {
        var f = forward(guess[0], guess[1]);
        dLat = f[0] - lat; dLng = f[1] - lng;
        guess = [guess[0] - dLat, guess[1] - dLng];
        i += 1;
      }
      return guess;
    };
  }
  function gcjToWgsRough(lat, lng) { var f = wgsToGcj(lat, lng); return [2 * lat - f[0], 2 * lng - f[1]]; }
  var gcjToWgs = inverse(gcjOffset, gcjToWgsRough);
  var bdToWgs = inverse(wgsToBdAnywhere, function (lat, lng) { var g = bdToGcjRough(lat, lng); return gcjToWgsRough(g[0], g[1]); });

  var TO_DISPLAY = { gcj02: wgsToGcj, bd09: wgsToBd };
  var TO_WGS = { gcj02: gcjToWgs, bd09: bdToWgs };

  function toDisplay(crs, lat, lng) { return TO_DISPLAY[crs] ? TO_DISPLAY[crs](+lat, +lng) : [+lat, +lng]; }
  function toWgs(crs, lat, lng) { return TO_WGS[crs] ? TO_WGS[crs](+lat, +lng) : [+lat, +lng]; }

  /* A Leaflet map on `el` with the portal's base layer. `settings` comes from the server
   * (cases/maps/config.py); `options` are Leaflet map options plus `onTownships(layer)`. */
  function create(el, settings, options) {
    var L = window.L;
    options = options || {};
    var crs = settings.tiles ? settings.crs : "wgs84";
    var still = options.still === true;  // a picture (role="img"): nothing inside may take focus
    var map = L.map(el, { scrollWheelZoom: options.scrollWheelZoom === true, keyboard: !still, zoomControl: !still,
                          dragging: !still, touchZoom: !still, doubleClickZoom: !still, boxZoom: !still });
    map.attributionControl.setPrefix("Leaflet");  // plain text: no flag icon, no outside link
    var handle = {
      map: map, crs: crs, tiles: !!settings.tiles,
      latLng: function (lat, lng) { var p = toDisplay(crs, lat, lng); return L.latLng(p[0], p[1]); },
      wgs: function (latlng) { var p = toWgs(crs, latlng.lat, latlng.lng); return { lat: p[0], lng: p[1] }; }
    };
    if (settings.bounds) {
      map.fitBounds(L.latLngBounds(handle.latLng(settings.bounds[0][0], settings.bounds[0][1]),
                                   handle.latLng(settings.bounds[1][0], settings.bounds[1][1])));
    } else {
      map.setView([35.0, 105.0], 4);
    }
    if (settings.tiles) {
      L.tileLayer(settings.tiles.url, { subdomains: settings.tiles.subdomains, attribution: settings.tiles.attribution,
                                         key: settings.tiles.key, tk: settings.tiles.key, maxZoom: 18 }).addTo(map);
    } else {
      el.classList.add("map--townships");
      map.attributionControl.addAttribution(settings.text.townshipsOnly);
    }
    handle.townships = loadTownships(handle, settings, options.onTownships);
    maps.push(handle);
    return handle;
  }

  function loadTownships(handle, settings, then) {
    var L = window.L, base = !settings.tiles;
    return fetch(settings.townships, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return null; }
        var layer = L.geoJSON(data, {
          interactive: false,
          coordsToLatLng: function (c) { return handle.latLng(c[1], c[0]); },
          style: base ? { className: "township township--base", color: "#0b5d3b", weight: 1.5, fillColor: "#e6efe9",
                          fillOpacity: 0.7 }
                      : { className: "township", color: "#0b5d3b", weight: 1, fillOpacity: 0.04 },
          onEachFeature: function (feature, shape) {
            if (base && feature.properties && feature.properties.name) {
              shape.bindTooltip(feature.properties.name, { permanent: true, direction: "center",
                                                           className: "township-label", opacity: 0.9 });
            }
          }
        });
        layer.addTo(handle.map);
        handle.townshipLayer = layer;
        if (base) { layer.bringToBack(); }
        if (then) { then(layer); }
        return layer;
      })
      .catch(function () { return null; /* a map without outlines still takes a pin */ });
  }

  /* A small map of one stored (WGS-84) point: the workbench case page, the tracking page.
   * `el` carries data-lat, data-lng and data-map-settings (the id of the settings' JSON). */
  function point(el, options) {
    var node = el && document.getElementById(el.dataset.mapSettings);
    if (!node || !window.L) { return null; }
    var view = create(el, JSON.parse(node.textContent), options);
    var at = view.latLng(el.dataset.lat, el.dataset.lng);
    view.map.setView(at, view.tiles ? 15 : 12);  // on outlines only, show the township's edges
    var still = !!options && options.still === true;
    window.L.marker(at, { keyboard: !still, interactive: !still }).addTo(view.map);
    return view;
  }

  var maps = [];  // every map on the page, for the browser tests and the console
  window.PortalMap = {
    create: create, point: point, maps: maps, toDisplay: toDisplay, toWgs: toWgs,
    convert: { wgsToGcj: wgsToGcj, gcjToWgs: gcjToWgs, wgsToBd: wgsToBd, bdToWgs: bdToWgs, gcjToBd: gcjToBd }
  };
}());
