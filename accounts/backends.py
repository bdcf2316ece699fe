from asgiref.sync import sync_to_async
from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend, ModelBackend

from accounts.models import User, user_with_pk


class UserBackend(ModelBackend):
    """Django's ModelBackend, with the logged-in user of each request read by a prepared query
    (microblog/prepared.py): the ORM's own lookup was the largest part of a page view."""

    def get_user(self, user_id):
        user = user_with_pk.first(User._meta.pk.to_python(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        """The same lookup for async code: ModelBackend's own twin would skip it."""
        return await sync_to_async(self.get_user)(user_id)


class LockoutBackend(AxesStandaloneBackend, BaseBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out login is refused before
    any password is hashed. Django's BaseBackend gives it the aauthenticate that async sign-ins
    call, which axes' own class lacks."""
