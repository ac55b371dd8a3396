"""Query strings the FilterSet refuses, and the parameter each error must name.

Shared by the FilterSet's tests, the list page's and the exports', which must
all refuse them alike.
"""

INVALID_QUERIES = [
    ("recipient_country=XX", "recipient_country"),
    ("donor_country=Italy", "donor_country"),
    ("status=lost", "status"),
    ("category=spaceships", "category"),
    ("donor_kind=alien", "donor_kind"),
    ("shipped_after=18/03/2020", "shipped_after"),
    ("shipped_after=2020-13-01", "shipped_after"),
    ("shipped_before=2020-02-30", "shipped_before"),
    ("arrived_after=18/03/2020", "arrived_after"),
    ("arrived_before=2020-02-30", "arrived_before"),
    ("arrived_before=yesterday", "arrived_before"),
    ("sort=password", "sort"),
    ("sort=-password", "sort"),
    ("donor=%3Cscript%3E", "donor"),
    ("donor_name=Nobody+at+all", "donor_name"),
    ("recipient_name=a%00b", "recipient_name"),
    ("donor_name=" + "x" * 201, "donor_name"),
    ("q=" + "x" * 201, "q"),
]
