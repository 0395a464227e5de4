import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the 'admin' superuser if it does not exist. The password comes from "
        "ADMIN_PASSWORD, or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Superuser '{username}' exists; password unchanged.")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        email = os.environ.get("ADMIN_EMAIL", "admin@example.org")
        User.objects.create_superuser(username=username, email=email, password=password)
        if os.environ.get("ADMIN_PASSWORD"):
            self.stdout.write(
                f"Created superuser '{username}' with the password in ADMIN_PASSWORD."
            )
            return
        banner = "=" * 64
        self.stdout.write(
            f"{banner}\n"
            f"  Created the admin user. Log in at http://127.0.0.1:8000/admin/\n"
            f"    username: {username}\n"
            f"    password: {password}\n"
            f"  This password is shown only once. Change it with:\n"
            f"    .venv/bin/python manage.py changepassword {username}\n"
            f"{banner}"
        )
