/* Report form: sub-types, map pin, "use my location", address search, similar cases
 * nearby, proof-of-work workers (photos and sending: report_photos.js). Every text shown comes translated
 * from the server (json_script "report-config"); without this script the form
 * still works with the address field. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var form = document.getElementById("report-form");
  var configNode = document.getElementById("report-config");
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  if (!form || !configNode) { return; }
  var config = JSON.parse(configNode.textContent);
  var T = config.text;
  var els = form.elements;
  var map = null;
  var view = null;  // PortalMap handle: WGS-84 <-> the tiles' datum (static/js/portal_map.js)
  var marker = null;
  var nearbyTimer = null;

  function fmt(text, args) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return args[key]; });
  }
  function byId(id) { return document.getElementById(id); }
  function setStatus(text) { var s = byId("map-status"); if (s) { s.textContent = text; } }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function getJSON(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    return fetch(url, options).then(function (r) { return r.json(); });
  }

  /* --- Proof of work: the strict-CSP ("external") ALTCHA build needs its workers. --- */
  function registerAltchaWorkers() {
    var registry = window.$altcha && window.$altcha.algorithms;
    if (!registry) { return; }
    ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"].forEach(function (name) {
      registry.set(name, function () { return new Worker(config.altchaWorkers.pbkdf2); });
    });
    ["SHA-256", "SHA-384", "SHA-512"].forEach(function (name) {
      registry.set(name, function () { return new Worker(config.altchaWorkers.sha); });
    });
  }

  /* --- Category and sub-type --- */
  function chosenCategory() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }
  function syncSubtypes() {
    var chosen = chosenCategory();
    Array.prototype.forEach.call(form.querySelectorAll(".subtype"), function (box) {
      var on = box.getAttribute("data-category") === chosen;
      box.hidden = !on;
      box.querySelector("select").disabled = !on;
    });
  }

  /* --- Map and pin: the form always carries WGS-84; the marker is drawn in the tiles' datum --- */
  function setPin(lat, lng, source, quiet) {
    els.latitude.value = Number(lat).toFixed(6);
    els.longitude.value = Number(lng).toFixed(6);
    els.crs.value = "wgs84";
    els.location_source.value = source;
    if (map) {
      if (!marker) {
        marker = L.marker(view.latLng(lat, lng), { draggable: true, keyboard: true, autoPan: true,
                                                   title: T.pinSet, alt: T.pinSet }).addTo(map);
        marker.on("dragend", function () {
          var p = view.wgs(marker.getLatLng());
          setPin(p.lat, p.lng, "pin");
        });
      } else {
        marker.setLatLng(view.latLng(lat, lng));
      }
    }
    if (!quiet) { setStatus(T.pinSet); }
    scheduleNearby();
    // Listeners (report_photos.js) tell the citizen at once when the point is outside the city.
    form.dispatchEvent(new CustomEvent("portal:pin", { detail: { lat: els.latitude.value,
                                                                lng: els.longitude.value, crs: "wgs84" } }));
  }
  function showOnMap(lat, lng) { if (map) { map.setView(view.latLng(lat, lng), 16); } }
  function initMap() {
    var box = byId("map");
    if (!box || !window.L || !window.PortalMap) { return; }
    view = window.PortalMap.create(box, config.map, {
      onTownships: function (outlines) {  // outlines only: show the townships, not the margin around them
        if (!config.map.tiles && !marker && outlines.getBounds().isValid()) { map.fitBounds(outlines.getBounds()); }
      }
    });
    map = view.map;
    if (!config.map.tiles) {
      var notice = byId("map-notice");
      notice.textContent = T.noTiles;
      notice.hidden = false;
    }
    map.on("click", function (e) { var p = view.wgs(e.latlng); setPin(p.lat, p.lng, "pin"); });
    if (els.latitude.value && els.longitude.value) {  // the form came back with an error
      var lat = parseFloat(els.latitude.value);
      var lng = parseFloat(els.longitude.value);
      if (isFinite(lat) && isFinite(lng)) {
        var wgs = window.PortalMap.toWgs(els.crs.value || "wgs84", lat, lng);
        setPin(wgs[0], wgs[1], els.location_source.value || "pin", true);
        showOnMap(wgs[0], wgs[1]);
      }
    }
  }
  function locateMe() {
    if (!navigator.geolocation) { setStatus(T.locateFailed); return; }
    setStatus(T.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      setPin(pos.coords.latitude, pos.coords.longitude, "device");
      showOnMap(pos.coords.latitude, pos.coords.longitude);
    }, function () { setStatus(T.locateFailed); }, { enableHighAccuracy: true, timeout: 15000 });
  }
  function pinCentre() {
    if (!map) { return; }
    var c = view.wgs(map.getCenter());
    setPin(c.lat, c.lng, "pin");
  }

  /* --- Address search (server side, rate-limited, cached) --- */
  function search() {
    var input = byId("address-search-input");
    var results = byId("address-search-results");
    var q = input.value.trim();
    if (q.length < 2) { return; }
    results.textContent = T.searching;
    getJSON(config.urls.geocode + "?q=" + encodeURIComponent(q)).then(function (data) {
      results.textContent = "";
      if (!data.ok) { results.appendChild(el("p", {}, data.error)); return; }
      if (!data.results.length) { results.appendChild(el("p", {}, T.noResults)); return; }
      results.appendChild(el("p", {}, T.choosePlace));
      var list = el("ul");
      data.results.forEach(function (place) {
        var button = el("button", { type: "button", "class": "button button--secondary" }, place.label);
        button.addEventListener("click", function () {
          setPin(place.lat, place.lng, "geocoder");
          showOnMap(place.lat, place.lng);
          if (!els.address.value) { els.address.value = place.label.slice(0, 300); }
          results.textContent = "";
        });
        var item = el("li");
        item.appendChild(button);
        list.appendChild(item);
      });
      results.appendChild(list);
    }).catch(function () { results.textContent = T.noResults; });
  }

  /* --- Photos (static/js/report_photos.js) place the pin through this event (WGS-84) --- */
  function usePoint(e) {
    var p = e.detail;
    setPin(p.lat, p.lng, p.source);
    showOnMap(p.lat, p.lng);
  }

  /* --- Similar open reports nearby --- */
  function scheduleNearby() {
    clearTimeout(nearbyTimer);
    nearbyTimer = setTimeout(loadNearby, 300);
  }
  function loadNearby() {
    var box = byId("nearby");
    var category = chosenCategory();
    if (!category || !els.latitude.value) { box.hidden = true; return; }
    var url = config.urls.nearby + "?category=" + encodeURIComponent(category) + "&lat=" +
      encodeURIComponent(els.latitude.value) + "&lng=" + encodeURIComponent(els.longitude.value) +
      "&crs=" + encodeURIComponent(els.crs.value);
    getJSON(url).then(function (data) {
      box.textContent = "";
      if (!data.ok || !data.cases.length) { box.hidden = true; return; }
      box.appendChild(el("p", {}, T.nearbyIntro));
      var list = el("ul");
      data.cases.forEach(function (c) { list.appendChild(nearbyItem(c)); });
      box.appendChild(list);
      box.appendChild(el("p", {}, T.fileAnyway));
      box.hidden = false;
    }).catch(function () { box.hidden = true; });
  }
  function nearbyItem(c) {
    var item = el("li");
    if (c.is_public) {
      item.appendChild(el("strong", {}, c.reference + " · " + c.state));
    } else {  // a report the public may not see: no reference, no distance
      item.appendChild(el("strong", {}, fmt(T.similarReceived, { date: c.received_on })));
    }
    var meta = c.is_public ? [c.category, c.township, fmt(T.received, { date: c.received_on }),
                              fmt(T.metres, { m: c.distance_m })] : [c.category];
    item.appendChild(el("span", { "class": "meta" }, meta.filter(Boolean).join(" · ")));
    if (c.summary) { item.appendChild(el("p", {}, c.summary)); }
    var button = el("button", { type: "submit", name: "follow_token", value: c.follow, formaction: config.urls.follow,
                                formnovalidate: "formnovalidate", "class": "button button--secondary" }, T.followThis);
    button.addEventListener("click", function () { els.photos.disabled = true; });  // nothing to upload
    item.appendChild(button);
    return item;
  }

  /* --- Sending before the proof of work is done: wait for it, then send --- */
  function guardSubmit() {
    var widget = form.querySelector("altcha-widget");
    var pending = null;
    if (!widget) { return; }
    widget.addEventListener("statechange", function (e) {
      if (pending && e.detail && e.detail.state === "verified") {
        var submitter = pending.submitter;
        pending = null;
        if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      }
    });
    form.addEventListener("submit", function (e) {
      var payload = form.querySelector("input[name=altcha]");
      if (payload && payload.value) { return; }
      e.preventDefault();
      pending = { submitter: e.submitter || null };
      var status = byId("captcha-status");
      if (status) { status.textContent = T.waitCaptcha; }
      if (typeof widget.getState === "function" && widget.getState() !== "verifying" &&
          typeof widget.verify === "function") { widget.verify(); }
    });
  }

  function bind(id, event, handler) { var n = byId(id); if (n) { n.addEventListener(event, handler); } }

  registerAltchaWorkers();
  guardSubmit();
  syncSubtypes();
  Array.prototype.forEach.call(form.querySelectorAll("input[name=category]"), function (radio) {
    radio.addEventListener("change", function () { syncSubtypes(); scheduleNearby(); });
  });
  initMap();
  bind("locate-me", "click", locateMe);
  bind("pin-centre", "click", pinCentre);
  bind("address-search-button", "click", search);
  bind("address-search-input", "keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); search(); }
  });
  form.addEventListener("portal:use-point", usePoint);
  window.addEventListener("pageshow", function () { if (els.photos) { els.photos.disabled = false; } });
}());
