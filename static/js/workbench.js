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

  function shown(el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length); }

  /* After a failed submit: focus on the first invalid field. After an action on the case
     page (the server redirects to #case-actions): focus stays at the case's actions and
     the result is announced in their live region (a message already in the page when it
     loads is not announced by screen readers, so it is written in after the load). */
  function initFocus() {
    var invalid = [].filter.call(document.querySelectorAll("main [aria-invalid='true']"), shown);
    if (invalid.length) {
      invalid[0].focus();
      return;
    }
    var refused = document.querySelector("main details[open] .help-critical[tabindex]");
    if (refused) {  // the action was refused as a whole (a non-field error)
      refused.focus();
      return;
    }
    var actions = document.getElementById("case-actions");
    if (!actions || window.location.hash !== "#case-actions") { return; }
    actions.focus();
    var status = document.getElementById("case-action-status");
    var texts = [].map.call(document.querySelectorAll(".messages li"), function (li) {
      return li.textContent.replace(/\s+/g, " ").trim();
    }).filter(Boolean);
    if (status && texts.length) {
      window.setTimeout(function () { status.textContent = texts.join(" "); }, 150);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initFocus();
    initMap();
    initMergeSearch();
    initImportProgress();
  });
}());
