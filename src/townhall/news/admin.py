"""Administration of the news topics: the communication department adds, renames and
retires topics here. A topic is never deleted: publications and subscriptions name
it, and its ``code`` is part of feed addresses; retiring it ("offered" off) keeps
both. Publications are written in the back office (``/backoffice/publicaties/``),
whose services keep their editorial flow, so they have no admin pages."""

from django.contrib import admin

from townhall.news.models import NewsTopic


@admin.register(NewsTopic)
class NewsTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_fr", "name_en", "code"]
    ordering = ["position", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is in subscribers' feed addresses: fixed once the topic exists.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False
