"""What viewers read off the charts and headlines: percentages that show an overshoot, thousands
separators on every axis, labels named in the legend rather than drawn on the data, and a map
that keeps the shape of the area it shows."""

import json

import pytest

from tests.test_dashboard_pages import figures, text_of
from tracker.cli import DEMO_BUNDLES
from tracker.extensions import db
from tracker.services.dashboard.plot_violence import map_ranges, mercator_aspect, places_to_name
from tracker.services.figures.violence_map import MapCell
from tracker.services.figures.wording import honest_percent
from tracker.services.interchange.bundle_import import import_bundle

SLUG = "afghanistan-2020"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (100.5, "100.5\u00a0%"),  # 1,005 of 1,000: not "100 %"
        (99.96, "99.96\u00a0%"),  # not yet there: not "100 %" either
        (100, "100\u00a0%"),
        (103.94, "104\u00a0%"),
        (0.3, "0.3\u00a0%"),  # something released: not "0 %"
        (0, "0\u00a0%"),
        (12345.6, "12,346\u00a0%"),
    ],
)
def test_percentages_keep_an_overshoot_visible(value, shown):
    assert honest_percent(value) == shown


def test_the_taliban_overshoot_shows_on_the_home_and_process_pages(demo, client):
    # The demo's Taliban side released 1,005 of up to 1,000: the API says 100.5.
    home = text_of(client.get("/").get_data(as_text=True))
    assert "1,005 Afghan government prisoners of up to 1,000" in home
    assert "100.5 %" in home and "104 %" in home  # text_of reads the no-break space as " "
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    assert "1,005 of up to 1,000 (100.5 %)" in text_of(page)


def test_targets_deadlines_and_milestones_are_named_in_the_legend_not_on_the_plot(demo, client):
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    progress = figures(page)["progress"]["layout"]
    assert progress.get("annotations", []) == []  # nothing written over the lines
    named = [s["name"] for s in progress["shapes"] if s.get("showlegend")]
    assert named == [
        "Target: up to 5,000 prisoners",
        "Target: up to 1,000 prisoners",
        "Deadline",
        "Milestones (listed under the charts)",
    ]
    violence = figures(page)["violence"]["layout"]
    assert violence.get("annotations", []) == []
    assert [s["name"] for s in violence["shapes"] if s.get("showlegend")][0].startswith(
        "Seven-day reduction in violence"
    )


def test_every_count_axis_separates_thousands(demo, client):
    charts = figures(client.get(f"/processes/{SLUG}").get_data(as_text=True))
    pace = charts["pace"]["layout"]
    assert pace["yaxis"]["separatethousands"] is True
    assert pace["yaxis2"]["tickformat"] == ",d"  # the projection axis wrote "2000"
    assert charts["progress"]["layout"]["yaxis"]["tickformat"] == ",d"


def test_the_map_is_landscape_and_names_its_main_places(demo, client):
    figure = figures(client.get(f"/processes/{SLUG}").get_data(as_text=True))["map"]
    names = [t for t in figure["data"] if t.get("mode") == "text"]
    assert names and names[0]["text"] == ["Bagram Airfield"]
    assert 0.5 <= figure["layout"]["meta"]["aspect"] <= 0.75


def test_map_ranges_keep_a_country_sized_area_in_a_landscape_box():
    # Reports spread over Afghanistan (about 61-71 E, 31-37 N), and one lone report.
    cells = [
        MapCell(31.6, 65.7, "Battles", 3, 2, "Kandahar", 1),
        MapCell(37.0, 70.9, "Battles", 1, 0, "Faizabad", 1),
        MapCell(34.3, 62.2, "Battles", 1, 0, "Herat", 1),
    ]
    for sample in (cells, cells[:1]):
        (lat_min, lat_max), (lon_min, lon_max) = map_ranges(sample, 0.01)
        assert lat_min < min(c.latitude for c in sample) and lat_max > max(
            c.latitude for c in sample
        )
        assert lon_min < min(c.longitude for c in sample) and lon_max > max(
            c.longitude for c in sample
        )
        assert 0.5 <= mercator_aspect(lat_min, lat_max, lon_min, lon_max) <= 0.75 + 1e-9


def test_the_map_does_not_name_a_place_on_top_of_a_busier_one():
    # Lashkar Gah and Nad-e Ali are 0.2 degrees apart: their names would overprint each other.
    cells = [
        MapCell(31.59, 64.37, "Battles", 40, 10, "Lashkar Gah", 1),
        MapCell(31.61, 64.17, "Battles", 30, 5, "Nad-e Ali", 1),
        MapCell(34.52, 69.18, "Battles", 20, 5, "Kabul", 1),
        MapCell(36.70, 67.11, "Battles", 10, 1, "Mazar-i-Sharif", 1),
    ]
    assert [c.location for c in places_to_name(cells)] == [
        "Lashkar Gah",
        "Kabul",
        "Mazar-i-Sharif",
    ]


def test_release_axes_name_the_unit_counted_and_the_projection_axis_has_round_ticks(app, client):
    with app.app_context():
        import_bundle(json.loads(DEMO_BUNDLES[1].read_text(encoding="utf-8")))
        db.session.commit()
    charts = figures(client.get("/processes/yemen-stockholm-2018").get_data(as_text=True))
    assert (
        charts["progress"]["layout"]["yaxis"]["title"]["text"] == "Cumulative released (detainees)"
    )
    pace = charts["pace"]["layout"]
    assert pace["yaxis"]["title"]["text"] == "Released per week (detainees)"
    assert pace["yaxis2"]["tickmode"] == "auto"
