"""How the process page draws its charts: the one the reader is looking at first, one chart at
a time (each step marked for the profiler), copy buttons working before any chart is drawn, and
a map whose legend keeps to its own rows on a phone. Order and marks are checked, never times."""

from datetime import date

from tests import factories
from tests.browser.layout_checks import wait_for_charts
from tracker.extensions import db
from tracker.models.base import ACLED_EVENT_TYPES
from tracker.services.figures.public import find_process

SLUG = "afghanistan-2020"
EVENT_TYPES = tuple(ACLED_EVENT_TYPES)  # all six: six legend rows on a phone
# Before the page's scripts run: the order in which charts get data-drawn, and how many charts
# plotly had started on when the copy buttons appeared.
WATCH = """(() => {
  const watch = window.__watch = { drawn: [], chartsStartedAtButtons: null };
  new MutationObserver(records => {
    for (const record of records) {
      const target = record.target;
      if (record.attributeName === 'data-drawn' && !watch.drawn.includes(target.id)) {
        watch.drawn.push(target.id);
        if (watch.drawn.length === 1 && window.__scrollOnFirst) {
          document.getElementById(window.__scrollOnFirst).scrollIntoView();
        }
      }
      if (record.attributeName === 'hidden' && target.matches('button[data-copy]') &&
          !target.hidden && watch.chartsStartedAtButtons === null) {
        watch.chartsStartedAtButtons = document.querySelectorAll('.chart .main-svg').length;
      }
    }
  }).observe(document, { subtree: true, attributes: true,
                         attributeFilter: ['data-drawn', 'hidden'] });
})();"""


def drawn_order(page) -> list[str]:
    wait_for_charts(page)
    assert page.locator(".chart[data-figure]:not([data-drawn='true'])").count() == 0
    return page.evaluate("window.__watch.drawn")


def chart_marks(page) -> list[str]:
    return page.evaluate(
        "performance.getEntriesByType('mark').map(m => m.name)"
        ".filter(name => name.startsWith('charts: '))"
    )


def test_the_anchored_chart_is_drawn_first_then_one_chart_at_a_time(demo, page):
    page.add_init_script(WATCH)
    page.goto(f"{page.base_url}/processes/{SLUG}#chart-map")
    order = drawn_order(page)
    charts = page.eval_on_selector_all(".chart[data-figure]", "els => els.map(e => e.id)")
    assert order[0] == "map-chart"
    assert sorted(order) == sorted(charts)
    # Each chart is drawn before the next is started, and the marks say so in that order.
    steps = [f"charts: {step} {chart}" for chart in order for step in ("drawing", "drawn")]
    assert chart_marks(page) == ["charts: start", *steps, "charts: all drawn"]
    assert page.watch.console_errors == []


def test_without_an_anchor_the_chart_nearest_the_viewport_comes_first(demo, page):
    page.add_init_script(WATCH)
    page.goto(f"{page.base_url}/processes/{SLUG}")
    order = drawn_order(page)
    first_in_page = page.eval_on_selector(".chart[data-figure]", "e => e.id")
    assert order[0] == first_in_page


def test_a_malformed_anchor_still_draws_every_chart(demo, page):
    page.add_init_script(WATCH)
    page.goto(f"{page.base_url}/processes/{SLUG}#%E0%A4%A")
    assert len(drawn_order(page)) == 7
    assert page.watch.console_errors == []


def test_a_reader_who_scrolls_on_gets_the_chart_in_view_next(demo, page):
    page.add_init_script("window.__scrollOnFirst = 'chart-map';")
    page.add_init_script(WATCH)
    page.goto(f"{page.base_url}/processes/{SLUG}")
    order = drawn_order(page)
    # Scrolled to the map as soon as the first chart was drawn: the map is the next one.
    assert order[0] != "map-chart" and order[1] == "map-chart"


def test_copy_buttons_work_before_any_chart_is_drawn(demo, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script(WATCH)
    page.goto(f"{page.base_url}/processes/{SLUG}")
    page.wait_for_function("() => window.__watch.chartsStartedAtButtons !== null")
    assert page.evaluate("window.__watch.chartsStartedAtButtons") == 0
    page.locator("#cite-progress summary").click()
    button = page.locator("button[data-copy='cite-progress-text']")
    button.click()
    assert button.text_content() == "Copied"
    wait_for_charts(page)


def test_the_map_legend_on_a_phone_has_rows_of_its_own(demo, page):
    with demo.app_context():  # six event types: six legend rows at 360 px
        process = find_process(SLUG)
        for number, event_type in enumerate(EVENT_TYPES):
            factories.violence(
                process,
                date(2020, 3, 1 + number),
                event_type=event_type,
                latitude=34.5 + number / 2,
                longitude=69.2 + number / 2,
            )
        db.session.commit()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{page.base_url}/processes/{SLUG}#chart-map")
    wait_for_charts(page)
    boxes = page.eval_on_selector(
        "#map-chart",
        """chart => {
          const box = el => { const r = el.getBoundingClientRect();
                              return { top: r.top, bottom: r.bottom, width: r.width }; };
          return { chart: box(chart), legend: box(chart.querySelector('.legend .bg')),
                   map: box(chart.querySelector('.geolayer .bg')),
                   entries: chart.querySelectorAll('.legend .traces').length };
        }""",
    )
    assert boxes["entries"] >= len(EVENT_TYPES)
    # The legend lies under the map, not over it, and the map keeps the card's whole width.
    assert boxes["legend"]["top"] >= boxes["map"]["bottom"] - 1
    assert boxes["map"]["width"] >= boxes["chart"]["width"] - 2
    assert page.watch.console_errors == []
