"""Resident-facing pages: home, search, "my page"."""
