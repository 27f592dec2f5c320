"""Static assets: fingerprinted copies, compressed once, served by WhiteNoise with a long lifetime.

Every file under ``static/`` is copied to the build folder under a name that carries a hash of
its content (``css/app.css`` -> ``css/app.3f2a9c0d1e7b.css``), with gzip and Brotli siblings
written by WhiteNoise's compressor. ``url_for('static', filename='css/app.css')`` names the
fingerprinted copy, which WhiteNoise serves as immutable for a year, so a second visit asks for
nothing that has not changed. A folder plotly.js reads by its own file names (the TopoJSON base
maps) is fingerprinted as a whole. plotly.js itself, from the plotly package, is served the same
way under its versioned name ``/assets/plotly-VERSION.min.js``.

The build runs at start-up and is content-addressed: a file already built is never rebuilt, so
only the first start after a change pays for compressing (Brotli at its best, a few seconds for
plotly.js). A file lock keeps gunicorn workers starting together from building twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import plotly
from plotly.offline import get_plotlyjs_version
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from tracker.security import HEADERS

PLOTLY_FILE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_VERSION = get_plotlyjs_version()
# Folders whose files are requested by name from a base URL (plotly.js adds "world_110m.json"):
# the folder name carries the fingerprint, the file names stay.
FINGERPRINTED_FOLDERS = ("vendor/topojson",)
HASH_LENGTH = 12
# A fingerprinted URL: "name.<12 hex>.ext", "folder.<12 hex>/", or plotly.js by its version.
IMMUTABLE_URL = re.compile(r"\.[0-9a-f]{12}(\.|/)|/assets/plotly-[0-9.]+\.min\.js$")
MANIFEST = "manifest.json"


def content_hash(data: bytes) -> str:
    """The first hex digits of the SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def fingerprinted_name(relative: str, digest: str) -> str:
    """css/app.css + digest -> css/app.<digest>.css."""
    folder, _, name = relative.rpartition("/")
    stem, dot, suffix = name.partition(".")
    hashed = f"{stem}.{digest}{dot}{suffix}" if dot else f"{name}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def source_files(source: Path) -> list[str]:
    """Every file under the static folder, as relative POSIX paths, sorted."""
    return sorted(
        path.relative_to(source).as_posix()
        for path in source.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


def plan(source: Path) -> dict[str, tuple[str, str]]:
    """Map each static file to (fingerprinted relative path, its source path)."""
    files = source_files(source)
    planned: dict[str, tuple[str, str]] = {}
    for folder in FINGERPRINTED_FOLDERS:
        members = [name for name in files if name.startswith(folder + "/")]
        digest = hashlib.sha256()
        for name in members:
            digest.update(name.encode() + b"\0" + (source / name).read_bytes())
        hashed_folder = f"{folder}.{digest.hexdigest()[:HASH_LENGTH]}"
        planned[folder + "/"] = (hashed_folder + "/", "")
        for name in members:
            planned[name] = (hashed_folder + name[len(folder) :], str(source / name))
    for name in files:
        if name not in planned:
            digest = content_hash((source / name).read_bytes())
            planned[name] = (fingerprinted_name(name, digest), str(source / name))
    return planned


def copy_and_compress(source: str, target: Path, compressor: Compressor) -> None:
    """Copy one file to its fingerprinted place with its compressed siblings, unless done."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    if compressor.should_compress(target.name):
        for written in compressor.compress(str(partial)):
            os.replace(written, str(target) + written[len(str(partial)) :])
    # The file itself last: once it exists, its siblings do too.
    os.replace(partial, target)


def build(source: Path, build_dir: Path) -> dict[str, str]:
    """Build the fingerprinted, compressed copies; return {static name: fingerprinted name}."""
    build_dir.mkdir(parents=True, exist_ok=True)
    compressor = Compressor(quiet=True)
    with open(build_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        planned = plan(source)
        for hashed, origin in planned.values():
            if origin:
                copy_and_compress(origin, build_dir / "static" / hashed, compressor)
        plotly_target = build_dir / "assets" / f"plotly-{PLOTLY_VERSION}.min.js"
        copy_and_compress(str(PLOTLY_FILE), plotly_target, compressor)
        manifest = {name: hashed for name, (hashed, _) in planned.items()}
        (build_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def add_security_headers(headers, path: str, url: str) -> None:
    """Static responses skip Flask's after_request hooks: the same security headers here."""
    for name, value in HEADERS.items():
        headers[name] = value


def init_app(app) -> None:
    """Build the assets, serve them through WhiteNoise, and point url_for('static') at them."""
    build_dir = Path(app.config.get("STATIC_BUILD_DIR") or Path(app.instance_path) / "assets")
    manifest = build(Path(app.static_folder), build_dir)
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def fingerprint_static_urls(endpoint: str, values: dict) -> None:
        """url_for('static', filename=...) -> the fingerprinted copy, when there is one."""
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    server = WhiteNoise(
        app.wsgi_app,
        max_age=60,  # files asked for by their plain name (no fingerprint) are re-checked soon
        immutable_file_test=lambda path, url: bool(IMMUTABLE_URL.search(url)),
        add_headers_function=add_security_headers,
        allow_all_origins=False,
    )
    server.add_files(str(build_dir / "static"), prefix="static/")
    server.add_files(str(build_dir / "assets"), prefix="assets/")
    server.add_files(app.static_folder, prefix="static/")
    app.wsgi_app = server
