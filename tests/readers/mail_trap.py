"""An email backend for tests/readers/test_job_queue.py, loaded by a worker in another
process: Django's file-based backend, slowed a little, that hangs on the first email to
TRAP_ADDRESS after writing a TRAPPED marker, so the test can kill the worker at a
known point in the middle of sending."""

import time
from pathlib import Path

from django.core.mail.backends import filebased

TRAP_ADDRESS = "trap@example.org"
MARKER = "TRAPPED"


class TrapFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(self.file_path) / MARKER
        for message in email_messages:
            if TRAP_ADDRESS in message.to and not marker.exists():
                marker.touch()
                time.sleep(120)  # killed here
        time.sleep(0.003)
        return super().send_messages(email_messages)
