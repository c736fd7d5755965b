"""Administration of messaging: templates are edited here; messages and letter batches
are read-only.

1. A template's texts are edited inline; each text is checked as it is saved
   (:func:`~townhall.messaging.templates.text_errors` in the form's ``clean``)
   and written through :func:`~townhall.messaging.templates.template_text_save`,
   which takes the template out of use until it is checked again.
2. The action "Check and allow use" runs
   :func:`~townhall.messaging.templates.template_activate`.
3. Messages show no text and only a masked address: reading what was sent to
   someone happens on their message log in the back office, which asks why
   and writes the access log. The list names no recipient and is not searched
   by name; one message's page names its recipient, so it asks why first and
   writes the access log too (:mod:`townhall.registry.admin.purposes`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from townhall.messaging.models import LetterBatch, Message, MessageTemplate, TemplateText
from townhall.messaging.sms import number_masked
from townhall.messaging.templates import template_activate, template_text_save, text_errors
from townhall.registry.admin.paging import EstimatedCountPaginator
from townhall.registry.admin.purposes import PurposeAskedAdmin
from townhall.registry.preferences import Channel


class TemplateTextForm(forms.ModelForm):
    class Meta:
        model = TemplateText
        fields = ["channel", "language", "subject", "body"]

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE") or "body" not in data:
            return data
        declared = self.parent.placeholders if self.parent is not None else []
        errors = text_errors(
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            declared=declared or [],
            channel=data.get("channel", ""),
        )
        if errors:
            raise ValidationError(errors)
        return data


class TemplateTextFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        # The template as edited in this same request, so changed placeholders count.
        return {**super().get_form_kwargs(index), "parent": self.instance}


class TemplateTextInline(admin.StackedInline):
    model = TemplateText
    form = TemplateTextForm
    formset = TemplateTextFormSet
    extra = 0


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["shown_name", "code", "kind", "topic", "is_active"]
    list_filter = ["kind", "topic", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["is_active", "is_adhoc", "created_at", "updated_at"]
    inlines = [TemplateTextInline]
    actions = ["activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_adhoc=False)

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, template):
        return template.display_name

    def save_model(self, request, obj, form, change):
        if change and {"placeholders", "sample_context", "topic", "channels"} & set(
            form.changed_data
        ):
            obj.is_active = False  # the texts must be checked against the new declaration
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not TemplateText:
            return super().save_formset(request, form, formset, change)
        for text_form in formset.deleted_forms:
            if text_form.instance.pk:
                text_form.instance.delete()
        for text_form in formset.forms:
            if text_form in formset.deleted_forms or not text_form.has_changed():
                continue
            data = text_form.cleaned_data
            template_text_save(
                template=form.instance,
                channel=data["channel"],
                language=data["language"],
                subject=data.get("subject", ""),
                body=data["body"],
            )
        return None

    @admin.action(description=_("Check and allow use"))
    def activate(self, request, queryset):
        for template in queryset:
            try:
                template_activate(template=template)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(label)s: %(value)s")
                    % {"label": template.display_name, "value": " ".join(error.messages)},
                    level=messages.ERROR,
                )
            else:
                self.message_user(
                    request, _("%(name)s can be used.") % {"name": template.display_name}
                )


def address_masked(message: Message) -> str:
    """Enough of the address to recognise it, not enough to read it off."""
    address = message.address
    if not address:
        return "–"
    if message.channel == Channel.EMAIL:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if message.channel == Channel.SMS:
        return number_masked(address)
    return address.split(",")[-1].strip()  # the postcode and municipality of a letter


@admin.register(Message)
class MessageAdmin(PurposeAskedAdmin):
    # A big table: "N results (M total)" would count all of it on every page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display = ["reference", "channel", "state", "created_at"]
    list_filter = ["state", "channel", "kind", "queue"]
    search_fields = ["provider_reference"]
    purpose_covers_search = False

    def purpose_needed(self, request, obj) -> bool:
        return obj.person_id is not None

    def purpose_key(self, obj) -> str:
        # The person's own key: a purpose given for them covers their messages.
        return str(obj.person_id)

    def persons_shown(self, request, obj) -> list:
        return [obj.person]

    date_hierarchy = "created_at"
    fields = [
        "reference",
        "recipient_name",
        "person_messages",
        "template",
        "broadcast",
        "kind",
        "topic",
        "channel",
        "masked_address",
        "language",
        "subject",
        "queue",
        "state",
        "attempts",
        "next_attempt_at",
        "reason",
        "provider",
        "provider_reference",
        "letter_batch",
        "created_at",
        "sent_at",
        "delivered_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reference"), ordering="pk")
    def reference(self, message):
        return message.reference

    @admin.display(description=_("address"))
    def masked_address(self, message):
        return address_masked(message)

    @admin.display(description=_("message log"))
    def person_messages(self, message):
        if message.person_id is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("backoffice:messaging_person", args=[message.person_id]),
            _("Every message to this person, with the texts (asks why; logged)"),
        )


@admin.register(LetterBatch)
class LetterBatchAdmin(admin.ModelAdmin):
    list_display = ["day", "state", "page_count", "rendered_at", "posted_at", "posted_by"]
    list_filter = ["state"]
    readonly_fields = ["day", "state", "page_count", "rendered_at", "posted_at", "posted_by"]
    exclude = ["pdf"]  # served to staff by the back office, never through MEDIA_URL

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
