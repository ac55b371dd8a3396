"""The cache of public figures: one computation per data version, however many ask at once."""

import threading
import time

import pytest

from shipments.models import DataVersion
from shipments.public.cache import cached


@pytest.fixture
def version(monkeypatch):
    """The data version, set by the test rather than read from the database."""
    current = {"number": 1}
    monkeypatch.setattr(DataVersion, "current", classmethod(lambda cls: current["number"]))
    return current


def test_a_value_is_computed_once_per_data_version(version):
    calls = []

    def compute():
        calls.append(version["number"])
        return f"figures of version {version['number']}"

    assert cached("overview", compute) == "figures of version 1"
    assert cached("overview", compute) == "figures of version 1"
    version["number"] = 2
    assert cached("overview", compute) == "figures of version 2"
    assert calls == [1, 2]


def test_requests_arriving_during_a_computation_wait_for_its_result(version):
    calls, results = [], []

    def slow_compute():
        calls.append(1)
        time.sleep(0.3)
        return "figures"

    threads = [
        threading.Thread(target=lambda: results.append(cached("country:IT", slow_compute)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["figures"] * 4
    assert len(calls) == 1


def test_a_failed_computation_lets_the_next_request_try_again(version):
    def failing():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cached("overview", failing)
    assert cached("overview", lambda: "figures") == "figures"
