"""Headless Chromium for the page tests: Debian's browser driven by Playwright's Python package."""
import contextlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1920, "height": 1080}


def chromium_or_skip() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("Chromium is missing on CI: bin/setup --dev installs Debian's chromium")
    pytest.skip("Chromium is not installed (run bin/install-chromium); browser tests skipped")


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield chromium
        chromium.close()


# What went wrong in any page a test opened: console errors, uncaught exceptions and failed
# requests (HTTP >= 400 or no answer). The autouse fixture `browser_problems` (tests/conftest.py)
# empties it before each test and fails the test if anything is left in it afterwards.
PROBLEMS: list[str] = []
# A test that provokes an error on purpose (a 403 page, a refused form) names the URL part here.
EXPECTED_FAILURES: list[str] = []
# Every browser context a test opened: closed when the test ends (browser_problems), so that no
# page of an earlier test goes on polling or reconnecting into the next test's database.
CONTEXTS: list = []
# Issue 20 item 5: every Content-Security-Policy violation any page reports (also in PROBLEMS,
# so every browser test fails on one). The page reports each as a `securitypolicyviolation`
# event, which this script, run in every page before its own, turns into a console error.
CSP_VIOLATIONS: list[str] = []
# Blocked on purpose, and no fault of the page: Redoc's bundle always asks the outside internet for
# its "by Redocly" logo (intranets have none); the policy stops that request and Redoc hides the image.
CSP_BLOCKED_ON_PURPOSE = ("https://cdn.redoc.ly/",)
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " in " + (e.sourceFile || e.documentURI) + ":" + e.lineNumber + " " + (e.sample || ""));
}, true);
"""


def _watch(page) -> None:
    def on_console(msg):
        if "Content Security Policy" in msg.text or msg.text.startswith("CSP violation"):
            if any(url in msg.text for url in CSP_BLOCKED_ON_PURPOSE):
                return
            CSP_VIOLATIONS.append(f"{page.url}: {msg.text}")
            PROBLEMS.append(f"CSP violation on {page.url}: {msg.text}")
            return
        # Chromium also logs each failed load as a console error: an expected one is no problem.
        where = (msg.location or {}).get("url") or page.url
        expected = msg.text.startswith("Failed to load resource") and any(part in where for part in EXPECTED_FAILURES)
        if msg.type == "error" and not expected:
            PROBLEMS.append(f"console error on {page.url}: {msg.text}")

    def on_response(response):
        if response.status >= 400 and not any(part in response.url for part in EXPECTED_FAILURES):
            PROBLEMS.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def on_failed(request):
        failure = request.failure or ""
        # A navigation away aborts the requests still in flight: that is no failure of the page.
        blocked = failure == "csp" and request.url.startswith(CSP_BLOCKED_ON_PURPOSE)
        if ("ERR_ABORTED" not in failure and not blocked
                and not any(part in request.url for part in EXPECTED_FAILURES)):
            PROBLEMS.append(f"request failed {request.method} {request.url}: {failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: PROBLEMS.append(f"uncaught exception on {page.url}: {exc}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)


def new_page(browser, viewport: dict, *, mobile: bool = False):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  is_mobile=mobile, has_touch=mobile, device_scale_factor=1)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    context.on("page", _watch)
    CONTEXTS.append(context)
    return context.new_page()


# page.wait_for_function takes a function ("() => …"): a bare expression that has to be polled is
# run through eval in the page, which the Content-Security-Policy refuses (no 'unsafe-eval').


def wait_for_value(page, selector: str, value: str, timeout: int = 3000) -> None:
    """Wait until a field holds `value`: a live list puts typed text back once htmx has settled
    the reloaded list, a few milliseconds after the new rows appear."""
    page.wait_for_function("([s, v]) => { const el = document.querySelector(s); return el && el.value === v; }",
                           arg=[selector, value], timeout=timeout)


def close_pages() -> None:
    while CONTEXTS:
        # The browser itself may already be gone (closed at its module's end).
        with contextlib.suppress(Exception):
            CONTEXTS.pop().close()


def expect_failure(url_part: str) -> None:
    """This test provokes failed requests whose URL contains url_part on purpose."""
    EXPECTED_FAILURES.append(url_part)


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_no_horizontal_scroll(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url} scrolls sideways: {width}px content in a {inner}px window"


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-12345")
    page.click("button[type=submit]")
    page.wait_for_load_state()
