"""The uploads a staff member has previewed and may confirm, each once, kept in their session.

The confirmation form carries the stored file's name and format back from
the browser. Only a name that this session's preview gave and that has not
been confirmed yet is read, and only in the format it was previewed in: a
repeated confirmation imports nothing twice, and a tampered one reads no
other file.
"""

SESSION_KEY = "shipments_pending_imports"
# The previews a session may still confirm, the latest last.
MOST = 5


def remember(session, name, file_format):
    """`name`, the stored upload, was previewed in `file_format` (an index, as text)."""
    pending = session.get(SESSION_KEY, {})
    pending.pop(name, None)
    pending[name] = file_format
    session[SESSION_KEY] = dict(list(pending.items())[-MOST:])


def take(session, name):
    """The format `name` was previewed in, forgotten from now on; None if there is none."""
    pending = session.get(SESSION_KEY, {})
    file_format = pending.pop(name, None)
    if file_format is not None:
        session[SESSION_KEY] = pending
    return file_format
