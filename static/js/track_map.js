/* The small map of the tracking page: the reporter's own pin, no interaction needed.
   Leaflet is served from the site; the coordinates come from data attributes. */
(function () {
  "use strict";
  var el = document.getElementById("track-map");
  if (!el || !window.L) { return; }
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  var map = window.L.map(el, { scrollWheelZoom: false, keyboard: false }).setView([lat, lng], 15);
  if (el.dataset.tiles) {
    window.L.tileLayer(el.dataset.tiles, {
      subdomains: el.dataset.subdomains || "abc", attribution: el.dataset.attribution || "",
      key: el.dataset.key, tk: el.dataset.key, maxZoom: 18
    }).addTo(map);
  }
  window.L.marker([lat, lng], { keyboard: false }).addTo(map);
}());
