from datetime import timedelta

from django.utils import timezone

from accounts.models import User

# "Last seen" is shown to the minute; writing it more often would cost a write per request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class LastSeenMiddleware:
    """Record when a logged-in user was last seen, at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            if user.last_seen is None or now - user.last_seen >= LAST_SEEN_RESOLUTION:
                User.objects.filter(pk=user.pk).update(last_seen=now)
                user.last_seen = now
        return self.get_response(request)
