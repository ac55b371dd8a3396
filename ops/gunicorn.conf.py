# gunicorn's settings for AidTracker: `gunicorn -c ops/gunicorn.conf.py aidtracker.wsgi`.
#
# Behind a buffering reverse proxy (README, "Deploying"), which takes slow
# clients off the app servers. The numbers below also hold without one.
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threaded workers: a large CSV streams for minutes, on a thread of its own,
# while the worker's other threads serve pages. Two workers per core.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# At most this many of each worker's threads stream downloads at once; the
# rest are kept for pages, /healthz and the admin (shipments/exports/slots.py).
# Keep it below `threads`.
os.environ.setdefault("DJANGO_DOWNLOADS_PER_PROCESS", str(max(1, threads // 2)))

# A worker that stops answering its master for this long is restarted. A
# streaming download keeps its worker answering, so this does not cut it off.
timeout = 60
graceful_timeout = 30
# Idle keep-alive connections wait in the worker's poller, not on a thread.
keepalive = 5
# Requests that no page of the site needs.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Behind the proxy on the same machine: trust its X-Forwarded-* headers
# (the site itself reads them only with DJANGO_BEHIND_PROXY=True).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's own messages to standard output; the site logs each request
# itself (aidtracker.middleware.RequestLogMiddleware), so no access log.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
