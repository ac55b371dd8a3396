"""Reading the public pages' HTML in tests."""

import html
import re
from html.parser import HTMLParser


def listed_references(response):
    """References of the shipments listed in the page's shipment tables, in order."""
    return re.findall(
        r'<th scope="row"><a href="/shipments/([^/"?]+)/">', response.content.decode()
    )


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(response, tag):
    """The attributes of every `tag` element in the page."""
    parser = _Elements()
    parser.feed(response.content.decode())
    return [attrs for name, attrs in parser.elements if name == tag]


def hrefs(response):
    return [attrs["href"] for attrs in elements(response, "a") if "href" in attrs]


def table_rows(response, section):
    """The rows of the table in the section headed by `section` (its heading's id), each a
    list of its cells' text as a reader sees it; the heading row first."""
    page = response.content.decode()
    found = re.search(rf'<section aria-labelledby="{section}">(.*?)</section>', page, re.S)
    assert found, f"no section {section}"
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    ]


class _TotalsTables(HTMLParser):
    """The rows of the tables of supplies by category (class "totals", a Quantity column)."""

    def __init__(self):
        super().__init__()
        self.tables, self.inside, self.row, self.cell = [], False, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "totals" in (dict(attrs).get("class") or "").split():
            self.tables.append([])
            self.inside = True
        elif tag == "tr" and self.inside:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def category_totals(response):
    """Each table of supplies by category in the page, as {(category, unit, status): the
    quantity as it reads}."""
    parser = _TotalsTables()
    parser.feed(response.content.decode())
    return [
        {(name, unit, status): quantity for name, unit, status, quantity, *_ in rows[1:]}
        for rows in parser.tables
        if rows and rows[0][:4] == ["Category", "Unit", "Status", "Quantity"]
    ]


class _NavLinks(HTMLParser):
    def __init__(self, nav_class):
        super().__init__()
        self.nav_class = nav_class
        self.inside = False
        self.in_link = False
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and self.nav_class in (attrs.get("class") or "").split():
            self.inside = True
        elif tag == "a" and self.inside:
            self.in_link = True
            self.links.append({**attrs, "text": ""})

    def handle_endtag(self, tag):
        if tag == "nav":
            self.inside = False
        elif tag == "a":
            self.in_link = False

    def handle_data(self, data):
        if self.in_link:
            self.links[-1]["text"] += data


def nav_links(response, nav_class):
    """The attributes of each link in the page's <nav class=nav_class>, with its text
    under "text"."""
    parser = _NavLinks(nav_class)
    parser.feed(response.content.decode())
    return parser.links
