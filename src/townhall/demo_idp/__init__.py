"""A real OpenID provider with demo personas, for the demo mode only.

Installed only when ``TOWNHALL_MODE=demo`` and the ``identity_provider`` demo
feature is on; production mode refuses that feature, so it cannot run there.
"""
