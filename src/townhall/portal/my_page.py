"""My page: the signed-in person's start page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from townhall.accounts.acting import acting_options
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
            "options": acting_options(person) if person else None,
            "assurance": session_assurance(request),
        },
    )
