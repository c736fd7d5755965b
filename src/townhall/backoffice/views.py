"""Back-office pages: the start page and the start of an assisted session."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from townhall.accounts import assisted
from townhall.accounts.roles import START_ASSISTED_SESSION
from townhall.accounts.second_factor import staff_required
from townhall.backoffice.forms import AssistedSessionForm
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.backoffice.navigation import navigation_for


@staff_required
def home(request):
    """The start page: who you are, your department and role, and the tasks your role
    may do (:mod:`townhall.backoffice.navigation`), with their counts."""
    user = request.user
    department = user.department
    language = getattr(request, "LANGUAGE_CODE", "nl")
    return render(
        request,
        "backoffice/home.html",
        {
            "department_name": department.localized_name(language) if department else "",
            "roles": [group.name for group in user.groups.order_by("name")],
            "navigation": navigation_for(user=user, view_name="backoffice:home", start_page=True),
        },
    )


@staff_permission_required(START_ASSISTED_SESSION)
def assisted_session_start(request):
    """Start a session on behalf of the resident at the counter (begeleide sessie).
    Only for a role that serves residents at the counter; others get 403."""
    form = AssistedSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident = assisted.assisted_session_start(
                request,
                national_number=form.cleaned_data["national_number"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # a number error lands on its field
        else:
            messages.info(
                request,
                _(
                    "Assisted session for %(name)s started. End it with the button at the top of "
                    "the page; it ends by itself after %(minutes)d minutes."
                )
                % {"name": resident.display_name, "minutes": assisted.max_minutes()},
            )
            return redirect("portal:my_page")
    return render(
        request,
        "backoffice/assisted_start.html",
        {
            "form": form,
            "minutes": assisted.max_minutes(),
        },
    )
