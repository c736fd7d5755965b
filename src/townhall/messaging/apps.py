from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "townhall.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        # The delivery channels and SMS gateway adapters register themselves by name.
        # The provider signals and the register's events connect their receivers.
        # The tasks register themselves by name; the work enqueues through queueing.py.
        from townhall.messaging import (  # noqa: F401
            receivers,
            tasks,
            webhooks,
        )
        from townhall.messaging.channels import email, letter, sms  # noqa: F401
        from townhall.messaging.sms import capture, generic_http, twilio  # noqa: F401

        # The social channel plugins, and the check of the configured accounts.
        from townhall.messaging.social import checks, mastodon, webhook  # noqa: F401
