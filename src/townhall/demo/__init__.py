"""The demo profile: a synthetic, deterministic municipality to try Townhall on."""
