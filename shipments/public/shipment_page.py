"""What a shipment's page says beyond its fields: who gave to which country, the facts its
report did not give (in one line rather than a row of "unknown" each), and which columns
of its supplies table hold anything."""

from dataclasses import dataclass

from shipments.models import QuantityKind, Shipment

# How many donors a title names; the rest are counted ("and 2 others").
TITLE_DONORS = 3
# The words staff enter for a line whose report gives no amount at all (see the demo
# data): they say why there is no figure, not how much there was.
NO_AMOUNT_WORDS = {"", "notgiven"}


def spoken_list(names):
    """Names as a sentence lists them: "A", "A and B", "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def donor_names(donors):
    """The donors as a title names them: "Fosun Foundation, Longfor Group and Beijing Taikang
    Yicai Foundation"; beyond three, the rest are counted ("A, B, C and 2 others")."""
    names = [donor.name for donor in donors]
    if len(names) > TITLE_DONORS:
        rest = len(names) - TITLE_DONORS
        names = [*names[:TITLE_DONORS], f"{rest} other{'s' if rest > 1 else ''}"]
    return spoken_list(names)


def gives_amount(item):
    """Whether the report gives this line any amount: a figure, a bound, or its own words
    for one ("dozens"), rather than only that none was given."""
    if item.quantity_kind != QuantityKind.UNKNOWN:
        return True
    if item.quantity_min is not None or item.quantity_max is not None:
        return True
    words = "".join(c for c in item.quantity_note.lower() if c.isalnum())
    return words not in NO_AMOUNT_WORDS


@dataclass(frozen=True)
class SupplyColumns:
    """The optional columns of a shipment's supplies table: each shown only when at least
    one line has something to put in it."""

    quantity: bool
    value: bool


def supply_columns(items):
    return SupplyColumns(
        quantity=any(gives_amount(item) for item in items),
        value=any(item.value_usd is not None for item in items),
    )


def not_reported(shipment, items):
    """What the shipment's report did not give, in words, in the order the page lists its
    facts: ["announcement date", "weight", "value"].

    Facts that cannot be known yet are not "not reported": a pledge has not been shipped,
    and a shipment not yet delivered has no arrival.
    """
    status = shipment.status
    missing = []
    dates = [("announced_on", "announcement date")]
    if status != Shipment.Status.PLEDGED:
        dates.append(("shipped_on", "shipping date"))
    if status not in (Shipment.Status.PLEDGED, Shipment.Status.DISPATCHED):
        dates.append(("arrived_on", "arrival date"))
    missing += [words for field, words in dates if getattr(shipment, field) is None]
    if status != Shipment.Status.PLEDGED:
        if not shipment.transport_mode:
            missing.append("transport")
        if not shipment.arrival_point:
            missing.append("arrival point")
    if shipment.weight_kg is None:
        missing.append("weight")
    if shipment.declared_value is None and shipment.value_usd is None:
        missing.append("value")
    if items and not any(gives_amount(item) for item in items):
        missing.append("quantities")
    return missing
