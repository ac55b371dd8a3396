"""The staff import: a spreadsheet of supply lines, in the columns of /items.csv.

Used by the admin (`shipments.admin`), built on the domain.
"""
