"""Every reader-facing text in the public templates is marked for translation.

The templates are read with the site's own Jinja2 lexer: what is left of a template's
HTML once its tags, expressions and `{% trans %}` blocks are taken out, the attributes a
reader sees or hears (`title`, `alt`, `aria-label`, `placeholder`, and `data-label`, which
names a cell on a phone),
and the string literals of its expressions that read as words, must hold no English; nor
may it make English plurals with the `pluralize` filter.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

TEMPLATES = Path(settings.BASE_DIR) / "templates"
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# Names, not words to translate.
NAMES = {
    *("AidTracker", "OpenAPI", "CSV", "JSON", "API", "CC", "BY", "AGPL"),
    *("BibTeX", "CSL-JSON", "Zotero", "Pandoc"),
}
# Templates whose text is not marked yet (issue 19): none may join, and each leaves the
# list as soon as it is marked.
NOT_YET_MARKED = {
    "500.html",  # drawn with no template tags at all, whatever broke
    "public/_data_dictionary.html",
    "public/about_data.html",
    "public/api.html",
    "public/charts/chart.html",
    "public/charts/map.html",
    "public/charts/quantities.html",
    "public/home.html",
    "public/shipments/_amounts.html",
    "public/shipments/_facets.html",
    "public/shipments/_fields.html",
    "public/shipments/shipment_detail.html",
    "public/shipments/shipment_list.html",
}
SLOT = "\x00"
SEEN_ATTRIBUTES = re.compile(
    r"""\b(?:title|alt|aria-label|placeholder|data-label)\s*=\s*"([^"]*)\"""", re.IGNORECASE
)
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]+")


def public_templates():
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "staff" not in path.relative_to(TEMPLATES).parts
    )


def reads_as_words(literal):
    """A string literal (quotes included) that reads as words, not as a URL name, a code or
    a CSS class."""
    return bool(re.search(r"[A-Za-z]{2,}\s+[A-Za-z]|^[A-Z][a-z]{2,}", literal[1:-1]))


def words(text):
    return [word for word in WORD.findall(text) if word not in NAMES]


def unmarked(name):
    """The English a template holds outside its marked text."""
    env = engines["jinja2"].env
    source = (TEMPLATES / name).read_text()
    html, found = [], []
    tokens = [token for token in env.lex(source, name) if token[1] != "whitespace"]
    in_trans = False
    marked_depth = []  # the bracket depths of the gettext calls being read
    depth = 0
    for index, (_line, kind, value) in enumerate(tokens):
        before = [token[1:] for token in tokens[max(0, index - 2) : index]]
        if kind == "name" and before and before[-1][0] == "block_begin":
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
        if kind == "data":
            html.append(SLOT if in_trans else value)
        elif kind in ("variable_begin", "block_begin"):
            html.append(SLOT)
        elif (kind, value) == ("operator", "("):
            depth += 1
            if before and before[-1][0] == "name" and before[-1][1] in GETTEXT:
                marked_depth.append(depth)
        elif (kind, value) == ("operator", ")"):
            if marked_depth and marked_depth[-1] == depth:
                marked_depth.pop()
            depth -= 1
        elif kind == "name" and value == "pluralize" and before[-1:] == [("operator", "|")]:
            found.append("|pluralize")  # an English plural: ngettext or {% pluralize %} instead
        elif kind == "string" and not marked_depth and not in_trans and reads_as_words(value):
            found.append(value)
    text = re.sub(r"<!--.*?-->", "", "".join(html), flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    for attribute in SEEN_ATTRIBUTES.findall(text):
        found += words(attribute)
    found += words(re.sub(r"<[^>]*>", " ", text))
    return found


@pytest.mark.parametrize("name", public_templates())
def test_public_template_text_is_marked_for_translation(name):
    if name in NOT_YET_MARKED:
        assert unmarked(name), f"{name} is marked now: take it off NOT_YET_MARKED"
    else:
        assert unmarked(name) == []


def test_the_check_finds_unmarked_text():
    assert unmarked("public/home.html")


def test_the_list_of_templates_not_yet_marked_names_templates():
    assert set(public_templates()) >= NOT_YET_MARKED
