"""The journalists' contract: /shipments.csv, /items.csv and /shipments.json.

The same FilterSet as the list selects the rows; CSVs stream from PostgreSQL's
COPY (or the ORM elsewhere), and every export shares one rate limit. Built on
the domain at the top of `shipments/`, never on the public pages.
"""
