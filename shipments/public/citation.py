""" "Cite this": a page's citation, pinned to the moment its data is as of.

A citation names what was cited, AidTracker, the moment the data is as of,
and a permalink that carries that moment as `as_of`, so that a reader of
the article can open exactly what its author saw. It is given as plain text,
as BibTeX and as CSL-JSON (which Zotero, Pandoc and most reference managers
read).
"""

import json
import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from shipments import as_of

PUBLISHER = "AidTracker"
# BibTeX's special characters, escaped; braces are dropped (titles are wrapped in them).
BIBTEX_ESCAPES = str.maketrans(
    {"\\": "", "{": "", "}": "", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}
)
KEY_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    stamp: str
    shown: str
    plain: str
    bibtex: str
    csl_json: str


def permalink(request, moment):
    """The absolute address of the page asked for, with `as_of` pinned to `moment` (and
    without a page number of the list, which is no part of what is cited)."""
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name not in (as_of.PARAMETER, "page"):
            query.setlist(name, values)
    query[as_of.PARAMETER] = as_of.stamp(moment)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode(safe=':')}")


def cite(request, title, moment, accessed):
    """The Citation of the page `request` asked for, titled `title`, its data as of
    `moment` (an aware date-time), read on `accessed` (a date)."""
    url = permalink(request, moment)
    stamp = as_of.stamp(moment)
    plain = (
        f"{PUBLISHER}. “{title}”. Data as of {as_of.shown(moment)}. {url} "
        f"(accessed {accessed.day} {accessed:%B %Y})."
    )
    compact = stamp[:19].replace("-", "").replace(":", "")
    key = KEY_UNSAFE.sub("-", f"aidtracker {title[:30]} {compact}").strip("-").lower()
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  title = {{{{{title.translate(BIBTEX_ESCAPES)}}}}},",
            f"  author = {{{{{PUBLISHER}}}}},",
            f"  year = {{{moment.year}}},",
            f"  note = {{Data as of {stamp}}},",
            f"  url = {{{url}}},",
            f"  urldate = {{{accessed.isoformat()}}}",
            "}",
        ]
    )
    csl = {
        "id": key,
        "type": "dataset",
        "title": title,
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "issued": {"date-parts": [[moment.year, moment.month, moment.day]]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "note": f"Data as of {stamp}",
        "URL": url,
    }
    csl_json = json.dumps([csl], ensure_ascii=False, indent=2)
    return Citation(title, url, stamp, as_of.shown(moment), plain, bibtex, csl_json)


def cite_today(request, title, moment):
    """The Citation of the page `request` asked for, read today (for the templates)."""
    return cite(request, title, moment, timezone.localdate())
