"""The refused-form page in the site's layout.

Django shows 400, 403, 404 and 500 with the templates of those names in
``templates/`` (the 500 page without a request or the database). A form
refused by the CSRF check would get Django's own English page; this view
gives it the layout and the language of every other page.
"""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: the form expired or cookies are off (403); nothing changed.

    ``reason`` is Django's technical cause; it is not shown to the visitor.
    """
    return render(request, "403_csrf.html", status=403)
