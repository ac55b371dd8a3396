"""Steps the browser journeys share."""

import re

from playwright.sync_api import expect


def sign_in(page, username, password):
    """Sign in to the staff admin through its login form, as staff do."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def listed_references(page):
    """References of the shipments in the page's shipment tables, in order."""
    return page.locator("table.shipments tbody th[scope=row] a").all_inner_texts()


def table_rows(table):
    """The text of every cell of the table's body, row by row."""
    return table.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))"
    )


def quantity_text(quantity):
    return "unknown" if quantity is None else f"{quantity:,}"


def tab_to(page, target, limit=200):
    """Press Tab until `target` has the keyboard focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with the Tab key")


# Elements that reach past the right edge of the window, outside any box
# that scrolls on its own (such as a wide table's): they widen the page.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  // A box clips what it contains, but an absolutely positioned element is
  // contained by its nearest positioned ancestor, not by its parent.
  const scrollsInside = (element) => {
    const style = getComputedStyle(element);
    if (style.position === "fixed") return false;
    let box = style.position === "absolute" ? element.offsetParent : element.parentElement;
    for (; box && box !== document.body; box = box.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > width + 0.5 && !scrollsInside(element)
  );
  return {
    pageWidth: document.documentElement.scrollWidth,
    width: width,
    culprits: wide.slice(0, 5).map((element) => element.outerHTML.slice(0, 120)),
  };
}"""


def assert_no_sideways_scrolling(page):
    """The page is no wider than the window; the message names what sticks out."""
    found = page.evaluate(OVERFLOWING)
    assert found["pageWidth"] <= found["width"], f"{page.url} scrolls sideways: {found}"
