"""Tests of shipments.public."""
