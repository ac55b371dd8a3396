"""The WSGI entry point leaves long-lived objects out of Python's full garbage collections."""

import os
import subprocess
import sys

from tests.test_settings import ROOT

CHECK = """
import gc
import aidtracker.wsgi
from django.core.signals import request_finished

at_load = gc.get_freeze_count()
kept = [[n] for n in range(1000)]  # alive when the first request ends
request_finished.send(sender=None)
after_first = gc.get_freeze_count()
more = [[n] for n in range(1000)]
request_finished.send(sender=None)
print(at_load, after_first, gc.get_freeze_count())
"""


def test_objects_alive_at_load_and_after_the_first_request_are_frozen_once():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="True", DJANGO_SETTINGS_MODULE="aidtracker.settings")
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    at_load, after_first, later = map(int, result.stdout.split())
    assert at_load > 10_000  # Django, the apps and their modules
    assert after_first >= at_load + 1000  # what the first request left alive
    assert later == after_first  # once only: later requests' objects stay collectable
