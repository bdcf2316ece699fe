import random

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User, username_key
from microblog.posts.demo import DEMO_PASSWORD, DEMO_USERS, WORDS
from microblog.posts.models import Post


class Command(BaseCommand):
    help = (
        "Create demo users and posts so that a newcomer can log in at once. Idempotent: "
        f"existing users are left alone. Every demo user's password is {DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=0, help="extra generated users")
        parser.add_argument("--posts", type=int, default=0, help="extra generated posts")

    @transaction.atomic
    def handle(self, *args, users, posts, **options):
        # Hashing is deliberately slow: hash once and share it among the demo users.
        password = make_password(DEMO_PASSWORD)
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "password": password},
        )
        if created:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        for username, about_me in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.com",
                    "about_me": about_me,
                    "password": password,
                },
            )
            if created:
                Post.objects.create(author=user, body=f"Hi, I'm {username}. {about_me}")
        # bulk_create() calls no save(): the username key is set here.
        generated = User.objects.bulk_create(
            User(
                username=f"user{n}",
                username_key=username_key(f"user{n}"),
                email=f"user{n}@example.com",
                password=password,
            )
            for n in range(User.objects.count(), User.objects.count() + users)
        )
        authors = generated or list(User.objects.all())
        rng = random.Random(7)  # noqa: S311 (repeatable demo text)
        Post.objects.bulk_create(
            Post(author=rng.choice(authors), body=" ".join(rng.choices(WORDS, k=12)).capitalize())
            for _ in range(posts)
        )
        self.stdout.write(
            f"Demo data ready: {User.objects.count()} users, {Post.objects.count()} posts. "
            f"Log in as susan, john or admin (staff) with the password {DEMO_PASSWORD!r}."
        )
