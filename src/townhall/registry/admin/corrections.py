"""Admin page of correction requests ("this is not right"), for citizens' affairs.

1. The list shows the open requests first; it names the item, not the person
   nor the value, and is searched by item only (a search by name would turn a
   name into what that person asked to correct).
2. Opening a request, or its history, shows the person, their remark and the
   value as it was shown to them; that is a read of the person's data, so it
   writes the access log, with the one purpose these pages serve.
   Every page sees only the requests routed to the staff member's department
   (:func:`~townhall.municipality.scoping.for_department`).
3. Ticking "handled" (or the list action) marks it handled through
   :func:`~townhall.registry.corrections.correction_request_handle`; the
   register itself is corrected on the person's own record page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from townhall.municipality.scoping import for_department
from townhall.registry import services
from townhall.registry.corrections import CorrectionRequest, correction_request_handle
from townhall.registry.models import AccessLogEntry

ACCESS_PURPOSE = _("Handling a correction request of this person")


class CorrectionRequestForm(forms.ModelForm):
    mark_handled = forms.BooleanField(
        label=_("Handled"),
        required=False,
        help_text=_("Tick once the register is corrected, or once you found it was right."),
    )

    class Meta:
        model = CorrectionRequest
        fields = ["handling_note"]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    form = CorrectionRequestForm
    list_display = ["created_at", "item_label", "status", "handled_at"]
    # Each row's name (its action checkbox's label) names the person: one join, not a
    # query per row.
    list_select_related = ["person"]
    # Grows with every report: "N results (M total)" would count all of it each time.
    show_full_result_count = False
    list_filter = ["status", "department_code"]
    search_fields = ["item_label"]
    ordering = ["-status", "-created_at"]  # descending: "open" before "handled"
    actions = ["mark_handled"]
    readonly_fields = [
        "person_link",
        "item_label",
        "current_value",
        "remark",
        "created_at",
        "status",
        "handled_by",
        "handled_at",
    ]
    fields = [*readonly_fields, "handling_note", "mark_handled"]

    def get_queryset(self, request):
        # Each department sees the requests routed to it, in the list, the change
        # page and the list action alike (the administrator sees all).
        return for_department(
            super().get_queryset(request), user=request.user, field="department_code"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("person"))
    def person_link(self, correction):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:registry_person_change", args=[correction.person_id]),
            correction.person,
        )

    def _log_read(self, request, object_id) -> None:
        if request.method != "GET" or not self.has_view_or_change_permission(request):
            return
        correction = self.get_object(request, object_id)
        if correction is not None:
            services.access_log_record(
                actor=request.user,
                person=correction.person,
                action=AccessLogEntry.Action.VIEW,
                purpose=str(ACCESS_PURPOSE),
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_read(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # The history names the request, and so the person.
        self._log_read(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("mark_handled") and obj.is_open:
            correction_request_handle(
                correction=obj, actor=request.user, note=form.cleaned_data["handling_note"]
            )
        else:
            obj.save(update_fields=["handling_note"])

    @admin.action(description=_("Mark the selected requests as handled"))
    def mark_handled(self, request, queryset):
        handled = 0
        for correction in queryset.filter(status=CorrectionRequest.Status.OPEN):
            try:
                correction_request_handle(correction=correction, actor=request.user)
            except ValidationError:
                continue
            handled += 1
        messages.success(request, _("%(n)d requests marked as handled.") % {"n": handled})
