"""Administration of the catalogue: products are edited here, snapshots only read.

Saving goes through the services (``product_create`` / ``product_update``), so every
change raises the version and writes its snapshot for the feed; publishing and
withdrawing are actions that need ``catalog.publish_product``. Products are never
deleted here (withdrawing is the soft state), and snapshots are written by the
code only.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.catalog import services
from townhall.catalog.models import TEXT_FIELDS, Product, ProductSnapshot

PUBLISH = "catalog.publish_product"


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "product_type", "status", "department", "version", "updated_at"]
    list_filter = ["status", "product_type", "department"]
    search_fields = ["title", "keywords"]
    readonly_fields = ["status", "version", "uuid", "published_at", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "withdraw"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "version", "product_type", "dutch_form"]}),
        (
            _("Texts in Dutch"),
            {"fields": [name for name in TEXT_FIELDS if name != "title"]},
        ),
        (
            _("Texts in French"),
            {
                "classes": ["collapse"],
                "fields": [f"{name}_fr" for name in TEXT_FIELDS],
            },
        ),
        (
            _("Texts in English"),
            {
                "classes": ["collapse"],
                "fields": [f"{name}_en" for name in TEXT_FIELDS],
            },
        ),
        (_("For whom and about what"), {"fields": ["audiences", "themes", "keywords"]}),
        (
            _("Fee and processing"),
            {"fields": ["is_free", "fee_cents", "processing_days", "department"]},
        ),
        (
            _("How to ask"),
            {
                "fields": [
                    "online",
                    "at_counter",
                    "by_appointment",
                    "elsewhere_url",
                    "elsewhere_label",
                    "elsewhere_label_fr",
                    "elsewhere_label_en",
                    "assurance",
                    "anonymous_allowed",
                ]
            },
        ),
        (
            _("Issued at once"),
            {"fields": ["issued_automatically", "document_kind"]},
        ),
        (
            _("LPDC"),
            {"fields": ["iri", "concept_iri", "uuid", "published_at", "created_at", "updated_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "iri"] if obj else fields

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(PUBLISH):
            actions.pop("publish", None)
            actions.pop("withdraw", None)
        return actions

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE
        }
        if change:
            saved = services.product_update(product=obj, **data)
        else:
            data.pop("title", None), data.pop("description", None), data.pop("product_type", None)
            saved = services.product_create(
                title=obj.title, description=obj.description, product_type=obj.product_type, **data
            )
        obj.pk, obj.version = saved.pk, saved.version

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for product in queryset:
            try:
                services.product_publish(product=product)
            except ValidationError as error:  # no active municipality, or a missing text
                self.message_user(request, f"{product}: {error.messages[0]}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Withdraw"), permissions=["publish"])
    def withdraw(self, request, queryset):
        for product in queryset:
            try:
                services.product_withdraw(product=product)
            except ValidationError as error:
                self.message_user(request, f"{product}: {error.messages[0]}", messages.ERROR)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH)


@admin.register(ProductSnapshot)
class ProductSnapshotAdmin(admin.ModelAdmin):
    list_display = ["product", "version", "change", "generated_at", "in_feed", "is_archived"]
    list_filter = ["change", "in_feed", "is_archived"]
    list_select_related = ["product"]
    readonly_fields = [f.name for f in ProductSnapshot._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
