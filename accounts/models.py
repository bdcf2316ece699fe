from hashlib import md5

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Value
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact, LessThanOrEqual
from django.urls import reverse

USERNAME_TAKEN = "Please use a different username."
EMAIL_TAKEN = "Please use a different email address."


class UserQuerySet(models.QuerySet):
    def same_in_any_case(self, field, value):
        """Users whose `field` is `value` in any capitalisation.

        It compares as the unique constraints below do (LOWER() of both sides, in the database),
        so it finds exactly the users whom a new `value` would collide with, through the
        constraints' own indexes.
        """
        return self.filter(Exact(Lower(field), Lower(Value(value))))

    def with_username(self, username):
        """The username rule's one lookup: sign-up, renames, login, the profile URL, the admin."""
        return self.same_in_any_case("username", username)


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

    objects = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            # The database, not the form, is the final word on who owns a name: the form's check
            # cannot see a concurrent request that takes the same name a moment later.
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
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

    def get_absolute_url(self):
        return reverse("profile", args=[self.username])

    def avatar(self, size):
        """The Gravatar image for this user's email, an identicon when they have none."""
        digest = md5(self.email.lower().encode(), usedforsecurity=False).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"
