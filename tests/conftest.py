import pytest


@pytest.fixture
def demo_data(db):
    from shipments.demo.loader import load_demo

    load_demo()
