"""The translation catalogues cannot drift from the text marked for translation."""

from shipments.management.commands import catalogues


def test_catalogues_hold_every_marked_text_translated_and_compiled():
    """Every text marked in the code and the public templates is in each language's
    catalogue, translated; nothing else is; each compiled catalogue is its source's (run
    `make messages` after changing the text or a translation)."""
    assert catalogues.problems() == []


def test_every_language_but_english_has_a_catalogue():
    assert catalogues.languages() == ["it", "zh-hans"]
