"""The messaging pages of the back office (berichten), under ``/backoffice/berichten/``.

- :mod:`.compose`: write an announcement, preview it, confirm and send it;
- :mod:`.overview`: the counts per channel and state, the broadcasts and one broadcast's progress;
- :mod:`.persons`: the messages of one person (a logged read, with its purpose), resend, cancel;
- :mod:`.letters`: the day's letter batch, its print PDF, and "posted";
- :mod:`.message_templates`: the message templates with a preview per channel and language.

Every view needs a staff session with the second factor and its own permission
(:func:`.access.staff_permission_required`); the roles that hold them are in
:mod:`townhall.accounts.roles`.
"""
