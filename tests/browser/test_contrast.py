"""WCAG AA contrast on every public page, on a desktop and a phone screen.

Every piece of visible text, in HTML or in an SVG chart, is measured against
the background it is drawn on (the nearest backgrounds behind it, blended
where they are translucent, the page's white at the bottom): at least 4.5:1,
or 3:1 for large text (24 px, or 18.66 px bold). Text hidden for screen
readers only is not drawn and not measured. Links read as links: underlined
in running text, and in a colour of their own wherever they are not.
"""

import pytest

from tests.browser.public_pages import DESKTOP, PHONE, PUBLIC_PAGES

pytestmark = pytest.mark.django_db(transaction=True)

# The text the page draws that fails AA, with its colours and ratio; and how much was measured.
LOW_CONTRAST = """() => {
  const parse = (value) => {
    const parts = value.match(/[\\d.]+/g);
    if (!parts) return null;
    const [r, g, b, a] = parts.map(Number);
    return { r, g, b, a: a === undefined ? 1 : a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const ratio = (one, two) => {
    const [light, dark] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0) layers.push(colour);
      if (colour && colour.a >= 1) break;
    }
    const white = { r: 255, g: 255, b: 255, a: 1 };
    return layers.reverse().reduce((below, layer) => over(layer, below), white);
  };
  const drawn = (element) => {
    if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip === "rect(0px, 0px, 0px, 0px)") return false;  // .visually-hidden
    }
    return true;
  };
  const failures = [];
  let measured = 0;
  for (const element of document.body.querySelectorAll("*")) {
    const ownText = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent).join("").trim();
    if (!ownText || !drawn(element)) continue;
    const style = getComputedStyle(element);
    const inSvg = element instanceof SVGElement;
    const behind = background(inSvg ? element.ownerSVGElement : element);
    const text = over(parse(inSvg ? style.fill : style.color), behind);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const found = ratio(text, behind);
    measured += 1;
    if (found < needed) {
      failures.push(`${ownText.slice(0, 40)}: ${found.toFixed(2)} < ${needed} ` +
        `(${inSvg ? style.fill : style.color} on rgb(${behind.r}, ${behind.g}, ${behind.b}))`);
    }
  }
  return { failures: failures.slice(0, 10), measured };
}"""


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=lambda screen: screen.name)
def test_every_public_page_has_aa_contrast(new_context, aid_world, screen):
    page = new_context(viewport=screen.viewport).new_page()
    for public_page in PUBLIC_PAGES:
        page.goto(public_page.path)
        for summary in page.locator("details > summary").all():
            summary.click()  # the filters and the numbers behind each chart
        found = page.evaluate(LOW_CONTRAST)
        assert found["measured"] > 20, f"{public_page.path}: little text was measured"
        assert not found["failures"], f"{public_page.path}: low contrast: {found['failures']}"


# Each link on the page: whether it is underlined, whether it stands in running text
# (a paragraph or list item with text of its own beside it), and its colour beside the
# colour of the text around it.
LINKS = """() => [...document.querySelectorAll("main a[href]")].filter(
  (link) => link.checkVisibility()
).map((link) => {
  const parent = link.parentElement;
  const ownText = [...parent.childNodes]
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.textContent).join("").replace(/[\\s.,;:()\\u2013]/g, "");
  return {
    text: link.textContent.trim().slice(0, 40),
    underlined: getComputedStyle(link).textDecorationLine.includes("underline"),
    inRunningText: ["P", "LI"].includes(parent.tagName) && ownText.length > 0,
    inTable: Boolean(link.closest("tbody td, tbody th")),
    colour: getComputedStyle(link).color,
    around: getComputedStyle(parent).color,
  };
})"""


def test_links_read_as_links_without_underlining_every_cell(page, aid_world):
    in_text = in_tables = 0
    for public_page in PUBLIC_PAGES:
        page.goto(public_page.path)
        for link in page.evaluate(LINKS):
            where = f"{public_page.path}: {link['text']!r}"
            if link["inRunningText"]:
                in_text += 1
                assert link["underlined"], f"{where} is not underlined in running text"
            if link["inTable"]:
                in_tables += 1
                assert not link["underlined"], f"{where} is underlined in a table"
                assert link["colour"] != link["around"], f"{where} looks like its cell's text"
    assert in_text and in_tables
