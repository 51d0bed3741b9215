/* Progress dashboard charts (Chart.js, served from the site). The data comes from a
   <script type="application/json"> block, so the page needs no inline script (CSP).
   Every chart is followed by a data table with the same numbers. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var palette = ["#0b5d3b", "#1f6fb2", "#b35c00", "#6f3c96", "#b3261e", "#3b7d23", "#8c564b",
                 "#b0207a", "#4d4d4d", "#007c85"];
  window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = "#1b1b1b";

  function config(chart) {
    var round = chart.kind === "doughnut";
    var horizontal = chart.kind === "bar" && chart.labels.length > 6;
    var scales = {};
    if (!round) {
      var valueAxis = { beginAtZero: true };
      if (chart.unit === "%") { valueAxis.max = 100; }
      scales[horizontal ? "x" : "y"] = valueAxis;
    }
    return {
      type: chart.kind,
      data: {
        labels: chart.labels,
        datasets: [{
          label: chart.series,
          data: chart.values,
          backgroundColor: round ? palette : palette[0],
          borderColor: round ? "#ffffff" : palette[0],
          borderWidth: round ? 2 : 1,
          fill: false,
          tension: 0.2
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: round, position: "bottom" } },
        scales: scales
      }
    };
  }

  charts.forEach(function (chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (canvas && chart.labels.length) {
      if (chart.kind === "bar" && chart.labels.length > 6) {
        // One readable row per label (CSSOM, not an inline style attribute: CSP allows it).
        canvas.parentNode.style.height = Math.max(18, chart.labels.length * 1.7 + 3) + "rem";
      }
      new window.Chart(canvas, config(chart));
    }
  });
}());
