// Draws every chart on the page from its JSON block: <div class="chart" data-figure="ID">
// reads <script type="application/json" id="ID">. No inline scripts, so a strict CSP holds.
// The map's base layers come from static/vendor/topojson (data-topojson-url on this script),
// never from plotly's CDN. Filters work without this script; it only submits the interval
// switch as soon as it changes.
(function () {
  "use strict";
  var script = document.currentScript;
  var topojsonURL = script && script.dataset.topojsonUrl;

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
    if (topojsonURL) { config.topojsonURL = topojsonURL; }
    // On a phone a horizontal legend under the plot (y < 0) wraps onto several lines and covers
    // the x-axis title. There, anchor it to the bottom of the chart's box and leave it room.
    var legend = figure.layout && figure.layout.legend;
    if (legend && legend.orientation === "h" && legend.y < 0 && element.clientWidth < 560) {
      var entries = figure.data.filter(function (t) { return t.showlegend !== false; }).length;
      var margin = Object.assign({}, figure.layout.margin || {});
      margin.b = (margin.b || 40) + 40 + 22 * entries;
      figure.layout.margin = margin;
      figure.layout.legend = Object.assign({}, legend, { yref: "container", y: 0, yanchor: "bottom" });
    }
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.dataset.drawn = "true";
      if (figure.layout && figure.layout.geo) { detailWhenZoomed(element); }
    }, function (error) {
      element.dataset.drawn = "error";
      if (window.console) { window.console.error(error); }
    });
  }

  // Maps start on the small 110m base map; zoomed in, the 50m one draws coasts and borders finely.
  function detailWhenZoomed(element) {
    element.on("plotly_relayout", function (change) {
      var scale = change["geo.projection.scale"];
      if (scale > 2 && element.layout.geo.resolution !== 50) {
        window.Plotly.relayout(element, { "geo.resolution": 50 });
      }
    });
  }

  // A long data table is fetched the first time its <details> opens (the link stays as fallback).
  function loadTable(holder) {
    if (holder.dataset.state) { return; }
    holder.dataset.state = "loading";
    holder.setAttribute("aria-busy", "true");
    fetch(holder.dataset.tableUrl, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var table = page.querySelector(".table-scroll");
      if (!table) { throw new Error("no table in the response"); }
      holder.replaceChildren(document.importNode(table, true));
      holder.dataset.state = "loaded";
    }).catch(function () {
      holder.dataset.state = "";
      var note = document.createElement("p");
      note.textContent = "The table could not be loaded here; the link above opens it.";
      holder.appendChild(note);
    }).finally(function () { holder.removeAttribute("aria-busy"); });
  }

  document.querySelectorAll("details.data-table").forEach(function (details) {
    var holder = details.querySelector(".lazy-table[data-table-url]");
    if (!holder) { return; }
    if (details.open) { loadTable(holder); }
    details.addEventListener("toggle", function () { if (details.open) { loadTable(holder); } });
  });

  document.querySelectorAll(".chart[data-figure]").forEach(draw);

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
    });
  });
})();
