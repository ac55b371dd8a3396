"""The terms the data is published under: stated once, read by /about/data/ and the data package."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    # The SPDX identifier, as a data package names a licence.
    name: str
    title: str
    url: str


DATA_LICENCE = Licence(
    "CC-BY-4.0",
    "Creative Commons Attribution 4.0 International licence (CC BY 4.0)",
    "https://creativecommons.org/licenses/by/4.0/",
)
# What reusing the data under DATA_LICENCE asks for.
ATTRIBUTION = "reuse it freely, citing AidTracker and the original sources."
CODE_LICENCE = Licence(
    "AGPL-3.0-or-later",
    "GNU Affero General Public License, version 3 or later (AGPL-3.0-or-later)",
    "https://www.gnu.org/licenses/agpl-3.0.html",
)
