"""What a reader sees: the home page, the data dictionary, the list of shipments, one
shipment, the countries, and the donors' and recipients' pages.

Built on the domain at the top of `shipments/`; nothing else imports it.
"""
