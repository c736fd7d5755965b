"""Administration of the news topics: the communication department adds, renames and
retires topics here. A topic is never deleted: publications and subscriptions name
it, and its ``code`` is part of feed addresses; retiring it ("offered" off) keeps
both. Publications are written in the back office (``/backoffice/publicaties/``),
whose services keep their editorial flow, so they have no admin pages."""

from django.contrib import admin

from townhall.news.models import NewsTopic


@admin.register(NewsTopic)
class NewsTopicAdmin(admin.ModelAdmin):
    # The code (an address's part, such as "road-works") is on the topic's own page: in
    # the list it would read as an English word on a Dutch page.
    list_display = ["name", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_fr", "name_en", "code"]
    ordering = ["position", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is in subscribers' feed addresses: fixed once the topic exists.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False
