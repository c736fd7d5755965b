from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User

# Django writes the names of permissions into the database in English when it
# migrates ("Can add message"); staff read them in their own language.
DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """A permission as the permission lists show it: app | model | what it allows,
    translated (a model's own permissions are msgids of the catalogue)."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    default = model is not None and permission.codename == f"{action}_{model._meta.model_name}"
    if default and action in DEFAULT_PERMISSION_NAMES:
        name = DEFAULT_PERMISSION_NAMES[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class PermissionsTranslated:
    """The permission lists of the user and group pages, in the staff member's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(PermissionsTranslated, DjangoUserAdmin):
    """Staff accounts, for ICT. Resident accounts are not here: their names and
    addresses are a person's data, which no staff page shows without asking why
    and logging the look; residents manage their own account."""

    list_display = ["username", "first_name", "last_name", "department", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "department", "groups"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Department"), {"fields": ["department"]}),
    ]

    # Who may change users (ICT) must not be able to make anyone, themselves
    # included, a superuser or hand out single permissions: roles are groups.
    PRIVILEGED_FIELDS = ["is_superuser", "user_permissions"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=User.Kind.STAFF)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.PRIVILEGED_FIELDS
        return fields

    def has_change_permission(self, request, obj=None):
        # Nor change a superuser's account or password (then remove their second
        # factor and sign in as them).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionsTranslated, DjangoGroupAdmin):
    """Roles: Django's group pages, with the permissions in the staff member's language."""
