"""Placing projects: home region, place resolution, geocoding, routes as lines."""
