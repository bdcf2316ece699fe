import unicodedata
from hashlib import md5

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Value
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact, LessThanOrEqual
from django.urls import reverse

USERNAME_TAKEN = "Please use a different username."
EMAIL_TAKEN = "Please use a different email address."


def username_key(username):
    """What makes two usernames one: the same letters in any case, in any alphabet ("Éva" and
    "éva", "ΣΊΣΥΦΟΣ" and "σίσυφος"), and compatibility look-alikes ("ａｎｔｈｏｎｙ"). Worked out
    here, not by the database's LOWER(), which folds ASCII only on SQLite, and on PostgreSQL
    depends on the locale and keeps a final sigma apart."""
    return unicodedata.normalize("NFKC", username).casefold()


class UserQuerySet(models.QuerySet):
    def with_username(self, username):
        """The username rule's one lookup: sign-up, renames, login, the profile URL, the admin.
        It finds exactly the users whom `username` would collide with, through the unique
        constraint's index."""
        return self.filter(username_key=username_key(username))

    def with_email(self, email):
        """Users whose email is `email` in any capitalisation, as the unique constraint below
        compares them (LOWER() of both sides, in the database)."""
        return self.filter(Exact(Lower("email"), Lower(Value(email))))


class CaseInsensitiveUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        """Log in with any capitalisation: usernames are unique regardless of case."""
        return self.with_username(username).get()

    async def aget_by_natural_key(self, username):
        """The same rule for aauthenticate(): Django's own twin would look the name up as typed."""
        return await self.with_username(username).aget()


class User(AbstractUser):
    about_me = models.CharField(max_length=140, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    # username_key(username), kept by save(): unique, so that the database holds the rule.
    # (Case folding can make a name longer: "ß" is "ss".)
    username_key = models.CharField(max_length=450, editable=False)

    objects = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            # The database, not the form, is the final word on who owns a name: the form's check
            # cannot see a concurrent request that takes the same name a moment later.
            models.UniqueConstraint(
                fields=["username_key"],
                name="user_username_key_unique",
                violation_error_message=USERNAME_TAKEN,
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_ci_unique",
                violation_error_message=EMAIL_TAKEN,
            ),
            # SQLite does not enforce a varchar length; this check does, on every database.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("about_me"), 140),
                name="user_about_me_max_140",
            ),
        ]

    def save(self, *args, **kwargs):
        self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profile", args=[self.username])

    def avatar(self, size):
        """The Gravatar image for this user's email, an identicon when they have none."""
        digest = md5(self.email.lower().encode(), usedforsecurity=False).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"
