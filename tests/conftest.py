import pytest


@pytest.fixture
def demo_data(db):
    from shipments.demo.loader import load_demo

    load_demo()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached pages live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
