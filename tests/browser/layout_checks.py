"""Measurements of a page's element boxes in the browser, shared by the layout tests: text that
runs out of its container, legends and chart labels cut off, and the axe-core audit."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

AXE = Path(__file__).parent.parent / "vendor" / "axe.min.js"

# Every visible element holding text of its own must lie inside its card (or main), unless it
# sits in a scroll region (.table-scroll), which scrolls it into view. Nothing may widen the
# page beyond the screen.
OVERFLOWING_TEXT = """() => {
  const problems = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
    ' "' + el.textContent.trim().slice(0, 40) + '"';
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    problems.push('the page scrolls sideways: ' + page.scrollWidth + ' > ' + page.clientWidth);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.chart, script, style, .visually-hidden, .skip-link')) { continue; }
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) { continue; }
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) { continue; }
    const style = getComputedStyle(el);
    if (style.display !== 'inline' && style.overflowX === 'visible' &&
        el.scrollWidth > el.clientWidth + 1) {
      problems.push(name(el) + ': text wider than its box');
    }
    if (el.closest('.table-scroll')) { continue; }
    const container = el.parentElement.closest('.card, .site-header, .site-footer, main');
    const box = (container || document.body).getBoundingClientRect();
    if (rect.right > box.right + 1 || rect.left < box.left - 1) {
      problems.push(name(el) + ': outside its container (' + Math.round(rect.left) + '-' +
        Math.round(rect.right) + ' in ' + Math.round(box.left) + '-' + Math.round(box.right) + ')');
    }
  }
  return problems;
}"""

# Every legend entry and chart annotation must lie inside the legend's visible box and the
# chart's own box: plotly neither wraps a long entry nor keeps it inside the chart.
CLIPPED_CHART_TEXT = """() => {
  const problems = [];
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1 &&
    r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  for (const chart of document.querySelectorAll('.chart[data-figure]')) {
    const box = chart.getBoundingClientRect();
    const legend = chart.querySelector('.legend .bg');
    const legendBox = legend && legend.getBoundingClientRect();
    for (const text of chart.querySelectorAll('.legend text.legendtext')) {
      const r = text.getBoundingClientRect();
      if (!inside(r, box) || !inside(r, legendBox)) {
        problems.push(chart.id + ': legend entry cut off: ' + text.textContent);
      }
    }
    const xTitle = chart.querySelector('.g-xtitle text, .g-x2title text');
    if (legendBox && xTitle) {
      const t = xTitle.getBoundingClientRect();
      const apart = t.bottom <= legendBox.top + 1 || t.top >= legendBox.bottom - 1 ||
        t.right <= legendBox.left || t.left >= legendBox.right;
      if (!apart) { problems.push(chart.id + ': the legend covers the x-axis title'); }
    }
    for (const text of chart.querySelectorAll('.annotation-text, .g-gtitle text')) {
      if (!inside(text.getBoundingClientRect(), box)) {
        problems.push(chart.id + ': label cut off: ' + text.textContent);
      }
    }
    for (const title of chart.querySelectorAll('.g-ytitle text, .g-y2title text, .g-xtitle text')) {
      const r = title.getBoundingClientRect();
      const plot = chart.querySelector('.main-svg').getBoundingClientRect();
      if (!inside(r, plot)) {
        problems.push(chart.id + ': axis title cut off: ' + title.textContent);
      }
    }
  }
  return problems;
}"""


def wait_for_charts(page) -> None:
    """Wait until every chart on the page has been drawn (or failed)."""
    expect(page.locator(".chart[data-figure]:not([data-drawn])")).to_have_count(0, timeout=90_000)


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page, served as if from the site (the CSP holds)."""
    axe_url = page.base_url + "/__test__/axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    return page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length"
        " + ' ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')))"
    )
