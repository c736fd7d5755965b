"""Settings of the server ``bench/pages.py`` starts: Townhall's own, plus two bench-only things.

The benchmark needs a hello-world view on the same server, and the number of SQL
queries each page runs. Neither belongs in the product, so neither is in
``townhall.urls`` or ``townhall.settings``: this module (on gunicorn's Python
path only when the bench starts it) takes Townhall's settings unchanged, points
the URLs at :mod:`pages_urls` (Townhall's URLs plus ``/bench/hello/``) and puts
the query counter outside every other middleware, so it also sees the session's
read and write.
"""

from townhall.settings import *  # noqa: F403
from townhall.settings import MIDDLEWARE

ROOT_URLCONF = "pages_urls"
MIDDLEWARE = ["pages_urls.QueryCountMiddleware", *MIDDLEWARE]
