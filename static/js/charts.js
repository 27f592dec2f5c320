// Draws every chart on the page from its JSON block: <div class="chart" data-figure="ID">
// reads <script type="application/json" id="ID">. No inline scripts, so a strict CSP holds.
// The map's base layers come from static/vendor/topojson (data-topojson-url on this script),
// never from plotly's CDN. Filters work without this script; it only submits the interval
// switch as soon as it changes.
// Charts are drawn one at a time, each in a task of its own (about 50 ms apart, so the page
// answers clicks and scrolling in between): first the #anchor's chart, or the one nearest the
// viewport, then whichever is nearest at that moment. performance.mark("charts: ...") marks
// each step for the browser's profiler and the benchmark (scripts/bench_browser.py).
(function () {
  "use strict";
  var script = document.currentScript;
  var topojsonURL = script && script.dataset.topojsonUrl;
  var MIN_BAND_PX = 6;          // a 7-day band on a three-year axis must still be seen
  var CHAR_PX = 7.6;            // average width of a 13 px legend character
  var MAX_MAP_PX = 560;         // the map's height at most, on wide screens
  var PX_PER_PLACE_NAME = 130;  // map width per place name written on it
  var LEGEND_ROW_PX = 19;       // one row of a 13 px horizontal legend
  var LEGEND_ITEM_PX = 46;      // a legend entry's symbol and gaps, its text aside
  var GAP_MS = 50;              // between two charts' tasks

  function mark(name) {
    if (window.performance && performance.mark) { performance.mark("charts: " + name); }
  }

  // Plotly never wraps a legend entry: a long one is cut off at the chart's edge. Break names
  // at spaces so every entry fits the width the legend has (symbol and padding take ~50 px).
  function wrap(text, width) {
    var limit = Math.max(12, Math.floor((width - 50) / CHAR_PX));
    if (!text || text.length <= limit || text.indexOf("<br>") !== -1) { return text; }
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > limit) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("<br>");
  }

  function fitLegend(element, figure) {
    var layout = figure.layout;
    var width = element.clientWidth;
    (figure.data || []).forEach(function (trace) { if (trace.name) { trace.name = wrap(trace.name, width); } });
    (layout.shapes || []).forEach(function (shape) { if (shape.name) { shape.name = wrap(shape.name, width); } });
  }

  // A horizontal legend under the plot grows with its entries (several rows on a phone) and
  // would then cover the x-axis title or be cut off at the bottom. Once drawn, measure it and,
  // if so, anchor it to the bottom of the chart's box and make the box taller by what it needs.
  function roomForLegend(element) {
    var full = element._fullLayout;
    var scroll = element.querySelector(".legend .scrollbox");
    var background = element.querySelector(".legend .bg");
    if (!full || !scroll || !background || !full.legend || full.legend.orientation !== "h") { return; }
    var content = scroll.getBBox().height;  // every entry, even those scrolled out of view
    var legendBox = background.getBoundingClientRect();
    var svgBox = element.querySelector(".main-svg").getBoundingClientRect();
    var title = element.querySelector(".g-xtitle text, .g-x2title text");
    var overlaps = title && title.getBoundingClientRect().bottom > legendBox.top - 2;
    var clipped = legendBox.height + 1 < content || legendBox.bottom > svgBox.bottom + 1;
    if (!overlaps && !clipped) { return; }
    var axisRoom = title ? 64 : 16;
    var bottom = Math.ceil(content) + axisRoom;
    return {
      "legend.yref": "container", "legend.y": 0, "legend.yanchor": "bottom", "legend.maxheight": 1,
      "margin.b": bottom, height: full.height - full.margin.b + bottom
    };
  }

  // Rows a horizontal legend takes at this width: plotly lays its entries left to right and
  // starts a new row when the next one does not fit; a wrapped name makes its row taller.
  function legendHeight(figure, width) {
    var rows = [], used = 0, tallest = 1;
    (figure.data || []).forEach(function (trace) {
      if (!trace.name || trace.showlegend === false) { return; }
      var lines = String(trace.name).split("<br>");
      var longest = Math.max.apply(null, lines.map(function (line) { return line.length; }));
      var entry = LEGEND_ITEM_PX + longest * CHAR_PX;
      if (used && used + entry > width) { rows.push(tallest); used = 0; tallest = 1; }
      used += entry;
      tallest = Math.max(tallest, lines.length);
    });
    if (used) { rows.push(tallest); }
    return rows.reduce(function (sum, lines) { return sum + lines; }, 0) * LEGEND_ROW_PX;
  }

  // A map keeps the shape of the area it shows: its height follows its width.
  function fitMap(element, figure) {
    var meta = figure.layout.meta;
    if (!meta || !meta.aspect) { return; }
    var layout = figure.layout;
    var margin = Object.assign({}, layout.margin || {});
    // The legend sits under the map in rows of its own (six on a phone): reserve them, or
    // plotly shrinks the map to make room.
    margin.b = (margin.b || 0) + legendHeight(figure, element.clientWidth) + 20;
    layout.legend = Object.assign({}, layout.legend, { yref: "container", y: 0, yanchor: "bottom" });
    layout.margin = margin;
    var mapHeight = element.clientWidth * meta.aspect;
    var lon = layout.geo && layout.geo.lonaxis && layout.geo.lonaxis.range;
    if (mapHeight > MAX_MAP_PX && lon) {  // on a wide screen show more land on either side
      var middle = (lon[0] + lon[1]) / 2, half = (lon[1] - lon[0]) / 2 * mapHeight / MAX_MAP_PX;
      layout.geo.lonaxis.range = [Math.max(-180, middle - half), Math.min(180, middle + half)];
      mapHeight = MAX_MAP_PX;
    }
    layout.height = Math.round(mapHeight) + (margin.b || 0) + (margin.t || 0);
    element.style.minHeight = "0";
    // Place names come busiest first; a narrow map keeps only as many as it has room for.
    var room = Math.max(2, Math.floor(element.clientWidth / PX_PER_PLACE_NAME));
    figure.data.forEach(function (trace) {
      if (trace.mode !== "text" || !trace.text || trace.text.length <= room) { return; }
      ["lat", "lon", "text"].forEach(function (key) { trace[key] = trace[key].slice(0, room); });
    });
  }

  // If the legend came out taller than reserved, the map was shrunk or covered: make room.
  function roomForMapLegend(element) {
    var full = element._fullLayout;
    var background = element.querySelector(".legend .bg");
    var geo = element.querySelector(".geolayer .bg") || element.querySelector(".geolayer");
    if (!full || !full.geo || !background || !geo) { return; }
    var legendBox = background.getBoundingClientRect(), geoBox = geo.getBoundingClientRect();
    var shrunk = geoBox.width + 2 < element.clientWidth - full.margin.l - full.margin.r;
    if (legendBox.top + 1 >= geoBox.bottom && !shrunk) { return; }
    var bottom = Math.ceil(legendBox.height) + 20;
    return { "margin.b": bottom, height: full.height - full.margin.b + bottom };
  }

  // Bands narrower than a few pixels (a week on a long axis) are widened around their middle.
  function widenBands(element) {
    var full = element._fullLayout;
    if (!full || !full.xaxis || !full.shapes) { return; }
    var axis = full.xaxis, update = {};
    full.shapes.forEach(function (shape, index) {
      if (shape.type !== "rect" || shape.xref !== "x") { return; }
      var x0 = axis.l2p(axis.r2l(shape.x0)), x1 = axis.l2p(axis.r2l(shape.x1));
      if (!isFinite(x0) || !isFinite(x1) || Math.abs(x1 - x0) >= MIN_BAND_PX) { return; }
      var middle = (x0 + x1) / 2;
      update["shapes[" + index + "].x0"] = axis.l2r(axis.p2l(middle - MIN_BAND_PX / 2));
      update["shapes[" + index + "].x1"] = axis.l2r(axis.p2l(middle + MIN_BAND_PX / 2));
    });
    return update;
  }

  // Once drawn, whatever the drawing shows to be wrong is put right in one relayout.
  function fitAfterDrawing(element) {
    var update = Object.assign({}, roomForLegend(element), roomForMapLegend(element));
    Object.assign(update, widenBands(element));  // a taller chart keeps its x axis
    if (Object.keys(update).length) { return window.Plotly.relayout(element, update); }
  }

  // Draw one chart; the promise settles (never rejects) once it is drawn or has failed.
  function draw(element) {
    var block = document.getElementById(element.dataset.figure);
    if (!block) { element.dataset.drawn = "error"; return Promise.resolve(); }
    mark("drawing " + element.id);
    var figure = JSON.parse(block.textContent);
    figure.layout = figure.layout || {};
    var config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { format: "png", filename: element.id, scale: 2 }
    };
    if (topojsonURL) { config.topojsonURL = topojsonURL; }
    fitLegend(element, figure);
    fitMap(element, figure);
    return window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      return fitAfterDrawing(element);
    }).then(function () {
      element.dataset.drawn = "true";
      mark("drawn " + element.id);
      if (figure.layout && figure.layout.geo) { detailWhenZoomed(element); }
    }, function (error) {
      element.dataset.drawn = "error";
      mark("failed " + element.id);
      if (window.console) { window.console.error(error); }
    });
  }

  // How far a chart is from the viewport, in pixels (0 when any of it is in view).
  function distanceFromView(element) {
    var box = element.getBoundingClientRect();
    var view = window.innerHeight || document.documentElement.clientHeight;
    if (box.bottom < 0) { return -box.bottom; }
    return box.top > view ? box.top - view : 0;
  }

  // The chart the address points at (#chart-map, #map-chart, #map-heading), if any.
  function anchoredChart() {
    var target = null;
    try {
      target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (error) { return null; }  // a malformed #%E0 must not stop the drawing
    if (!target) { return null; }
    if (target.matches(".chart[data-figure]")) { return target; }
    return (target.closest(".chart-card") || target).querySelector(".chart[data-figure]");
  }

  // Draw every chart, one per task, the one the reader sees first; the order is decided again
  // before each chart, so a reader who scrolls on gets the chart in view next.
  function drawAll(charts) {
    var pending = charts.slice(), anchored = anchoredChart();
    if (!pending.length || !window.Plotly) { return; }
    mark("start");
    function drawNext() {
      var next = anchored && pending.indexOf(anchored) !== -1 ? anchored : null;
      anchored = null;
      if (!next) {
        pending.forEach(function (element) {
          if (!next || distanceFromView(element) < distanceFromView(next)) { next = element; }
        });
      }
      pending.splice(pending.indexOf(next), 1);
      draw(next).then(function () {
        if (pending.length) { window.setTimeout(drawNext, GAP_MS); } else { mark("all drawn"); }
      });
    }
    window.setTimeout(drawNext, 0);  // a task of its own, after the browser has scrolled to #anchor
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

  // Copy buttons of the cite and embed boxes (the text stays selectable without them).
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = "Copied"; };
      source.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
    });
  });

  // Buttons, tables and the interval switch work before any chart is drawn.
  drawAll(Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure]")));
})();
