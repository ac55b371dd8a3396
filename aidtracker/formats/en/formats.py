"""English dates and numbers as in Britain (25 Oct 2006, not Oct. 25, 2006): the site's
English was British English before it had other languages."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
