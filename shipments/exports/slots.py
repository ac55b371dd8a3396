"""How many downloads stream at once: per process, and per client address.

A CSV of a million shipments streams for minutes, each on a thread of its
own. Uncapped, a few clients that start downloads and then read nothing would
hold every thread, and pages, `/healthz` and the admin would wait behind
them. So a download takes a slot before it starts, and gives it back when
its response is closed (finished, failed, or the client gone):

- each process streams at most `DOWNLOADS_PER_PROCESS` at once, fewer than
  its threads (ops/gunicorn.conf.py), so that pages always find a free one;
- each client address streams at most `DOWNLOADS_PER_CLIENT` at once, counted
  in the cache, so across every app server. A slot's key expires unless its
  download goes on, so a process that died holds none for long.

A client that stops reading is cut off by the send timeout
(`aidtracker.middleware.SendTimeoutMiddleware`), which frees its slot.
"""

import secrets
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from aidtracker.client_address import client_address

# A slot's key lives this long unless its download renews it while streaming.
CLIENT_SLOT_SECONDS = 120
RENEW_EVERY_SECONDS = 30


class ProcessSlots:
    """The downloads this process streams now."""

    def __init__(self):
        self._lock = threading.Lock()
        self.in_use = 0

    def take(self, limit):
        with self._lock:
            if self.in_use >= limit:
                return False
            self.in_use += 1
            return True

    def give_back(self):
        with self._lock:
            self.in_use -= 1


process_slots = ProcessSlots()


class DownloadSlot:
    """One download's place in both caps; `release()` frees it, once.

    The client's key holds a token of this download's own: a key that
    expired and was taken by another download is not this one's to free.
    """

    def __init__(self, client_key, token):
        self.client_key = client_key
        self.token = token
        self.renewed_at = time.monotonic()
        self.released = False

    def renew(self):
        """Keep the client's slot while the download streams; cheap to call per chunk."""
        now = time.monotonic()
        if now - self.renewed_at >= RENEW_EVERY_SECONDS:
            if not cache.touch(self.client_key, CLIENT_SLOT_SECONDS):
                # Expired, or kept by a cache that has since come back.
                cache.add(self.client_key, self.token, CLIENT_SLOT_SECONDS)
            self.renewed_at = now

    def release(self):
        if self.released:
            return
        self.released = True
        if cache.get(self.client_key) == self.token:
            cache.delete(self.client_key)
        process_slots.give_back()


def take_slot(request):
    """(a DownloadSlot, None), or (None, a response refusing the download)."""
    address = client_address(request)
    token = secrets.token_hex(8)
    for number in range(settings.DOWNLOADS_PER_CLIENT):
        key = f"downloads:{address}:{number}"
        if cache.add(key, token, CLIENT_SLOT_SECONDS):
            break
    else:
        return None, too_many_at_once()
    if not process_slots.take(settings.DOWNLOADS_PER_PROCESS):
        cache.delete(key)
        return None, busy()
    return DownloadSlot(key, token), None


def refusal(text, status, retry_after):
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def busy():
    return refusal(
        "The server is busy with other downloads. Please try again in a minute; "
        "the pages work meanwhile.\n",
        status=503,
        retry_after=60,
    )


def too_many_at_once():
    count = settings.DOWNLOADS_PER_CLIENT
    return refusal(
        f"This address already has {count} download{'s' if count != 1 else ''} running: "
        "wait for one to finish, then try again.\n",
        status=429,
        retry_after=30,
    )
