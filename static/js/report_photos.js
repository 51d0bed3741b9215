/* Report form, photos and sending (docs/citizen-intake.md, "Photos in the browser").
 *
 * When photos are chosen, for each one and before anything else: the SHA-256 of the
 * original file (WebCrypto) and, for a JPEG, the GPS position in its EXIF (read here,
 * so nothing is uploaded to find it). Then a photo larger than the server's maximum
 * edge is shrunk to it (canvas, JPEG); the server still re-encodes what it receives.
 * The form is sent by XHR with upload progress, the original's hash beside each
 * photo (a claim the server records as such). A refused form comes back as a page
 * (the server keeps the photos). The pin's position is checked against the service
 * area as soon as it is placed. Without this script the form is sent as it is. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var configNode = document.getElementById("report-config");
  if (!form || !configNode || !window.XMLHttpRequest || !window.FormData) { return; }
  var config = JSON.parse(configNode.textContent);
  var T = config.text;
  var input = form.elements.photos;
  var prepared = Promise.resolve([]);
  var areaTimer = null;

  function byId(id) { return document.getElementById(id); }
  function fmt(text, args) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return args[key]; }).replace(/%%/g, "%");
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* --- EXIF GPS of a JPEG (APP1 "Exif", TIFF IFD0 -> GPS IFD) --- */
  function jpegGps(buffer) {
    var v = new DataView(buffer);
    if (v.byteLength < 4 || v.getUint16(0) !== 0xFFD8) { return null; }
    var offset = 2;
    while (offset + 4 <= v.byteLength) {
      var marker = v.getUint16(offset);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) { return null; }
      var size = v.getUint16(offset + 2);
      if (marker === 0xFFE1 && v.getUint32(offset + 4) === 0x45786966) {  // "Exif"
        return tiffGps(v, offset + 10);
      }
      offset += 2 + size;
    }
    return null;
  }
  function tiffGps(v, tiff) {
    try {
      var little = v.getUint16(tiff) === 0x4949;
      var entries = function (ifd) {
        var start = tiff + ifd;
        var found = {};
        for (var i = 0, n = v.getUint16(start, little); i < n; i++) {
          var at = start + 2 + i * 12;
          found[v.getUint16(at, little)] = at;
        }
        return found;
      };
      var ifd0 = entries(v.getUint32(tiff + 4, little));
      if (!ifd0[0x8825]) { return null; }
      var gps = entries(v.getUint32(ifd0[0x8825] + 8, little));
      var ref = function (tag) { return gps[tag] ? String.fromCharCode(v.getUint8(gps[tag] + 8)) : ""; };
      var angle = function (tag) {
        if (!gps[tag]) { return NaN; }
        var data = tiff + v.getUint32(gps[tag] + 8, little);
        var part = function (k) {
          var den = v.getUint32(data + k * 8 + 4, little);
          return den ? v.getUint32(data + k * 8, little) / den : 0;
        };
        return part(0) + part(1) / 60 + part(2) / 3600;
      };
      var lat = angle(2) * (ref(1) === "S" ? -1 : 1);
      var lng = angle(4) * (ref(3) === "W" ? -1 : 1);
      if (!isFinite(lat) || !isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180 ||
          (lat === 0 && lng === 0)) { return null; }
      return { lat: lat, lng: lng };
    } catch (e) {  // a truncated or odd EXIF block: no offer, never an error
      return null;
    }
  }

  /* --- Shrinking to the server's maximum edge --- */
  function shrink(file) {
    if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) { return Promise.resolve(null); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var longest = Math.max(bitmap.width, bitmap.height);
      if (longest <= config.maxEdge) { bitmap.close(); return null; }
      var scale = config.maxEdge / longest;
      var canvas = el("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";  // a transparent PNG becomes a JPEG on white, as the server does
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.9); });
    }).then(function (blob) {
      if (!blob || blob.size >= file.size) { return null; }
      return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
    }).catch(function () { return null; });  // a format this browser cannot decode: sent as it is
  }

  function prepare(file) {
    return file.arrayBuffer().then(function (buffer) {
      var digest = window.crypto && crypto.subtle ? crypto.subtle.digest("SHA-256", buffer).then(hex)
        .catch(function () { return ""; }) : Promise.resolve("");
      var gps = file.type === "image/jpeg" ? jpegGps(buffer) : null;
      return Promise.all([digest, shrink(file)]).then(function (done) {
        return { original: file, sha256: done[0], gps: gps, send: done[1] || file };
      });
    });
  }

  /* --- Chosen photos: list, limits, GPS offer --- */
  function keptCount() { return form.querySelectorAll("input[name=kept_photo]:checked").length; }
  function showList(items, error) {
    var box = byId("photo-list");
    box.textContent = "";
    if (error) { box.appendChild(el("p", { "class": "error-message", id: "photo-error" }, error)); return; }
    if (!items.length) { return; }
    var list = el("ul", { "class": "photo-items" });
    items.forEach(function (p) {
      var text = p.send === p.original ? fmt(T.photoAsIs, { name: p.original.name, size: mb(p.original.size) })
        : fmt(T.photoShrunk, { name: p.original.name, from: mb(p.original.size), to: mb(p.send.size),
                               edge: config.maxEdge });
      list.appendChild(el("li", {}, text));
    });
    box.appendChild(list);
  }
  function choose() {
    var files = Array.prototype.slice.call(input.files || []);
    byId("photo-gps-offer").textContent = "";
    if (files.length) { byId("photo-list").textContent = T.preparingPhotos; }
    // Prepared whatever the checks below say: the server refuses, names the problem and
    // keeps the photos, rather than a report going out without them.
    prepared = Promise.all(files.map(prepare));
    prepared.then(function (items) {
      var big = items.filter(function (p) { return p.send.size > config.maxPhotoBytes; })[0];
      if (files.length + keptCount() > config.maxPhotos) {
        showList([], fmt(T.tooManyPhotos, { count: config.maxPhotos }));
      } else if (big) {
        showList([], fmt(T.photoTooLarge, { name: big.original.name, mb: Math.round(config.maxPhotoBytes / 1048576) }));
      } else {
        showList(items);
        offerGps(items, 0);
      }
    }).catch(function () { showList([]); });
  }

  function offerGps(items, i) {
    if (i >= items.length) { return; }
    var item = items[i];
    var next = function () { offerGps(items, i + 1); };
    if (item.gps) {
      areaOf(item.gps.lat, item.gps.lng, "wgs84").then(function (area) {
        if (area.ok && !area.outside) { showGpsOffer(item.original.name, item.gps); } else { next(); }
      }).catch(next);
    } else if (item.original.type !== "image/jpeg" && item.original.size <= config.maxPhotoBytes) {
      serverGps(item.original).then(function (data) {  // PNG, WebP, HEIC: read by the server
        if (data.ok && data.found) { showGpsOffer(item.original.name, data); } else { next(); }
      }).catch(next);
    } else {
      next();
    }
  }
  function serverGps(file) {
    var body = new FormData();
    body.append("photo", file);
    return fetch(config.urls.photoGps, { method: "POST", body: body, credentials: "same-origin",
                                         headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } })
      .then(function (r) { return r.json(); });
  }
  function showGpsOffer(name, point) {
    var box = byId("photo-gps-offer");
    box.textContent = "";
    var panel = el("div", { "class": "notice" });
    panel.appendChild(el("p", {}, fmt(T.photoGps, { name: name })));
    var row = el("div", { "class": "button-row" });
    var yes = el("button", { type: "button", "class": "button button--secondary" }, T.usePhotoGps);
    var no = el("button", { type: "button", "class": "button button--link" }, T.ignore);
    yes.addEventListener("click", function () {
      form.dispatchEvent(new CustomEvent("portal:use-point", {
        detail: { lat: point.lat, lng: point.lng, source: "photo", crs: "wgs84" } }));
      box.textContent = "";
    });
    no.addEventListener("click", function () { box.textContent = ""; });
    row.appendChild(yes);
    row.appendChild(no);
    panel.appendChild(row);
    box.appendChild(panel);
  }

  /* --- The pin outside the city: said at once, not only on sending --- */
  function areaOf(lat, lng, crs) {
    var url = config.urls.area + "?lat=" + encodeURIComponent(lat) + "&lng=" + encodeURIComponent(lng) +
      "&crs=" + encodeURIComponent(crs || "wgs84");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); });
  }
  function checkPin(e) {
    var p = e.detail;
    clearTimeout(areaTimer);
    areaTimer = setTimeout(function () {
      areaOf(p.lat, p.lng, p.crs).then(function (area) {
        var box = byId("pin-outside");
        if (!box || !area.ok) { return; }
        box.textContent = area.outside ? area.message : "";
        box.hidden = !area.outside;
        var status = byId("map-status");
        if (area.outside && status) { status.textContent = ""; }  // not "the pin is set" beside the warning
      }).catch(function () { /* the server says it on sending */ });
    }, 250);
  }

  /* --- Sending with progress --- */
  function progress(shown, text, percent) {
    byId("upload-progress").hidden = !shown;
    byId("upload-progress-status").textContent = text || "";
    if (percent !== undefined) { byId("upload-progress-bar").value = percent; }
  }
  function body(items) {
    var data = new FormData(form);
    data.delete("photos");
    data.delete("photo_sha256");
    items.forEach(function (p) {
      data.append("photos", p.send, p.send.name);
      data.append("photo_sha256", p.sha256);
    });
    return data;
  }
  function send(items, button) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Portal-Upload", "1");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round(100 * e.loaded / e.total);
      progress(true, fmt(T.uploading, { percent: percent, sent: mb(e.loaded), total: mb(e.total) }), percent);
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
      if (answer && answer.location) {
        progress(true, T.uploadDone, 100);
        window.location.assign(answer.location);
        return;
      }
      // A refusal before the form (too many requests, too large): the server's own page.
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      progress(true, T.uploadFailed);
      button.disabled = false;
    });
    progress(true, fmt(T.uploading, { percent: 0, sent: mb(0), total: "…" }), 0);
    xhr.send(body(items));
  }
  function submit(e) {
    if (e.defaultPrevented) { return; }  // the proof of work is still running (report.js sends again)
    var submitter = e.submitter;
    if (submitter && submitter.hasAttribute("formaction")) { return; }  // "follow this case": a plain post
    e.preventDefault();
    var button = byId("submit-report");
    button.disabled = true;
    progress(true, T.preparingPhotos, 0);
    prepared.then(function (items) { send(items, button); }, function () {
      progress(true, T.uploadFailed);
      button.disabled = false;
    });
  }

  input.addEventListener("change", choose);
  form.addEventListener("portal:pin", checkPin);
  form.addEventListener("submit", submit);
}());
