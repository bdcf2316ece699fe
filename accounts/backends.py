from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend


class LockoutBackend(AxesStandaloneBackend, BaseBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out login is refused before
    any password is hashed. Django's BaseBackend gives it the aauthenticate that async sign-ins
    call, which axes' own class lacks."""
