from django.core.management.base import BaseCommand

from forum.notifications import send_daily_digests


class Command(BaseCommand):
    help = "Email the daily forum digest to members who chose it (run once a day, e.g. by cron)."

    def handle(self, *args, **options):
        sent = send_daily_digests()
        self.stdout.write(f"Sent {sent} digest email{'s' if sent != 1 else ''}.")
