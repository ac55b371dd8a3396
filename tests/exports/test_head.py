"""HEAD on an export answers with the headers a GET would carry, and no body."""

import pytest

# Transactional: on PostgreSQL the CSVs are counted on a connection of their own.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/shipments.csv", "/items.csv"])
def test_head_on_a_csv_gives_its_headers(client, demo_data, path):
    query = "?recipient_country=IT"
    get = client.get(path + query)
    b"".join(get.streaming_content)
    head = client.head(path + query)
    assert head.status_code == 200
    assert b"".join(head.streaming_content) == b""
    for header in ["Content-Type", "Content-Disposition", "X-Row-Count"]:
        assert head[header] == get[header]
    assert int(head["X-Row-Count"]) > 0


def test_head_on_the_json_gives_its_headers(client, demo_data):
    head = client.head("/shipments.json")
    assert head.status_code == 200
    assert head["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/shipments.csv", "/items.csv", "/shipments.json"])
def test_head_is_validated_like_get(client, path):
    assert client.head(path + "?recipient_contry=IT").status_code == 400


@pytest.mark.parametrize("path", ["/shipments.csv", "/items.csv", "/shipments.json"])
def test_writes_are_not_allowed(client, path):
    assert client.post(path).status_code == 405
