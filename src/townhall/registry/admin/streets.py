"""Admin pages of streets (straatnamen): their names, status and addresses.

A street is renamed here through :func:`townhall.registry.streets.street_rename`,
so its addresses' copies of the name follow in the same transaction, and a name
that would make two addresses one place is refused on the form. Its register id
(from the BeST import) is shown, never edited. Addresses show without their
residents: no person's data on these pages, so no purpose is asked.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from townhall.registry.models import Address, Street
from townhall.registry.streets import rename_clash, renamed_addresses, street_rename

RENAMED = ("name", "name_nl", "name_fr", "name_de")


class StreetForm(forms.ModelForm):
    class Meta:
        model = Street
        fields = [*RENAMED, "postcode", "nis_code", "section", "status", "valid_from", "valid_to"]

    def clean(self):
        data = super().clean()
        name = " ".join((data.get("name") or "").split())
        if self.instance.pk and name and "name" in self.changed_data:
            # The check street_rename makes, shown on the form rather than as an error page.
            clash = rename_clash(self.instance.pk, renamed_addresses(self.instance.pk, name))
            if clash is not None:
                self.add_error(
                    "name",
                    _(
                        "%(address)s already exists on another street: the two would be the "
                        "same place. Resolve that address first."
                    )
                    % {"address": clash},
                )
        return data


class AddressInline(admin.TabularInline):
    model = Address
    fields = ["address", "register_uri"]
    readonly_fields = ["address", "register_uri"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["house_number", "box_number"]

    @admin.display(description=_("address"))
    def address(self, obj):
        return str(obj)


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    form = StreetForm
    list_display = ["name", "postcode", "section", "status", "register_link"]
    list_filter = ["status"]
    search_fields = ["name", "name_nl", "name_fr", "name_de", "postcode"]
    readonly_fields = ["register_link"]
    # A street with addresses cannot be deleted (they protect it): it is retired instead.
    inlines = [AddressInline]

    @admin.display(description=_("address register"))
    def register_link(self, obj):
        if not obj.best_id:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.uri, obj.best_id)

    def save_model(self, request, obj, form, change):
        if change and any(name in form.changed_data for name in RENAMED):
            names = {name: form.cleaned_data.get(name, "") for name in RENAMED}
            others = {f: getattr(obj, f) for f in form.changed_data if f not in RENAMED}
            street = street_rename(street=obj, **names)
            if others:
                Street.objects.filter(pk=street.pk).update(**others)
            return
        super().save_model(request, obj, form, change)
