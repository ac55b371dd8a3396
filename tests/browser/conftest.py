"""Real-browser tests: Playwright driving the system's Chromium against the live test server.

Chromium comes from the operating system (`apt-get install -y chromium`,
or any build named by `CHROMIUM=/path/to/chromium`), never from
`playwright install`. Without it the browser tests are left out with a
message saying how to install it, except under `CI=true`, where each of
them fails with that message: CI never passes without them.

Every browser context these tests open is watched: a console error, an
uncaught script error, a Content-Security-Policy violation or a request to
any address but the test server's fails the test that caused it.
"""

import itertools
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.ci import under_ci

BROWSER_TESTS = Path(__file__).parent
SCREENSHOTS = BROWSER_TESTS / "screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Headless and quiet: no sandbox (CI runs as root in a container), no GPU,
# and none of the background traffic a desktop browser starts on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LEFT_OUT = pytest.StashKey[int]()


def chromium_path():
    return Path(os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM)


def chromium_found():
    path = chromium_path()
    return path.is_file() and os.access(path, os.X_OK)


def chromium_missing_message():
    return (
        f"Chromium was not found at {chromium_path()}, so the browser tests (tests/browser) "
        "cannot run. Install it with `sudo apt-get install -y chromium` (Debian and Ubuntu), "
        "or point CHROMIUM at a Chromium or Chrome binary, e.g. "
        "`CHROMIUM=/opt/chrome/chrome make test`. Never `playwright install`: the tests use "
        "the system's browser. To leave them out of a local run: `make test BROWSER=0`."
    )


def is_browser_test(item):
    return BROWSER_TESTS in Path(str(item.path)).parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if is_browser_test(item)]
    if not browser_items:
        return
    others = [item for item in items if not is_browser_test(item)]
    if not chromium_found() and not under_ci():
        config.hook.pytest_deselected(items=browser_items)
        config.stash[LEFT_OUT] = len(browser_items)
        items[:] = others
        return
    # Last, because Playwright keeps an event loop running on the main
    # thread from the first browser test to the end of the session.
    items[:] = others + browser_items


def pytest_terminal_summary(terminalreporter, config):
    left_out = config.stash.get(LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_sep("=", "browser tests left out", yellow=True)
        terminalreporter.write_line(f"{left_out} browser tests did not run.")
        terminalreporter.write_line(chromium_missing_message())


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    """Let the tests query the database while Playwright's event loop is running.

    Playwright's synchronous API keeps an asyncio loop registered as running
    on the main thread between calls, and Django refuses ORM calls when it
    sees one, although nothing here runs asynchronously.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not chromium_found():
        pytest.fail(chromium_missing_message(), pytrace=False)
    headless = browser_type_launch_args.get("headless", True)  # False with --headed
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium_path()),
        "args": [arg for arg in CHROMIUM_ARGS if headless or arg != "--headless"],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """The live test server: pages are visited by path, e.g. `page.goto("/shipments/")`."""
    return live_server.url


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "timezone_id": "UTC",
        "accept_downloads": True,
    }


# Chromium reports a CSP violation as a console error too; listening to the
# event as well names the directive whatever the console's wording.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


DOCUMENT_CLIENT_ERROR = re.compile(
    r"Failed to load resource: the server responded with a status of 4\d\d\b"
)


def is_page_answering_bad_input(page, message):
    """True for Chromium's report that the page itself came with a 4xx status.

    Pages answer bad input or a missing shipment with a 400 or 404 page of
    their own, by design; the tests check those statuses where they matter.
    A stylesheet, script or image failing to load is still a problem.
    """
    return bool(DOCUMENT_CLIENT_ERROR.match(message.text)) and (
        message.location.get("url") == page.url
    )


@dataclass
class ExternalSite:
    """Pages of other sites the browser may open, served by the test instead of the network.

    `visits` records each request made to them, with its headers.
    """

    pages: dict[str, str] = field(default_factory=dict)
    visits: list[dict] = field(default_factory=list)

    def add(self, url, html):
        self.pages[url] = html


@pytest.fixture
def browser_problems():
    """Console errors, script errors, CSP violations and stray requests seen in any page."""
    problems = []
    yield problems
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def external_site():
    return ExternalSite()


@pytest.fixture
def new_context(new_context, browser_problems, external_site):
    """Browser contexts whose pages are watched for problems, with the network cut off."""

    def watch_page(page):
        def on_console(message):
            if message.type != "error" or is_page_answering_bad_input(page, message):
                return
            browser_problems.append(f"{page.url}: console error: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: browser_problems.append(f"{page.url}: {error}"))

    def route(route):
        request = route.request
        host = urlsplit(request.url).hostname
        if host in LOOPBACK_HOSTS:
            route.continue_()
        elif request.url in external_site.pages:
            external_site.visits.append({"url": request.url, "headers": request.headers})
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                body=external_site.pages[request.url],
            )
        else:
            browser_problems.append(f"request to another site: {request.url}")
            route.abort()

    def make_context(**kwargs):
        context = new_context(**kwargs)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", watch_page)
        context.route("**/*", route)
        return context

    return make_context


@pytest.fixture
def screenshot(request):
    """`screenshot(page, name)` saves the whole page under screenshots/<module>/<test>/.

    The folder is emptied first, so it holds only this run's pictures.
    """
    module = request.node.module.__name__.rsplit(".", 1)[-1]
    folder = SCREENSHOTS / module / request.node.originalname
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    numbers = itertools.count(1)

    def take(page, name):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=folder / f"{next(numbers):02d}-{slug}.png", full_page=True)

    return take


@pytest.fixture
def aid_world(transactional_db):
    """The shipments of `tests/browser/world.py`, by reference."""
    from tests.browser import world

    return world.build()
