"""The one FilterSet: every public parameter alone and combined, and bad input."""

from datetime import date

import pytest
from django.http import QueryDict

from donors.models import Donor
from shipments.filters import ShipmentFilter
from shipments.models import Shipment
from tests.factories import DonorFactory
from tests.invalid_queries import INVALID_QUERIES

pytestmark = pytest.mark.django_db


def refs(query):
    filterset = ShipmentFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return [shipment.reference for shipment in filterset.qs]


def errors(query):
    filterset = ShipmentFilter(QueryDict(query))
    assert not filterset.is_valid()
    return filterset.errors


def test_no_filter_lists_published_newest_first_unknown_dates_last(world):
    assert refs("") == ["BE-1", "IT-1", "CN-1"]


def test_search_matches_reference_parties_items_and_notes(world):
    assert refs("q=be-1") == ["BE-1"]
    assert refs("q=jack") == ["BE-1", "IT-1"]
    assert refs("q=wuhan") == ["CN-1"]
    assert refs("q=ventilator") == ["IT-1"]
    assert refs("q=malpensa") == ["IT-1"]


def test_search_never_finds_drafts(world):
    assert refs("q=DRAFT-1") == []


def test_countries_in_any_case_and_several_values(world):
    assert refs("recipient_country=it") == ["IT-1"]
    assert refs("recipient_country=IT&recipient_country=be") == ["BE-1", "IT-1"]
    assert refs("recipient_country=IT,BE") == ["BE-1", "IT-1"]
    assert refs("donor_country=fr") == ["CN-1"]


def test_eu_is_a_valid_country(world):
    assert refs("donor_country=EU") == []


def test_parties_by_slug(world):
    assert refs("donor=zhejiang") == ["IT-1"]
    assert refs("donor=zhejiang&donor=france") == ["IT-1", "CN-1"]
    assert refs("recipient=belgium") == ["BE-1"]
    assert refs("donor=no-such-donor") == []


def test_donor_kind(world):
    assert refs("donor_kind=national-government") == ["CN-1"]


def test_category_keeps_shipments_holding_an_item_of_it(world):
    assert refs("category=masks") == ["BE-1", "IT-1"]
    assert refs("category=gloves&category=ventilators") == ["IT-1", "CN-1"]


def test_status(world):
    assert refs("status=pledged&status=dispatched") == ["IT-1", "CN-1"]


def test_shipped_between_inclusive(world):
    assert refs("shipped_after=2020-03-14&shipped_before=2020-03-14") == ["IT-1"]
    assert refs("shipped_after=2020-03-15") == ["BE-1"]


def test_arrived_between_inclusive_leaves_out_the_undated(world):
    Shipment.objects.filter(reference="BE-1").update(arrived_on=date(2020, 3, 18))
    Shipment.objects.filter(reference="IT-1").update(arrived_on=date(2020, 3, 20))
    Shipment.objects.filter(reference="DRAFT-1").update(arrived_on=date(2020, 3, 18))
    assert refs("arrived_after=2020-03-18&arrived_before=2020-03-18") == ["BE-1"]
    assert refs("arrived_after=2020-03-19") == ["IT-1"]
    # By arrival, the latest first, unless another order is asked for.
    assert refs("arrived_before=2020-03-20") == ["IT-1", "BE-1"]
    assert refs("arrived_before=2020-03-20&sort=-shipped_on") == ["BE-1", "IT-1"]
    assert refs("arrived_after=2020-03-21") == []


def test_sort_by_arrival_keeps_the_undated_last(world):
    Shipment.objects.filter(reference="BE-1").update(arrived_on=date(2020, 3, 18))
    Shipment.objects.filter(reference="CN-1").update(arrived_on=date(2020, 3, 20))
    assert refs("sort=arrived_on") == ["BE-1", "CN-1", "IT-1"]
    assert refs("sort=-arrived_on") == ["CN-1", "BE-1", "IT-1"]


def test_combined_filters(world):
    assert refs("donor_country=CN&category=masks&recipient_country=IT") == ["IT-1"]
    assert refs("q=jack&status=delivered&shipped_before=2020-03-31") == ["BE-1"]


def test_sort_ascending_descending_unknowns_last(world):
    assert refs("sort=value_usd") == ["BE-1", "IT-1", "CN-1"]
    assert refs("sort=-value_usd") == ["IT-1", "BE-1", "CN-1"]
    assert refs("sort=shipped_on") == ["IT-1", "BE-1", "CN-1"]
    assert refs("sort=reference") == ["BE-1", "CN-1", "IT-1"]
    assert refs("sort=-recipient_country") == ["IT-1", "CN-1", "BE-1"]


@pytest.mark.parametrize(("query", "parameter"), INVALID_QUERIES)
def test_invalid_values_are_errors_naming_the_parameter(world, query, parameter):
    assert parameter in errors(query)


def test_an_invalid_filterset_refuses_to_filter(world):
    filterset = ShipmentFilter(QueryDict("status=lost"))
    with pytest.raises(ValueError, match="400"):
        filterset.qs  # noqa: B018


def test_unknown_parameters_are_named(world):
    filterset = ShipmentFilter(QueryDict("recipient_contry=IT&page=2&bom=1&status=pledged"))
    assert [unknown.name for unknown in filterset.unknown_parameters()] == ["recipient_contry"]
    assert filterset.unknown_parameters()[0].suggestion == "recipient_country"


def test_parties_by_name_in_any_case(world):
    assert refs("donor_name=JACK+MA+FOUNDATION") == ["BE-1", "IT-1"]
    assert refs("donor_name=zhejiang&donor_name=French+government") == ["IT-1", "CN-1"]
    assert refs("recipient_name=belgian+hospitals") == ["BE-1"]
    # A name with a comma is one name: several are given by repeating the parameter.
    assert "donor_name" in errors("donor_name=Zhejiang,French+government")


def test_a_name_known_only_from_drafts_is_unknown(world):
    DonorFactory(slug="hidden", name="Hidden donor", country="DE")
    draft = Shipment.objects.get(reference="DRAFT-1")
    draft.donors.add(Donor.objects.get(slug="hidden"))
    [message] = errors("donor_name=Hidden+donor")["donor_name"]
    assert message == "No donor with published shipments is named “Hidden donor”."


def test_a_name_is_read_as_published(world):
    filterset = ShipmentFilter(QueryDict("donor_name=jack+ma+foundation&donor=zhejiang"))
    assert filterset.is_valid()
    assert filterset.filters_in_use() == {
        "donor_name": ["Jack Ma Foundation"],
        "donor": ["zhejiang"],
    }
    assert filterset.form.slug_names == {"donor": {"zhejiang": "Zhejiang"}}
    assert [shipment.reference for shipment in filterset.qs] == ["IT-1"]
