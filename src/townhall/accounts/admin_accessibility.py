"""Accessible names for admin widgets whose labels Django leaves unattached.

A date-and-time field (``AdminSplitDateTime``) shows "Date:" and "Time:" as
plain text before its two inputs, and the field's label points at neither
(Django gives a multi-input widget's label no ``for``): a screen reader reads
two unnamed text boxes. :class:`AccessibleWidgetsMixin` names each input
"<field label>: Date" and "<field label>: Time". Every admin and inline of the
staff site gets it (:mod:`townhall.accounts.admin_input`).
"""

from django.contrib.admin.widgets import AdminSplitDateTime, RelatedFieldWidgetWrapper
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class AccessibleWidgetsMixin:
    """Mixed into every ModelAdmin and inline of the staff admin site."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        if isinstance(widget, AdminSplitDateTime):
            label = formfield.label
            date_widget, time_widget = widget.widgets
            date_widget.attrs["aria-label"] = format_lazy("{}: {}", label, _("Date"))
            time_widget.attrs["aria-label"] = format_lazy("{}: {}", label, _("Time"))
        return formfield
