"""Pictures of every public page, on a desktop (1280 px) and a phone (375 px) screen.

They are the evidence of how the site looks, for a person to look at: saved
full-page under tests/browser/screenshots/pages/<screen>/, or under the folder
named by $AIDTRACKER_SCREENSHOTS (see public_pages.py). Each picture is as
wide as its screen: a page that stuck out sideways would make it wider.
"""

import re
import shutil
import struct

import pytest

from tests.browser.public_pages import DESKTOP, PHONE, PUBLIC_PAGES, screenshots_folder

pytestmark = pytest.mark.django_db(transaction=True)


def png_size(path):
    """The width and height of a PNG picture, read from its header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG picture"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=lambda screen: screen.name)
def test_every_public_page_is_photographed(new_context, aid_world, screen):
    folder = screenshots_folder() / screen.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    page = new_context(viewport=screen.viewport).new_page()
    for number, public_page in enumerate(PUBLIC_PAGES, start=1):
        response = page.goto(public_page.path)
        assert response.status == 200, public_page.path
        slug = re.sub(r"[^a-z0-9]+", "-", public_page.name)
        path = folder / f"{number:02d}-{slug}.png"
        page.screenshot(path=path, full_page=True)
        width, _ = png_size(path)
        assert width == screen.width, f"{public_page.path} is {width} px wide on a {screen.name}"
