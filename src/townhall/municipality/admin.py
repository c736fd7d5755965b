from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from townhall.municipality.models import Department, Municipality, OpeningHours, Postcode


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 0


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "nis_code", "is_active"]
    inlines = [PostcodeInline, DepartmentInline, OpeningHoursInline]
    fieldsets = [
        (None, {"fields": ["name", "name_fr", "name_en", "nis_code", "is_active"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "street",
                    "house_number",
                    "postcode",
                    "email",
                    "phone",
                    "website",
                    "enterprise_number",
                    "reference_prefix",
                ]
            },
        ),
        (_("Branding"), {"fields": ["logo", "primary_colour", "accent_colour", "languages"]}),
        (
            _("Signatory of documents"),
            {
                "fields": [
                    "signatory_name",
                    "signatory_title",
                    "signatory_title_fr",
                    "signatory_title_en",
                ]
            },
        ),
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "email", "phone"]
    search_fields = ["name", "code"]
