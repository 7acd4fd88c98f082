"""Offline reference data: gazetteer, named features, routes, datum, boundaries."""
