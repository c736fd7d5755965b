"""My page: the signed-in person's start page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from townhall.accounts.acting import acting_options
from townhall.accounts.assisted import assisted_session_active
from townhall.accounts.assurance import session_assurance


@login_required
def my_page(request):
    """What the person can do here, for whom they act, and how they signed in."""
    person = request.user.person
    return render(
        request,
        "portal/my_page.html",
        {
            "person": person,
            # At the counter staff act only for the resident in front of them.
            "options": acting_options(person)
            if person and not assisted_session_active(request)
            else None,
            "assurance": session_assurance(request),
        },
    )
