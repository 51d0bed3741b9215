/* Department workbench: case map, merge target search, import progress.
   No external requests: Leaflet is served from /static/vendor, tiles from the
   configured (self-hosted or contracted) tile server only. */
(function () {
  "use strict";

  function initMap() {  // the case's WGS-84 point, drawn by the shared module (static/js/portal_map.js)
    if (window.PortalMap) { window.PortalMap.point(document.getElementById("case-map")); }
  }

  function initMergeSearch() {
    var form = document.querySelector("form[data-merge-search]");
    if (!form) { return; }
    var input = form.querySelector("input[name$='-target']");
    if (!input) { return; }
    var list = document.createElement("datalist");
    list.id = "merge-candidates";
    form.appendChild(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { return; }
      timer = setTimeout(function () {
        fetch(form.dataset.mergeSearch + "?q=" + encodeURIComponent(q), {
          headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" },
          credentials: "same-origin"
        }).then(function (r) { return r.ok ? r.json() : { results: [] }; }).then(function (data) {
          list.textContent = "";
          data.results.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.reference;
            option.label = c.reference + " · " + c.category + " · " + c.state + " · " + c.title;
            list.appendChild(option);
          });
        });
      }, 250);
    });
  }

  function initImportProgress() {
    var box = document.querySelector("[data-import-progress]");
    if (!box) { return; }
    var bar = box.querySelector("[data-progress-bar]");
    var text = box.querySelector("[data-progress-text]");
    var state = box.querySelector("[data-progress-state]");
    function poll() {
      fetch(box.dataset.importProgress, {
        headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (r) { return r.json(); }).then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        text.textContent = data.processed + " / " + data.total;
        state.textContent = data.state_label;
        if (data.finished) {
          window.location.reload();  // the server renders the summary or the problems by row
          return;
        }
        setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 3000); });
    }
    if (state.dataset.state !== "done" && state.dataset.state !== "failed") { poll(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMap();
    initMergeSearch();
    initImportProgress();
  });
}());
