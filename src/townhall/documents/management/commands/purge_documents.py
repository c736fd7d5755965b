"""Remove the files of issued documents past their retention; once, or every N seconds
(``--every 86400``) until stopped.

In production, run it daily from a timer (systemd, cron); ``run_demo`` starts it with
the demo. The rows stay, so the documents still verify; what it removed is logged by
number of files per kind of document (:mod:`townhall.documents.retention`).
"""

from townhall.documents.retention import documents_purge
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Remove the files of issued documents kept past their retention (the rows stay)."

    def work(self):
        removed = documents_purge()
        return removed, f"Removed the files of {removed} documents past their retention."
