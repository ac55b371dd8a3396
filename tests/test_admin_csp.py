"""Staff pages keep to the Content-Security-Policy; history pages allow only their own style."""

import base64
import hashlib
import re

import pytest

from tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def hash_source(text):
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def inline_style_sources(html):
    """The CSP source that allows each inline style attribute of the page, by its hash."""
    return {hash_source(style) for style in re.findall(r'\sstyle="([^"]*)"', html)}


def directive(response, name):
    found = re.search(rf"(?:^|;)\s*{name} ([^;]*)", response["Content-Security-Policy"])
    return set(found.group(1).split()) if found else None


def test_history_page_allows_exactly_its_inline_styles(editor_client):
    shipment = ShipmentFactory()
    response = editor_client.get(f"/admin/shipments/shipment/{shipment.pk}/history/")
    assert response.status_code == 200
    styles = inline_style_sources(response.content.decode())
    assert styles, "The history list has no inline style any more: drop HISTORY_LIST_STYLE."
    assert directive(response, "style-src-attr") == {"'unsafe-hashes'", *styles}


def test_other_staff_pages_allow_no_inline_style(editor_client):
    shipment = ShipmentFactory()
    for url in [
        "/admin/shipments/shipment/",
        f"/admin/shipments/shipment/{shipment.pk}/change/",
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200
        assert not inline_style_sources(response.content.decode()), url
        assert directive(response, "style-src-attr") is None, url
