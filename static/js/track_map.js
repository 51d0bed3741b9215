/* The small map of the tracking page: the reporter's own pin, no interaction needed.
   Drawn by the shared module (static/js/portal_map.js): tiles or township outlines,
   the stored WGS-84 point shifted to the tiles' datum. */
(function () {
  "use strict";
  if (window.PortalMap) { window.PortalMap.point(document.getElementById("track-map"), { still: true }); }
}());
