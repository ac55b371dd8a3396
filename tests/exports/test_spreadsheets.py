"""The downloads opened in a real spreadsheet: LibreOffice Calc finds no formula in them.

Calc reads each file with ",", ";" and tab as the field separator, trimming
spaces (which makes more cells formulas, not fewer), and writes it as flat
ODS XML, where a formula is a `table:formula` attribute. A control file of
the same text, not neutralised, must give formulas under every separator,
so that a silent LibreOffice can never pass the test.

LibreOffice comes from the operating system (`apt-get install -y
--no-install-recommends libreoffice-calc-nogui`). Without `soffice` these
tests are skipped with that message, except under `CI=true`, where they
fail: CI never passes without them.
"""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from shipments.exports.csv import csv_line
from tests.ci import under_ci
from tests.factories import DonorFactory, ShipmentFactory, ShipmentItemFactory, SourceFactory
from tests.hostile_text import FORMULA_ATTEMPTS

# On PostgreSQL the CSVs stream through a connection of their own (COPY),
# which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
SOFFICE_TIMEOUT_SECONDS = 300


def csv_filter(separator):
    """Calc's CSV import options: separator, '"' quotes, UTF-8, from line 1, language
    and column types unset, quoted fields not forced to text, special numbers
    detected, (two export-only options), spaces trimmed, (export-only),
    formulas evaluated."""
    return f"CSV:{ord(separator)},34,76,1,,0,false,true,false,false,true,,true"


@pytest.fixture(scope="session")
def soffice():
    path = shutil.which("soffice")
    if path is None:
        message = (
            "LibreOffice (soffice) was not found, so the spreadsheet tests cannot run. "
            "Install it with `sudo apt-get install -y --no-install-recommends "
            "libreoffice-calc-nogui` (Debian and Ubuntu)."
        )
        if under_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def open_in_calc(soffice, tmp_path_factory):
    """`open_in_calc(paths, separator)`: {file name: its cells}, as Calc reads each file.

    Every cell is a pair (formula or None, text shown).
    """
    # A profile of its own: soffice hands its work to any instance already
    # running on the same profile, e.g. another test run's.
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def open_in_calc(paths, separator):
        out = tmp_path_factory.mktemp("fods")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                f"--infilter={csv_filter(separator)}",
                "--convert-to",
                "fods",
                "--outdir",
                str(out),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=SOFFICE_TIMEOUT_SECONDS,
        )
        return {path.name: cells(out / f"{path.stem}.fods") for path in paths}

    return open_in_calc


def cells(fods):
    return [
        (
            cell.get(f"{{{TABLE}}}formula"),
            "\n".join("".join(p.itertext()) for p in cell.iter(f"{{{TEXT}}}p")),
        )
        for cell in ET.parse(fods).iter(f"{{{TABLE}}}table-cell")
    ]


@pytest.fixture
def hostile_shipments():
    """Each attempt as a donor's name (alone and second in a list), a description and notes."""
    for n, attempt in enumerate(FORMULA_ATTEMPTS):
        hostile = DonorFactory(name=attempt)
        # "0" sorts before every attempt: this shipment's donors cell is "0 Aid; <attempt>".
        first = DonorFactory(name=f"0 Aid {n}")
        for donors in [[hostile], [first, hostile]]:
            shipment = ShipmentFactory(donors=donors, notes=attempt, arrival_point=attempt)
            ShipmentItemFactory(shipment=shipment, description=attempt, quantity_note=attempt)
            SourceFactory(shipment=shipment, title="Report", publisher=attempt)


def formulas(cells):
    return [formula for formula, _ in cells if formula is not None]


def test_calc_finds_no_formula_in_a_download_whatever_the_separator(
    client, hostile_shipments, open_in_calc, tmp_path
):
    downloads = []
    for url in ["/shipments.csv", "/items.csv"]:
        path = tmp_path / url.strip("/")
        path.write_bytes(b"".join(client.get(url).streaming_content))
        downloads.append(path)
    # The same text as it was before it was neutralised.
    control = tmp_path / "control.csv"
    control.write_text("".join(csv_line([attempt, "x"]) for attempt in FORMULA_ATTEMPTS))

    for name, separator in SEPARATORS.items():
        sheets = open_in_calc([*downloads, control], separator)
        assert formulas(sheets["control.csv"]), f"{name}: Calc found no formula in the control"
        for path in downloads:
            found = sheets[path.name]
            assert formulas(found) == [], f"{name}: {path.name}"
            assert any("0 Aid 1" in text for _, text in found), f"{name}: {path.name} unread"
