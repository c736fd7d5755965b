"""Fire the workflow timers that are due (reminders, deadlines), once or every N seconds.

In production, run it as a small service beside the workers (``--every 60``) or from
a timer; ``run_demo`` starts it with the demo.
"""

from townhall.cases.services import case_timers_run
from townhall.repeating import RepeatingCommand


class Command(RepeatingCommand):
    help = "Fire the timers of the workflows that are due (reminders, deadlines)."

    def work(self):
        moved = case_timers_run()
        return moved, f"Timers fired on {moved} case(s)."
