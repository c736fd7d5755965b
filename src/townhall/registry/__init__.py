"""The once-only core: persons, households, addresses, organisations, access log."""
