"""Open an HTML report in headless Chromium and say whether it rendered cleanly: no console errors, no
uncaught exceptions, no failed loads, every figure (<img>, top-level <svg>) decoded with a nonzero size.
Optionally take a full-page screenshot (for notes and issue comments).

Talks to Chromium over the DevTools protocol: `--remote-debugging-port=0` lets Chromium pick a free port and
write it to <user-data-dir>/DevToolsActivePort, so parallel runs never clash. Needs Debian's `chromium`
(scripts/install_chromium.sh) and the `websockets` package (the `test` extra).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ioi_agent.errors import IoiAgentError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Runs in the page after the load event; waits for every image to decode, then measures the figures.
_PROBE = """
(async () => {
  const images = [...document.images];
  await Promise.all(images.map((i) => i.decode().catch(() => null)));
  const size = (e) => { const r = e.getBoundingClientRect(); return {width: r.width, height: r.height}; };
  const figures = images.map((i) => ({
    tag: "img", source: i.currentSrc.slice(0, 48), complete: i.complete,
    natural_width: i.naturalWidth, natural_height: i.naturalHeight, ...size(i),
  }));
  for (const s of document.querySelectorAll("svg")) {
    if (!s.parentElement || !s.parentElement.closest("svg")) {
      figures.push({tag: "svg", source: "inline", complete: true, natural_width: null, natural_height: null,
                    ...size(s)});
    }
  }
  return {title: document.title, figures, tables: document.querySelectorAll("table").length,
          text_length: document.body ? document.body.innerText.length : 0};
})()
"""


class BrowserError(IoiAgentError):
    """Chromium could not be started or stopped answering; says what it printed."""


class PageProblem(BaseModel):
    source: str  # "console" (console.error/assert), "exception", "log" (network, security, ...), "navigation"
    text: str


class FigureCheck(BaseModel):
    tag: str  # "img" or "svg"
    source: str  # the start of the image's URL ("data:image/svg+xml;base64,...") or "inline"
    complete: bool
    natural_width: int | None
    natural_height: int | None
    width: float
    height: float

    @property
    def loaded(self) -> bool:
        decoded = self.tag != "img" or (
            self.complete and bool(self.natural_width) and bool(self.natural_height)
        )
        return decoded and self.width > 0 and self.height > 0


class RenderCheck(BaseModel):
    url: str
    title: str = ""
    tables: int = 0
    text_length: int = 0
    problems: list[PageProblem] = Field(default_factory=list)
    figures: list[FigureCheck] = Field(default_factory=list)
    seconds: float = 0.0
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.loaded for f in self.figures)

    def summary(self) -> str:
        lines = [f"{p.source}: {p.text}" for p in self.problems]
        lines += [f"figure not rendered: {f.tag} {f.source}" for f in self.figures if not f.loaded]
        return "\n".join(lines) or "ok"


def find_chromium() -> Path | None:
    """$IOI_AGENT_CHROMIUM, else the first Chromium/Chrome on PATH."""
    override = os.environ.get("IOI_AGENT_CHROMIUM")
    if override:
        return Path(override) if Path(override).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


class _DevTools:
    """A minimal DevTools client: numbered calls, and every event kept in arrival order."""

    def __init__(self, url: str, deadline: float) -> None:
        try:
            from websockets.sync.client import connect
        except ImportError as exc:
            raise BrowserError(
                "the HTML render check needs the websockets package (fix: pip install 'ioi-agent[test]')"
            ) from exc
        self.deadline = deadline
        # Entered as a context manager: newer websockets deprecate using connect() directly.
        # proxy=None: never send a localhost DevTools connection through $http_proxy.
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(
            connect(url, max_size=None, open_timeout=self._left(), proxy=None, compression=None)
        )
        self.events: list[dict[str, Any]] = []
        self._next_id = 0

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise BrowserError(
                "Chromium did not answer in time (fix: raise timeout_s, or check `chromium --version`)"
            )
        return left

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        try:
            message = json.loads(self.ws.recv(timeout=timeout))
        except TimeoutError:
            return None
        if "method" in message:
            self.events.append(message)
        return message

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        request: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        self.ws.send(json.dumps(request))
        while True:
            message = self._receive(self._left())
            if message is not None and message.get("id") == self._next_id:
                if "error" in message:
                    raise BrowserError(f"DevTools {method} failed: {message['error'].get('message')}")
                return message.get("result", {})

    def wait_event(self, method: str, session: str) -> dict[str, Any]:
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return event.get("params", {})
            seen = len(self.events)
            self._receive(self._left())

    def settle(self, seconds: float) -> None:
        """Collect whatever arrives in the next `seconds` (late console messages)."""
        end = min(time.monotonic() + seconds, self.deadline)
        while (left := end - time.monotonic()) > 0:
            self._receive(left)

    def close(self) -> None:
        self._stack.close()


def _problems(events: list[dict[str, Any]], session: str) -> list[PageProblem]:
    out: list[PageProblem] = []
    for event in events:
        if event.get("sessionId") != session:
            continue
        params = event.get("params", {})
        method = event["method"]
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = params.get("args", [])
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in args)
            out.append(PageProblem(source="console", text=text))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "exception")
            out.append(PageProblem(source="exception", text=text))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            where = f" ({entry['url']})" if entry.get("url") else ""
            out.append(
                PageProblem(source=f"log/{entry.get('source', '?')}", text=entry.get("text", "") + where)
            )
    return out


def _launch(binary: Path, user_dir: Path, width: int, height: int) -> subprocess.Popen[bytes]:
    args = [
        str(binary),
        "--headless=new",
        "--remote-debugging-port=0",
        f"--user-data-dir={user_dir}",
        f"--window-size={width},{height}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
        "--hide-scrollbars",
        "--mute-audio",
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox on
    args.append("about:blank")
    with (user_dir / "chromium.log").open("wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def _debugger_url(process: subprocess.Popen[bytes], user_dir: Path, deadline: float) -> str:
    port_file = user_dir / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            port, path = port_file.read_text().split("\n")[:2]
            if port and path:
                return f"ws://127.0.0.1:{int(port)}{path}"
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.05)
    tail = (user_dir / "chromium.log").read_text(errors="replace")[-1500:]
    state = f"exited with {process.returncode}" if process.poll() is not None else "gave no DevTools port"
    raise BrowserError(f"chromium {state}: {tail.strip()}")


class HeadlessChromium:
    """One headless Chromium for several checks (each page gets its own tab and DevTools session).

    with HeadlessChromium() as browser:
        result = browser.check("out/contest.html")
    """

    def __init__(
        self,
        chromium: Path | str | None = None,
        *,
        timeout_s: float = 60.0,
        width: int = 1280,
        height: int = 900,
    ) -> None:
        binary = Path(chromium) if chromium else find_chromium()
        if binary is None:
            raise BrowserError(
                "no chromium on PATH (fix: scripts/install_chromium.sh, or set IOI_AGENT_CHROMIUM)"
            )
        self.binary = binary
        self.timeout_s = timeout_s
        self.width = width
        self.height = height
        self._process: subprocess.Popen[bytes] | None = None
        self._devtools: _DevTools | None = None
        self._user_dir: Path | None = None

    def __enter__(self) -> HeadlessChromium:
        self._user_dir = Path(tempfile.mkdtemp(prefix="ioi-agent-chromium-"))
        self._process = _launch(self.binary, self._user_dir, self.width, self.height)
        try:
            deadline = time.monotonic() + self.timeout_s
            self._devtools = _DevTools(_debugger_url(self._process, self._user_dir, deadline), deadline)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._devtools is not None:
            self._devtools.deadline = time.monotonic() + 5
            # The browser may drop the socket while closing; it is killed below if it lingers.
            with contextlib.suppress(Exception):
                self._devtools.call("Browser.close")
            with contextlib.suppress(Exception):
                self._devtools.close()
            self._devtools = None
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._user_dir is not None:
            shutil.rmtree(self._user_dir, ignore_errors=True)
            self._user_dir = None

    def check(
        self, page: Path | str, *, screenshot: Path | str | None = None, settle_s: float = 0.3
    ) -> RenderCheck:
        """Load `page` (a file path or URL) in a new tab and report what went wrong, if anything."""
        devtools = self._devtools
        if devtools is None:
            raise BrowserError("HeadlessChromium.check called outside its `with` block")
        started = time.monotonic()
        devtools.deadline = started + self.timeout_s
        url = str(page)
        if "://" not in url:
            url = Path(page).resolve().as_uri()
        target = devtools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = devtools.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Runtime", "Log", "Page"):
                devtools.call(f"{domain}.enable", session=session)
            navigation = devtools.call("Page.navigate", {"url": url}, session=session)
            early: list[PageProblem] = []
            if navigation.get("errorText"):
                early.append(PageProblem(source="navigation", text=f"{url}: {navigation['errorText']}"))
            else:
                devtools.wait_event("Page.loadEventFired", session)
            probe = devtools.call(
                "Runtime.evaluate",
                {"expression": _PROBE, "awaitPromise": True, "returnByValue": True},
                session=session,
            )
            if "exceptionDetails" in probe:
                raise BrowserError(f"the page probe failed: {probe['exceptionDetails'].get('text')}")
            found = probe["result"]["value"]
            devtools.settle(settle_s)
            shot = _screenshot(devtools, session, Path(screenshot)) if screenshot is not None else None
        finally:
            with contextlib.suppress(BrowserError):
                devtools.call("Target.closeTarget", {"targetId": target})
        problems = early + _problems(devtools.events, session)
        devtools.events = [e for e in devtools.events if e.get("sessionId") != session]  # done with this tab
        return RenderCheck(
            url=url,
            title=found["title"],
            tables=found["tables"],
            text_length=found["text_length"],
            problems=problems,
            figures=[FigureCheck.model_validate(f) for f in found["figures"]],
            seconds=round(time.monotonic() - started, 3),
            screenshot=shot,
        )


def check_html(
    page: Path | str,
    *,
    chromium: Path | str | None = None,
    timeout_s: float = 60.0,
    screenshot: Path | str | None = None,
) -> RenderCheck:
    """Start Chromium, check one page, stop it (see HeadlessChromium to check several pages)."""
    with HeadlessChromium(chromium, timeout_s=timeout_s) as browser:
        return browser.check(page, screenshot=screenshot)


def _screenshot(devtools: _DevTools, session: str, path: Path) -> Path:
    metrics = devtools.call("Page.getLayoutMetrics", session=session)
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": content["width"], "height": content["height"], "scale": 1}
    shot = devtools.call(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True, "clip": clip},
        session=session,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def main(argv: list[str] | None = None) -> int:
    """`python -m ioi_agent.reports.browser PAGE.html [--screenshot OUT.png]`: exit 0 when it renders cleanly."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ioi_agent.reports.browser", description=main.__doc__)
    parser.add_argument("page")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args(argv)
    try:
        result = check_html(args.page, screenshot=args.screenshot)
    except IoiAgentError as exc:
        print(f"error: {exc}")
        return 2
    loaded = sum(f.loaded for f in result.figures)
    print(
        f"{result.url}: {loaded}/{len(result.figures)} figures rendered, {len(result.problems)} problems, "
        f"{result.seconds:.2f}s"
    )
    if not result.ok:
        print(result.summary())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
