"""Exports for GIS teams and the HTML maps."""
