"""Run the outbox sweeper once, or every N seconds (``--every 60``) until stopped.

In production, run it from a timer (systemd, cron) or as a small service beside
the workers; ``run_demo`` starts it with the demo.
"""

from townhall.messaging.delivery import messages_sweep
from townhall.messaging.social.delivery import social_posts_sweep
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = (
        "Re-enqueue lost messages and social posts and take back those a dead worker left sending."
    )

    def work(self):
        outcome = messages_sweep()
        social = social_posts_sweep()
        return sum(outcome.values()) + sum(social.values()), (
            f"Taken back {outcome['taken_back']}, enqueued again {outcome['requeued']}, "
            f"broadcasts resumed {outcome['broadcasts']}; social posts taken back "
            f"{social['taken_back']}, enqueued again {social['requeued']}."
        )
