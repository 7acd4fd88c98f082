"""Headless Chromium for the render tests: a session browser, and pages that record trouble.

Import the fixtures into a test module (``from render_browser import browser, page_factory``).
Without /usr/bin/chromium the tests skip, except under CI (env CI set), where they fail.
Every request to a non-file URL is recorded; the CDN URLs of the vendored libraries are served
from the vendor folder and tile requests get a blank PNG, so online maps can be tested without
network while offline maps are checked to make no request at all.
"""
from __future__ import annotations

import base64
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VENDOR = Path(__file__).resolve().parents[1] / "src" / "planmap" / "data" / "vendor"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/(leaflet(?:\.markercluster)?)@[\d.]+/dist/(.+)$")
# a 1x1 light grey PNG standing in for map tiles
_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPo6OgAAAMEAYGKb+YFAAAAAElFTkSuQmCC"
)


@dataclass
class Trace:
    """What a page did: console errors, page errors, dialogs and network requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every non-file: URL asked for


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (skips without it, fails under CI)."""
    if not _browser_available():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing but CI is set: install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _route(route, trace: Trace, serve_cdn: bool) -> None:
    url = route.request.url
    if url.startswith(("file:", "data:", "about:", "blob:")):
        route.continue_()
        return
    trace.requests.append(url)
    cdn = _CDN.match(url)
    if serve_cdn and cdn:
        pkg, file = cdn.groups()
        path = VENDOR / pkg / ("images/" if file.startswith("images/") else "") / Path(file).name
        ctype = "text/css" if file.endswith(".css") else "application/javascript"
        route.fulfill(status=200, body=path.read_bytes(), content_type=ctype,
                      headers={"Access-Control-Allow-Origin": "*"})
    elif serve_cdn and re.search(r"tile|autonavi|/\d+/\d+/\d+", url):
        route.fulfill(status=200, body=_TILE, content_type="image/png",
                      headers={"Access-Control-Allow-Origin": "*"})
    else:
        route.abort()


@pytest.fixture
def page_factory(browser):
    """open(path, serve_cdn=False) -> (page, trace); pages close after the test."""
    contexts = []

    def open_page(path: Path, *, serve_cdn: bool = False, width: int = 1280, height: int = 860):
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        page = ctx.new_page()
        trace = Trace()
        page.on("console", lambda m: trace.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: trace.page_errors.append(str(e)))

        def on_dialog(d):
            trace.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.route("**/*", lambda route: _route(route, trace, serve_cdn))
        page.goto(Path(path).resolve().as_uri())
        return page, trace

    yield open_page
    for ctx in contexts:
        ctx.close()


def wait_ready(page, timeout: float = 15_000) -> None:
    """Wait until the planmap runtime has drawn the projects."""
    page.wait_for_function("() => window.planmap && window.planmap.ready === true", timeout=timeout)


def screenshot(page, name: str) -> Path:
    """Save a PNG under test-artifacts/ (git-ignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def distinct_colours(png: Path) -> int:
    """How many distinct RGB colours a screenshot has (a blank page has one or two)."""
    from PIL import Image

    with Image.open(png) as img:
        return len(img.convert("RGB").getcolors(maxcolors=1 << 24))
