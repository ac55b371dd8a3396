"""Schemathesis reads /openapi.json from a live server holding the demo data, calls every
operation with values the description allows (and, in its negative mode, values it does
not), and checks each answer against the description: no 5xx, and every status, content
type, header and body as described."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shipments.public.openapi import (
    DATA_PACKAGE_OPERATION,
    ITEMS_CSV_OPERATION,
    JSON_OPERATION,
    SHIPMENTS_CSV_OPERATION,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
FILTERED_OPERATIONS = [JSON_OPERATION, SHIPMENTS_CSV_OPERATION, ITEMS_CSV_OPERATION]


@pytest.fixture
def api_schema(live_server, transactional_db):
    """The description as the live server serves it, over the demo data."""
    from shipments.demo.loader import load_demo

    load_demo()
    return schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")


POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Each operation with values the description allows, and those with parameters a value
# could break with values it does not (the data package takes only a header of any text).
CASES = [
    *[(operation, mode) for operation in FILTERED_OPERATIONS for mode in (POSITIVE, NEGATIVE)],
    (DATA_PACKAGE_OPERATION, POSITIVE),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation_id, mode", CASES)
def test_the_api_answers_as_described(api_schema, operation_id, mode):
    operation = api_schema.find_operation_by_id(operation_id)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(checks=CHECKS)

    call()
