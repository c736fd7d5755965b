from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "department", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "department", "groups"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Department"), {"fields": ["department"]}),
    ]
