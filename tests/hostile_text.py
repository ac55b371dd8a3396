"""Text that tries to become a spreadsheet formula, for the exports' tests.

Shared by the rule's own tests, the comparison of its Python and SQL
renderings and the end-to-end test through LibreOffice.
"""

from hypothesis import strategies as st

from shipments import columns

# Each would be a formula in some spreadsheet if exported as it is.
FORMULA_ATTEMPTS = [
    "=1+1",
    "Harmless;=cmd|' /C calc'!A0",
    "A; =1+1",
    "\N{FULLWIDTH EQUALS SIGN}1+1",
    "x,@SUM(1)",
    "a\t=1",
    'x;"=2+2"',
    "Masks\n=3+3",
    "Gloves\r\n+4+4",
    "'=5+5; -6",
]

# The characters the rule is about, often enough to meet each other.
_PIECES = [
    *columns.FORMULA_TRIGGERS,
    *columns.CELL_BREAKS,
    *columns.CELL_PADDING,
    "'",
    "|",
    "\N{NO-BREAK SPACE}",
    "\N{FULLWIDTH SEMICOLON}",
    "A",
    "1",
    "SUM(1)",
    *FORMULA_ATTEMPTS,
]

# Any text PostgreSQL can hold (no NUL), leaning hard on the rule's characters.
hostile_texts = st.lists(
    st.one_of(
        st.sampled_from(_PIECES),
        st.characters(exclude_characters="\x00", exclude_categories=["Cs"]),
    ),
    max_size=12,
).map("".join)
