"""The page as a person sees it: headless Chromium over the DevTools protocol (Debian's `chromium`).

No console error, every chart drawn and non-empty, the findings table filters, the zh page's text
drawn in a CJK font; a screenshot of each page is written as an artifact.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from check_compliance.engine.reporters.html import page

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk; .ci/run does it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", "--window-size=1200,900"]


def artifacts() -> Path:
    folder = Path(os.environ.get("CHECK_COMPLIANCE_ARTIFACTS", Path(tempfile.gettempdir()) / "check-compliance-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Tab:
    """One page over the DevTools protocol: commands in order, events collected on the way."""

    def __init__(self, url: str) -> None:
        import websocket

        self.socket = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while not any(e.get("method") == event for e in self.events):
            assert time.monotonic() < end, f"no {event} within {seconds} s"
            self.events.append(json.loads(self.socket.recv()))

    def js(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def errors(self) -> list[str]:
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:300])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", "")[:300])
        return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # type: ignore[list-item]
    try:
        port_file = profile / "DevToolsActivePort"
        end = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            assert process.poll() is None, "chromium exited at start"
            assert time.monotonic() < end, "chromium did not open its DevTools port"
            time.sleep(0.1)
        yield int(port_file.read_text().split()[0])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _open(port: int, path: Path) -> Tab:
    # A new tab for each page, from the local browser's own endpoint (no network beyond it).
    with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT"), timeout=10) as answer:
        target = json.load(answer)
    tab = Tab(target["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "DOM", "CSS"):
        tab.send(f"{domain}.enable")
    tab.send("Page.navigate", url=path.as_uri())
    tab.wait_for("Page.loadEventFired")
    return tab


@pytest.fixture(scope="module")
def tabs(sample: dict, browser: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Tab]]:
    folder = tmp_path_factory.mktemp("pages")
    opened = {}
    for lang in ("en", "zh"):
        path = folder / f"sample-{lang}.html"
        path.write_text(page(sample["reports"][lang], sample["records"], sample["terms"]), encoding="utf-8")
        opened[lang] = _open(browser, path)
    yield opened
    for tab in opened.values():
        tab.socket.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_console_errors(tabs: dict[str, Tab], lang: str) -> None:
    assert tabs[lang].errors() == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_is_drawn_and_not_empty(tabs: dict[str, Tab], lang: str) -> None:
    charts = tabs[lang].js("""Array.from(document.querySelectorAll('figure.chart')).map(f => {
        const svg = f.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
        return [f.dataset.chart, box.width, box.height, svg ? svg.querySelectorAll('path, rect, use, image').length : 0]; })""")
    assert [c[0] for c in charts] == ["rates", "times", "heatmap", "channels", "satisfaction"]
    for name, width, height, marks in charts:
        assert width > 200 and height > 100 and marks > 10, name


def test_the_findings_table_filters_and_sorts(tabs: dict[str, Tab]) -> None:
    tab = tabs["en"]
    visible = "Array.from(document.querySelectorAll('#findings tbody tr')).filter(r => !r.hidden).length"
    assert tab.js(visible) == 37
    tab.js("{ const t = document.getElementById('filter-text'); t.value = 'C-0151'; t.dispatchEvent(new Event('input')) }")
    assert tab.js(visible) == 1
    assert tab.js("document.getElementById('filter-count').textContent") == "1"
    tab.js("{ const t = document.getElementById('filter-text'); t.value = ''; t.dispatchEvent(new Event('input')) }")
    tab.js("{ const s = document.getElementById('filter-status'); s.value = 'waived'; s.dispatchEvent(new Event('change')) }")
    assert tab.js(visible) == 0
    tab.js("{ const s = document.getElementById('filter-status'); s.value = ''; s.dispatchEvent(new Event('change')) }")
    assert tab.js(visible) == 37
    # Sort by delay, longest first (two clicks: ascending, then descending).
    tab.js("{ const h = Array.from(document.querySelectorAll('#findings th')).find(h => h.textContent.startsWith('delay')); h.click(); h.click() }")
    delays = tab.js("Array.from(document.querySelectorAll('#findings tbody tr')).map(r => r.cells[8].dataset.sort).filter(x => x)")
    assert [int(d) for d in delays] == sorted((int(d) for d in delays), reverse=True)


def test_the_zh_page_draws_its_text_in_a_cjk_font(tabs: dict[str, Tab]) -> None:
    tab = tabs["zh"]
    assert "履约" in tab.js("document.querySelector('h1').textContent")
    root = tab.send("DOM.getDocument")["root"]["nodeId"]
    node = tab.send("DOM.querySelector", nodeId=root, selector="h1")["nodeId"]
    fonts = tab.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
    cjk = [f["familyName"] for f in fonts if "CJK" in f["familyName"] or "Noto Sans SC" in f["familyName"]]
    if not cjk:
        pytest.fail(f"no CJK font drew the heading (fonts: {fonts}); install fonts-noto-cjk")


@pytest.mark.parametrize("lang, width, mobile", [("en", 1200, False), ("zh", 390, True)])
def test_a_screenshot_is_written(tabs: dict[str, Tab], lang: str, width: int, mobile: bool) -> None:
    """The whole page at a desktop's width (en) and a phone's (zh): nothing wider than the screen."""
    tab = tabs[lang]
    tab.socket.settimeout(240)  # drawing a tall page on a loaded machine takes a while
    tab.send("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=mobile)
    assert tab.js("document.body.scrollWidth") <= width + 1  # phone-readable: only the tables scroll sideways, inside their boxes
    height = min(tab.js("Math.ceil(document.documentElement.scrollHeight)"), 5000)
    tab.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)
    shot = tab.send("Page.captureScreenshot", format="png")
    target = artifacts() / f"sample-month.{lang}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    assert target.stat().st_size > 50_000
