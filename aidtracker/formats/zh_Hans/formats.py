"""Simplified Chinese numbers grouped in thousands with commas (1,234,567), as CLDR and
Chinese statistics write them; Django's own leave them ungrouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
