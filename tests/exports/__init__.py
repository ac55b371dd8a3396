"""Tests of shipments.exports."""
