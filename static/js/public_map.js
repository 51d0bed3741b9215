/* Map of the public cases (Leaflet, served from the site; no CDN). Points come from the
   page's GeoJSON export; nearby points are grouped with a simple pixel-grid clustering
   that is recomputed on every zoom. Popups are built with textContent (no HTML from data).
   Base layer, township outlines and datum conversion: static/js/portal_map.js. */
(function () {
  "use strict";
  var el = document.getElementById("case-map");
  var settingsNode = el && document.getElementById(el.dataset.mapSettings);
  if (!settingsNode || typeof window.L === "undefined" || !window.PortalMap) { return; }
  var L = window.L;
  var CELL = 56; // px: points closer than this on screen form one cluster
  var fitted = false;
  var handle = window.PortalMap.create(el, JSON.parse(settingsNode.textContent), {
    onTownships: function (outlines) {
      if (!fitted && outlines.getBounds().isValid()) { map.fitBounds(outlines.getBounds()); }
    }
  });
  var map = handle.map;
  var points = [];
  var layer = L.layerGroup().addTo(map);

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }

  function popup(props) {
    var box = document.createElement("div");
    box.appendChild(text("strong", props.reference));
    box.appendChild(text("div", props.category + (props.township ? " · " + props.township : "")));
    box.appendChild(text("div", props.status + " · " + (props.received_text || props.received)));
    if (props.summary) { box.appendChild(text("p", props.summary.slice(0, 160))); }
    if (props.approximate) { box.appendChild(text("em", el.dataset.labelApprox || "≈")); }
    return box;
  }

  function single(p) {
    return L.circleMarker(p.latlng, { radius: 7, weight: 2, color: "#ffffff", fillColor: "#0b5d3b",
                                      fillOpacity: 0.9, className: "case-point state-" + p.props.state })
      .bindPopup(popup(p.props));
  }

  function cluster(group) {
    var lat = 0, lng = 0;
    group.forEach(function (p) { lat += p.latlng.lat; lng += p.latlng.lng; });
    var count = group.length;
    var size = count < 10 ? 32 : count < 100 ? 40 : 48;
    var icon = L.divIcon({ className: "case-cluster", html: "<span>" + count + "</span>",
                           iconSize: [size, size] });
    var marker = L.marker([lat / count, lng / count], { icon: icon, keyboard: true,
                                                         title: count + " " + (el.dataset.labelCases || "") });
    marker.on("click", function () {
      map.fitBounds(L.latLngBounds(group.map(function (p) { return p.latlng; })).pad(0.3));
    });
    return marker;
  }

  function render() {
    layer.clearLayers();
    var zoom = map.getZoom();
    var cells = {};
    points.forEach(function (p) {
      var px = map.project(p.latlng, zoom);
      var key = Math.floor(px.x / CELL) + ":" + Math.floor(px.y / CELL);
      (cells[key] = cells[key] || []).push(p);
    });
    Object.keys(cells).forEach(function (key) {
      var group = cells[key];
      layer.addLayer(group.length === 1 ? single(group[0]) : cluster(group));
    });
  }

  function load(url, then) {
    if (!url) { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { then(data); } })
      .catch(function () { /* the list below the map shows the same cases */ });
  }

  load(el.dataset.geojson, function (data) {
    points = data.features.map(function (f) {
      return { latlng: handle.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]), props: f.properties };
    });
    if (points.length) {
      fitted = true;
      map.fitBounds(L.latLngBounds(points.map(function (p) { return p.latlng; })).pad(0.1));
    }
    render();
  });
  map.on("zoomend", render);
}());
