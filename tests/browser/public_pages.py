"""The public pages the browser suite visits: one of each kind, on the shipments of world.py.

Every check that goes over the whole public site (screenshots, small
screens, contrast, console errors) reads this one list, so a new kind of
page is added here once.
"""

import os
from dataclasses import dataclass
from pathlib import Path

SCREENSHOTS_ENV = "AIDTRACKER_SCREENSHOTS"
DEFAULT_SCREENSHOTS = Path(__file__).parent / "screenshots" / "pages"


@dataclass(frozen=True)
class PublicPage:
    name: str  # names its screenshot
    path: str


PUBLIC_PAGES = [
    PublicPage("home", "/"),
    PublicPage("list", "/shipments/"),
    PublicPage("filtered list", "/shipments/?recipient_country=IT&category=masks&status=delivered"),
    PublicPage("shipment", "/shipments/2020-CN-IT-101/"),
    PublicPage("countries", "/countries/"),
    PublicPage("country", "/countries/IT/"),
    PublicPage("donors", "/donors/"),
    PublicPage("donor", "/donors/jack-ma-foundation/"),
    PublicPage("recipients", "/recipients/"),
    PublicPage("recipient", "/recipients/lombardy/"),
    PublicPage("about the data", "/about/data/"),
    PublicPage("data api", "/api/"),
]


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int

    @property
    def viewport(self):
        return {"width": self.width, "height": self.height}


DESKTOP = Screen("desktop", 1280, 800)
PHONE = Screen("phone", 375, 812)


def screenshots_folder():
    """Where the pictures of every public page go: $AIDTRACKER_SCREENSHOTS, else
    tests/browser/screenshots/pages/ (neither is in git)."""
    return Path(os.environ.get(SCREENSHOTS_ENV) or DEFAULT_SCREENSHOTS)
