"""The forms of the case inboxes: the list's filters (GET) and the bulk assignment (POST).

The filter form never refuses the page: a parameter it cannot read (an unknown
status, a product id that is no number, a search term too long) is said above
the list and left out, and the other filters still apply.
"""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from townhall.cases import selectors
from townhall.cases.models import Case

QUERY_MAX = 200
# A page shows at most PAGE_SIZE cases; more ticked than that was not sent by the page.
TICKED_MAX = selectors.PAGE_SIZE

STATUSES = [
    (selectors.OPEN, pgettext_lazy("case filter", "Open (every open case)")),
    *Case.Status.choices,
    (selectors.CLOSED, pgettext_lazy("case filter", "Closed (every closed case)")),
]
DEADLINES = [
    ("", pgettext_lazy("case filter", "any deadline")),
    (selectors.OVERDUE, _("overdue")),
    (selectors.SOON, _("due within 3 days")),
    (selectors.LATER, _("later, or paused")),
]
SORTS = [
    ("due", _("deadline, soonest first")),
    ("newest", _("date opened, newest first")),
    ("oldest", _("date opened, oldest first")),
]


def _person_name(user) -> str:
    return user.get_full_name() or user.get_username()


class InboxFilterForm(forms.Form):
    """What an inbox lists (``mine``: the staff member's own cases, without "assigned to")."""

    q = forms.CharField(
        label=_("Reference or name of the applicant"),
        required=False,
        max_length=QUERY_MAX,
        error_messages={
            "max_length": _("Search for at most %(limit_value)d characters: a reference or a name.")
        },
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    product = forms.TypedChoiceField(
        label=_("Product"), coerce=int, empty_value=None, required=False
    )
    deadline = forms.ChoiceField(label=_("Deadline"), choices=DEADLINES, required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=SORTS, required=False)

    def __init__(self, data, *, products, colleagues, user, language: str, mine: bool):
        super().__init__(data, auto_id="filter-%s")
        self.fields["product"].choices = [
            ("", pgettext_lazy("case filter", "every product")),
            *((str(p.pk), p.text("title", language)) for p in products),
        ]
        if mine:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].choices = [
                ("", pgettext_lazy("case filter", "anyone or nobody")),
                (selectors.ME, _("me")),
                (selectors.NOBODY, _("nobody yet")),
                *((str(c.pk), _person_name(c)) for c in colleagues if c.pk != user.pk),
            ]

    def filters(self) -> selectors.InboxFilters:
        """The filters to apply: each field that was read, the default for the others."""
        self.is_valid()
        read = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in ("", None)
        }
        return selectors.InboxFilters(**read)

    def problems(self) -> list[str]:
        """What could not be read, one sentence per field, to say above the list."""
        return [
            _("%(field)s: %(problem)s")
            % {"field": self.fields[name].label, "problem": " ".join(errors)}
            for name, errors in self.errors.items()
        ]


class CaseAssignForm(forms.Form):
    """Give the ticked cases (``case``: "uuid:version" of each, as the list showed it) to
    one colleague of the department, or to nobody."""

    assignee = forms.ChoiceField(label=_("Give the ticked cases to"))

    def __init__(self, data, *, colleagues):
        super().__init__(data, auto_id="assign-%s")
        self.colleagues = {str(c.pk): c for c in colleagues}
        self.fields["assignee"].choices = [
            ("", _("choose a colleague")),
            (selectors.NOBODY, _("nobody (back to the department)")),
            *((pk, _person_name(c)) for pk, c in self.colleagues.items()),
        ]
        self.fields["assignee"].error_messages["invalid_choice"] = _(
            "Choose a colleague of your department, or nobody."
        )

    def clean(self):
        data = super().clean()
        ticked = self.data.getlist("case") if hasattr(self.data, "getlist") else []
        if not ticked:
            raise forms.ValidationError(_("Tick the cases to give first."))
        if len(ticked) > TICKED_MAX:
            raise forms.ValidationError(
                _("Give at most %(n)d cases at a time.") % {"n": TICKED_MAX}
            )
        versions = {}
        for value in ticked:
            key, _sep, version = str(value).partition(":")
            try:
                versions[uuid.UUID(key)] = int(version)
            except (ValueError, OverflowError):
                raise forms.ValidationError(
                    _("The list was not read as it was shown. Nothing was changed.")
                ) from None
        data["versions"] = versions
        return data

    def assignee_chosen(self):
        """The colleague chosen, or None for nobody."""
        return self.colleagues.get(self.cleaned_data["assignee"])
