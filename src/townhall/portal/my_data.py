"""My data (mijn gegevens): what the municipality holds about you, its download,
"this is not right", and your contact preferences.

Every page needs an eID or itsme sign-in (high assurance). The person shown is
always ``request.acting.subject_person``: yourself, or whoever gave you a
mandate that covers viewing their data. Nothing in a URL says whose data it
is, so no URL can lead to someone else's. Changing or reporting needs you to
act for yourself, or a mandate for everything.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from django.views.decorators.http import require_GET

from townhall.accounts.assisted import (
    CONFIRMATION_FIELD,
    assisted_look_record,
    assisted_session_active,
    lasting_change_actor,
    resident_confirmation_add,
)
from townhall.accounts.assurance import Assurance, assurance_required
from townhall.accounts.models import Mandate
from townhall.accounts.services import activity_record, activity_record_for_request
from townhall.portal.forms import ContactPreferencesForm, CorrectionForm
from townhall.registry import jsonld
from townhall.registry.contact import VIA_MY_DATA, contact_details_update, contact_settings_for
from townhall.registry.corrections import correction_request_create
from townhall.registry.models import AccessLogEntry
from townhall.registry.my_data import item_for, person_data
from townhall.registry.preferences import Channel, Topic

# The persons whose My data this session viewed (and recorded) already.
VIEWED_KEY = "portal_my_data_viewed"
# The source detail of contact data changed at the counter, as the resident reads it.
AT_THE_COUNTER = gettext_noop("at the counter (assisted session)")


def person_for(
    request,
    scope: str,
    *,
    unavailable: str = "portal/my_data_unavailable.html",
    look: str = AccessLogEntry.Action.VIEW,
):
    """The person whose data this request may see for ``scope``, or the page
    (``unavailable``) that says why not: acting for an organisation, a mandate
    that does not cover it, or no record in the register.

    In an assisted session the staff member's ``look`` is written to the
    person's access log here, so no page that shows the data can skip it."""
    acting = request.acting
    reason = None
    if acting.for_organisation is not None:
        reason = "organisation"
    elif not acting.allows(scope):
        reason = "mandate"
    elif acting.subject_person is None:
        reason = "not_registered"
    if reason is None:
        what = _("My messages") if scope == Mandate.Scope.MESSAGES else _("My data")
        assisted_look_record(request, person=acting.subject_person, what=what, action=look)
        return acting.subject_person, None
    status = 403 if reason == "mandate" else 200
    page = render(request, unavailable, {"reason": reason}, status=status)
    return None, page


def _record_first_view(request, person) -> None:
    """The activity record of viewing My data: once per sign-in and person shown.

    Reading the page again in the same session is not a new action, and a record
    per view was a write on every visit. A new sign-in (an assisted session at
    the counter is one) starts a new session, so it is recorded again; acting
    for someone else records the view of their data. The staff member's looks
    in an assisted session go to the access log on every view (``person_for``).
    """
    viewed = request.session.get(VIEWED_KEY, [])
    if person.pk in viewed:
        return
    activity_record_for_request(request, "my_data.viewed")
    request.session[VIEWED_KEY] = [*viewed, person.pk]


def _may_change(request) -> bool:
    return request.acting.is_self or request.acting.allows(Mandate.Scope.ALL)


def _rows(items, open_corrections):
    return [{"item": item, "correction": open_corrections.get(item.key)} for item in items]


@assurance_required(Assurance.HIGH)
@require_GET
def my_data(request):
    """Everything the municipality holds about the person, each item with its source."""
    person, refusal = person_for(request, Mandate.Scope.PERSONAL_DATA)
    if refusal:
        return refusal
    data = person_data(person)
    _record_first_view(request, person)
    corrections = data.open_corrections
    channel_labels = dict(Channel.choices)
    contact = data.contact_settings
    response = render(
        request,
        "portal/my_data.html",
        {
            "data": data,
            "identity_rows": _rows(data.identity, corrections),
            "domicile_rows": _rows([data.domicile] if data.domicile else [], corrections),
            "household_correction": corrections.get("household"),
            "representation_rows": _rows(data.representations, corrections),
            "preferred_channel": channel_labels[contact.preferred_channel],
            "topic_rows": [
                (
                    label,
                    contact.topic_channels[topic],
                    channel_labels.get(contact.topic_channels[topic]),
                )
                for topic, label in Topic.choices
            ],
            "consents": list(contact.consents.values()),
            "may_change": _may_change(request),
            "show_staff_names": settings.TOWNHALL_ACCESS_LOG_SHOW_STAFF_NAMES,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@assurance_required(Assurance.HIGH)
@require_GET
def my_data_download(request):
    """All of it as one JSON-LD file (OSLO Persoon basis). The national number is in it
    for the person themselves only, never in the file name or the address; not in an
    assisted session either, as the file is saved on the counter's computer."""
    person, refusal = person_for(
        request, Mandate.Scope.PERSONAL_DATA, look=AccessLogEntry.Action.EXPORT
    )
    if refusal:
        return refusal
    data = person_data(person, access_log_limit=None)
    with_number = request.acting.is_self and not assisted_session_active(request)
    body = jsonld.person_document_json(data, include_national_number=with_number)
    activity_record_for_request(request, "my_data.downloaded")
    response = HttpResponse(body, content_type=f"{jsonld.CONTENT_TYPE}; charset=utf-8")
    # The file is named in the page's language; the name has no letter outside ASCII,
    # so it is the same in every browser and on every file system.
    stem = pgettext("file name of the My data download, lower case, no spaces", "my-data")
    filename = f"{slugify(stem) or 'my-data'}-{timezone.localdate():%Y-%m-%d}.jsonld"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@assurance_required(Assurance.HIGH)
def correction_report(request, item_key: str):
    """ "This is not right": the person says what is wrong with one item of their data."""
    person, refusal = person_for(request, Mandate.Scope.ALL)
    if refusal:
        return refusal
    item = item_for(person, item_key)
    if item is None or not item.correctable:
        raise Http404(_("This item is not part of your data."))
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # The request's outermost transaction: the change and its activity record
            # commit together, and the register's events go out right after.
            with transaction.atomic(durable=True):
                correction = correction_request_create(
                    person=person,
                    item_key=item_key,
                    remark=form.cleaned_data["remark"],
                    reported_by=request.user,
                )
                activity_record_for_request(
                    request,
                    "my_data.correction_reported",
                    {"item": item_key, "correction_request": correction.pk},
                )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Citizens' affairs will check “%(item)s” and correct it "
                    "where needed; you see the state of your report on this page."
                )
                % {"item": item.label},
            )
            return redirect("portal:my_data")
    return render(request, "portal/correction_form.html", {"item": item, "form": form})


@assurance_required(Assurance.HIGH)
def contact_preferences(request):
    """Change e-mail address, mobile number, channels per topic and language, in one place.
    In an assisted session the staff member confirms that the resident asked for it,
    and is recorded as the one who changed it."""
    person, refusal = person_for(request, Mandate.Scope.ALL)
    if refusal:
        return refusal
    current = contact_settings_for(person)
    form = ContactPreferencesForm(request.POST or None, current=current)
    assisted = resident_confirmation_add(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            # The request's outermost transaction: the change and its activity record
            # commit together, and the register's events go out right after.
            with transaction.atomic(durable=True):
                actor = lasting_change_actor(
                    request,
                    change="contact_preferences.changed",
                    person=person,
                    confirmed=form.cleaned_data.get(CONFIRMATION_FIELD, False),
                )
                contact_details_update(
                    person=person,
                    actor=actor,
                    email=form.cleaned_data["email"],
                    mobile=form.cleaned_data["mobile"],
                    preferred_channel=form.cleaned_data["preferred_channel"],
                    topic_channels=form.topic_channels(),
                    language=form.cleaned_data["language"],
                    detail=AT_THE_COUNTER if assisted else VIA_MY_DATA,
                )
                activity_record(
                    actor=actor,
                    action="contact_preferences.changed",
                    for_person=person,
                    assisted_by=request.acting.assisted_by,
                )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your contact preferences are saved."))
            return redirect("portal:contact_preferences")
    return render(request, "portal/contact_preferences.html", {"form": form})
