"""Tests of shipments.imports."""
