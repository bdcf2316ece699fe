"""The lockout of repeated failed logins: django-axes, configured in settings.py (AXES_*), with
two things of the site's own.

- Usernames are counted as the site compares them, in any case: SUSAN's failures are susan's.
- Besides each username from each address (AXES_FAILURE_LIMIT), each address is capped in all
  (LOGIN_FAILURE_LIMIT_PER_ADDRESS, higher, so that an office behind one NAT address is not locked
  out by its typos): one address guessing for ever-new usernames is refused, before any password
  is hashed, once it has failed that often within the cool-off.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

log = logging.getLogger("microblog.lockout")


def lockout_username(request, credentials):
    """AXES_USERNAME_CALLABLE: the username a login tried, in the case the site compares it in."""
    username = (credentials or request.POST).get(settings.AXES_USERNAME_FORM_FIELD) or ""
    return username.lower()


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler (its failures are rows, seen by every worker and machine, and kept
    when the cache is down), with the cap per address, and one INFO line for each lockout."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_is_capped(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # Set by axes' backend when it refused the login: the lockout has begun already.
        refused = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if refused:
            self.log_first_refusal(request, credentials)
            return
        minutes = settings.AXES_COOLOFF_TIME.total_seconds() / 60
        if request.axes_locked_out:
            username = lockout_username(request, credentials)
            log.info(
                "Login locked out for %.0f minutes: username %r from %s",
                minutes,
                username,
                request.axes_ip_address,
            )
        elif self.address_is_capped(request):
            # This failure reached the cap: it gets the lockout page. (Tries of the address that
            # were already past the check may each add this line too.)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            log.info(
                "Login locked out for %.0f minutes: every username from %s",
                minutes,
                request.axes_ip_address,
            )

    def log_first_refusal(self, request, credentials):
        """One INFO line, with its request id, for the first refused try of a lockout: the
        reference on the page that the locked-out visitor quotes is in the log, and a flood of
        refused tries is not (the access log has each one)."""
        username = lockout_username(request, credentials)
        address = request.axes_ip_address
        key = f"lockout-refusal-logged:{address}:{username}"
        if cache.add(key, True, timeout=settings.AXES_COOLOFF_TIME.total_seconds()):
            log.info(
                "Login refused during a lockout: username %r from %s (further refusals until "
                "it ends are not logged)",
                username,
                address,
            )

    def address_is_capped(self, request):
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
        return failures >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


@receiver(pre_save, sender=AccessAttempt)
def keep_no_form_data(sender, instance, **kwargs):
    """An attempt keeps who tried from where, not what the form and URL carried: axes masks the
    password, but not the CSRF token or anything else a client sends, which the site's rule is
    to keep out of every stored report."""
    instance.get_data = instance.post_data = ""
