"""Joining placed projects to counties and cities, and across plans."""
