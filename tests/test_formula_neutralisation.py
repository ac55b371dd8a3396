"""The one rule that keeps exported text from being run as a spreadsheet formula."""

import re

import pytest
from hypothesis import given

from shipments.columns import (
    CELL_BREAKS,
    FORMULA_TRIGGERS,
    LINE_BREAKS,
    neutralise_formulas,
    restore_formulas,
)
from tests.hostile_text import hostile_texts

FW_EQUALS = "\N{FULLWIDTH EQUALS SIGN}"
FW_PLUS = "\N{FULLWIDTH PLUS SIGN}"
FW_MINUS = "\N{FULLWIDTH HYPHEN-MINUS}"
FW_AT = "\N{FULLWIDTH COMMERCIAL AT}"


@pytest.mark.parametrize(
    ("text", "exported"),
    [
        # At the start of the text, as always.
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+32 2 555 01 01", "'+32 2 555 01 01"),
        ("-ventilator sets", "'-ventilator sets"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tN95 masks", "'\tN95 masks"),
        ("\nmasks", "'\nmasks"),
        # After a separator, where a reader splitting on it starts a cell.
        ("Harmless;=cmd|' /C calc'!A0", "Harmless;'=cmd|' /C calc'!A0"),
        ("1st Aid; =HYPERLINK(1)", "1st Aid; '=HYPERLINK(1)"),
        ("x,@SUM(1)", "x,'@SUM(1)"),
        ("a\t=1", "a\t'=1"),
        ("masks\n-gloves\r\n+gowns", "masks\n'-gloves\r\n'+gowns"),
        ("a;\t=1", "a;'\t'=1"),
        ("Notes\n\t@x", "Notes\n'\t'@x"),
        # Spaces and double quotes between the two.
        ("A;   =1+1", "A;   '=1+1"),
        ("  =1+1", "  '=1+1"),
        ('x;"=1+1"', 'x;"\'=1+1"'),
        ('x; " -1"', 'x; " \'-1"'),
        # A tab is a separator and a trigger.
        ("a\t\t=1", "a\t'\t'=1"),
        # Full-width forms.
        (f"{FW_EQUALS}1+1", f"'{FW_EQUALS}1+1"),
        (f"a; {FW_PLUS}1; {FW_MINUS}1; {FW_AT}x", f"a; '{FW_PLUS}1; '{FW_MINUS}1; '{FW_AT}x"),
        # An apostrophe already there gets one more, so the import can undo exactly one.
        ("'=1", "''=1"),
        ("x; ''+1", "x; '''+1"),
    ],
)
def test_a_trigger_where_a_cell_may_start_gets_an_apostrophe(text, exported):
    assert neutralise_formulas(text) == exported
    assert restore_formulas(exported) == text


@pytest.mark.parametrize(
    "text",
    [
        "Hôpital de Liège",
        "Pfizer-BioNTech",
        "2020-03-14",
        "O'Brien; 浙江省",
        "masks - N95, gloves + gowns",  # a space is no separator (see the README)
        "a | =1",  # nor is "|"
        "x\N{FULLWIDTH SEMICOLON}=1",  # nor full-width punctuation
        "e-mail@example.org",
        "x=1",
        "",
        # Inside the text a line break ends a row; it starts no cell.
        "Landed at Malpensa.\r\n\r\nHanded over, next day.\n\n",
        "x;\ny,\r\n",
    ],
)
def test_text_where_no_cell_starts_with_a_trigger_is_unchanged(text):
    assert neutralise_formulas(text) == text
    assert restore_formulas(text) == text


# How a reader cuts one of our cells when it splits on each separator,
# outside quotes, and ends a row at every line break.
READERS = {
    separator: re.compile(f"{re.escape(separator)}|\r\n|\r|\n")
    for separator in set(CELL_BREAKS) - set(LINE_BREAKS)
}


@given(hostile_texts)
def test_no_cell_a_spreadsheet_could_cut_starts_with_a_trigger(text):
    exported = neutralise_formulas(text)
    # As a whole, as a reader that respects our quotes sees it.
    assert not exported.lstrip(' "').startswith(FORMULA_TRIGGERS)
    for separator, reader in READERS.items():
        for piece in reader.split(exported):
            assert not piece.lstrip(' "').startswith(FORMULA_TRIGGERS), (separator, piece)


@given(hostile_texts)
def test_the_import_reads_back_exactly_what_was_exported(text):
    assert restore_formulas(neutralise_formulas(text)) == text


@given(hostile_texts)
def test_neutralising_only_adds_apostrophes(text):
    assert neutralise_formulas(text).replace("'", "") == text.replace("'", "")
