"""`clear_cache`, run after a restore, leaves nothing cached."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from shipments.public.cache import cached


@pytest.mark.django_db
def test_clear_cache_forgets_every_cached_page_and_total(capsys):
    assert cached("page:home", lambda: "the page before") == "the page before"
    cache.set("rl:exports", 5)

    call_command("clear_cache")

    assert cache.get("rl:exports") is None
    assert cached("page:home", lambda: "the page after") == "the page after"
    assert "Cache emptied" in capsys.readouterr().out
