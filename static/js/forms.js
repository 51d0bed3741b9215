/* After a failed submit the first invalid field takes the focus, so a keyboard or
   screen-reader user lands where the work is (its label, hint and error are read with
   it: aria-describedby). The error summary above stays and is announced (role=alert);
   it takes the focus itself only when no field is marked (e.g. the anti-robot check). */
(function () {
  "use strict";
  function shown(el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length); }
  var invalid = [].filter.call(document.querySelectorAll("main [aria-invalid='true']"), shown);
  if (invalid.length) {
    invalid[0].focus();
    return;
  }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
