// Draws every chart on the page from its JSON block: <div class="chart" data-figure="ID">
// reads <script type="application/json" id="ID">. No inline scripts, so a strict CSP holds.
(function () {
  "use strict";
  function draw(element) {
    var block = document.getElementById(element.dataset.figure);
    if (!block || !window.Plotly) { return; }
    var figure = JSON.parse(block.textContent);
    var config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { format: "png", filename: element.id, scale: 2 }
    };
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.dataset.drawn = "true";
    });
  }
  document.querySelectorAll(".chart[data-figure]").forEach(draw);
})();
