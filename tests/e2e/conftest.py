"""End-to-end tests: Debian's Chromium driven by Playwright against a live server.

Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
calls made from it; the tests call the ORM only to build data, so that guard is lifted.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[2]
AXE_PATH = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("TISSER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """The live server answers several requests at once (a page and its htmx fragments),
    each thread on its own connection to the shared in-memory SQLite database, whose table
    locks fail at once (« database table is locked ») instead of waiting as PostgreSQL's
    row locks do. On SQLite the live server therefore answers one request at a time."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    lock = threading.Lock()
    original = WSGIHandler.__call__

    def one_at_a_time(self, environ, start_response):
        with lock:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = one_at_a_time
    yield
    WSGIHandler.__call__ = original


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make browser-deps`.")
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run `make browser-deps`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatcher:
    """Collects what a page reports that a user would never see: CSP refusals, JS errors."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"JS error: {error}"))
        page.on("console", self._on_console)

    def _on_console(self, message):
        text = message.text
        if message.type == "error" and "Content Security Policy" in text:
            self.problems.append(f"CSP: {text}")


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (own cookies) and page: ``new_page(width=320, height=640)``."""
    contexts = []

    def open_page(*, width=1280, height=900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.watcher = PageWatcher(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def run_axe(page) -> list[dict]:
    """Run axe-core in the page and return its violations of impact serious or critical.

    ``page.evaluate`` is not subject to the page's CSP, so the strict policy stays on.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary})),
            }));
        }"""
    )
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            lines.append(f"      {node['summary']}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: no serious or critical axe violation, printed on failure."""

    def check(page):
        violations = run_axe(page)
        report = format_violations(page.url, violations)
        if violations:
            print(report)
        assert not violations, report

    return check
