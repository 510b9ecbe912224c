"""Headless Chromium driven through the DevTools protocol over a pipe (`--remote-debugging-pipe`): open a page at
a given width, collect its console errors, exceptions and network requests, evaluate script, take screenshots.

Only the standard library: the protocol's messages are JSON separated by NUL bytes on file descriptors 3 (to the
browser) and 4 (from it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

#: The flags that run Debian's chromium headless as root in a container, with nothing fetched on its own.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
)
TIMEOUT = 30.0


def chromium() -> str:
    """The chromium executable; skips the test when it is missing, unless CI is set (then the test fails)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs it: apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


class Browser:
    """One headless Chromium process with a fresh profile."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the protocol's descriptors 3 and 4 (moved up first: either may be one)
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_r, from_browser_w)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _send(self, method: str, params: dict | None, session: str | None) -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result, keeping the events that arrive meanwhile."""
        ident = self._send(method, params, session)
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._receive(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, session: str, since: int = 0) -> None:
        """Wait for an event of a session, among those received from index `since` on."""
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events[since:]):
            self.events.append(self._receive(deadline))

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


class Page:
    """A page opened at a viewport size: what it logged, what it requested, and ways to look at it."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (an exception in it fails the test)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def _events(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.browser.events if e.get("method") == method
                and e.get("sessionId") == self.session]

    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and browser log errors (a blocked resource, a
        Content Security Policy violation)."""
        found = [
            f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            for p in self._events("Runtime.consoleAPICalled") if p["type"] in ("error", "warning", "assert")
        ]
        found += [f"exception: {p['exceptionDetails']}" for p in self._events("Runtime.exceptionThrown")]
        found += [f"log.{p['entry']['level']}: {p['entry']['text']}" for p in self._events("Log.entryAdded")
                  if p["entry"]["level"] in ("error", "warning")]
        return found

    def requests(self) -> list[str]:
        """Every URL the page asked for."""
        return [p["request"]["url"] for p in self._events("Network.requestWillBeSent")]

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the whole page, or of what the viewport shows."""
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": full_page})["data"]
        path.write_bytes(base64.b64decode(data))
        return path


class Chromium:
    """`with Chromium() as browser: page = browser.open(file, width=...)`."""

    def __enter__(self) -> Chromium:
        self._profile = tempfile.TemporaryDirectory(prefix="mlrepolint-chromium-")
        self.browser = Browser(Path(self._profile.name))
        return self

    def __exit__(self, *exc: object) -> None:
        self.browser.close()
        self._profile.cleanup()

    def open(self, file: Path, width: int = 1280, height: int = 900, mobile: bool = False,
             javascript: bool = True) -> Page:
        """Load `file` in a new tab at the viewport size and wait for its load event."""
        target = self.browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self.browser, session)
        for domain in ("Runtime", "Log", "Page", "Network"):
            page.call(f"{domain}.enable")
        page.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        if not javascript:
            page.call("Emulation.setScriptExecutionDisabled", {"value": True})
        since = len(self.browser.events)
        page.call("Page.navigate", {"url": file.resolve().as_uri()})
        self.browser.wait_for("Page.loadEventFired", session, since)
        return page
