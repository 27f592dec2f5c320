"""Static assets: fingerprinted names, a year's cache lifetime, compressed bodies, a small map."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli

from tracker import PROJECT_ROOT
from tracker.assets import PLOTLY_FILE, PLOTLY_VERSION, build

STATIC = PROJECT_ROOT / "static"


def asset_urls(page: str) -> list[str]:
    """Every stylesheet and script URL on a page."""
    return re.findall(r'(?:href|src)="(/(?:static|assets)/[^"]+)"', page)


def fetch(client, url: str, encoding: str = "br"):
    """GET a URL asking for one content encoding; the response, read and closed."""
    response = client.get(url, headers={"Accept-Encoding": encoding})
    response.get_data()  # read before closing the file WhiteNoise streams from
    response.close()
    return response


def decoded(response) -> bytes:
    """A response body as the browser sees it after decompression."""
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    assert encoding is None, encoding
    return response.data


def test_process_page_assets_are_fingerprinted_cached_for_a_year_and_compressed(client, demo):
    page = client.get("/processes/afghanistan-2020").get_data(as_text=True)
    urls = asset_urls(page)
    names = {url.rsplit("/", 1)[-1] for url in urls}
    assert any(re.fullmatch(r"app\.[0-9a-f]{12}\.css", name) for name in names)
    assert any(re.fullmatch(r"dashboard\.[0-9a-f]{12}\.css", name) for name in names)
    assert any(re.fullmatch(r"charts\.[0-9a-f]{12}\.js", name) for name in names)
    assert f"/assets/plotly-{PLOTLY_VERSION}.min.js" in urls
    for url in urls:
        response = fetch(client, url)
        assert response.status_code == 200, url
        assert "immutable" in response.headers["Cache-Control"], url
        assert "max-age=315360000" in response.headers["Cache-Control"], url
        assert response.headers["Content-Encoding"] == "br", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    stylesheet = next(url for url in urls if "/app." in url)
    assert decoded(fetch(client, stylesheet)) == (STATIC / "css/app.css").read_bytes()
    gzipped = fetch(client, stylesheet, "gzip")
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert decoded(gzipped) == (STATIC / "css/app.css").read_bytes()


def test_plotly_js_arrives_compressed_to_under_a_third(client):
    response = fetch(client, f"/assets/plotly-{PLOTLY_VERSION}.min.js")
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) < PLOTLY_FILE.stat().st_size / 3
    assert decoded(response) == PLOTLY_FILE.read_bytes()


def test_plain_static_names_still_work_but_are_rechecked_soon(client):
    response = fetch(client, "/static/css/app.css", "identity")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


def test_map_starts_on_the_110m_base_map_served_from_a_fingerprinted_folder(client, demo):
    page = client.get("/processes/afghanistan-2020").get_data(as_text=True)
    folder = re.search(r'data-topojson-url="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/static/vendor/topojson\.[0-9a-f]{12}/", folder)
    base_map = fetch(client, folder + "world_110m.json")
    assert base_map.status_code == 200
    assert "immutable" in base_map.headers["Cache-Control"]
    assert json.loads(decoded(base_map))["type"] == "Topology"
    figure = json.loads(
        re.search(r'<script type="application/json" id="[^"]*map[^"]*">(.*?)</script>', page, re.S)
        .group(1)
        .replace("\\u003c", "<")
    )
    assert figure["layout"]["geo"]["resolution"] == 110


def test_pages_and_json_are_compressed_when_the_client_accepts_it(client, demo):
    page = client.get("/processes/afghanistan-2020", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"Afghanistan" in gzip.decompress(page.data)
    api = client.get(
        "/api/v1/processes/afghanistan-2020/violence", headers={"Accept-Encoding": "gzip"}
    )
    assert api.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.data))["items"]
    plain = client.get("/api/v1/processes/afghanistan-2020/violence")
    assert "Content-Encoding" not in plain.headers


def test_a_changed_file_gets_a_new_name_and_the_old_one_stays(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "vendor" / "topojson").mkdir(parents=True)
    (source / "vendor" / "topojson" / "world_110m.json").write_text('{"type": "Topology"}')
    (source / "css" / "app.css").write_text("body { color: black; }\n" * 50)
    first = build(source, tmp_path / "build")
    (source / "css" / "app.css").write_text("body { color: navy; }\n" * 50)
    second = build(source, tmp_path / "build")
    assert first["css/app.css"] != second["css/app.css"]
    assert first["vendor/topojson/"] == second["vendor/topojson/"]
    for name in (first["css/app.css"], second["css/app.css"]):
        built = Path(tmp_path / "build" / "static" / name)
        assert built.exists() and Path(f"{built}.gz").exists() and Path(f"{built}.br").exists()
    assert not list((tmp_path / "build").rglob("*.partial*"))
