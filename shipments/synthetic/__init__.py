"""A large, realistic, reproducible data set for benchmarks (`generate_synthetic`).

Everything it writes carries a reserved mark, so it never collides with real
or demo data and can be removed again: shipment references start with
`SYN-`, donor and recipient slugs with `syn-`.
"""

REFERENCE_PREFIX = "SYN-"
SLUG_PREFIX = "syn-"
