"""Townhall: the open-source platform for the digital municipality."""
