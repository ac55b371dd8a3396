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
