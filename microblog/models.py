from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

# Rendered lists of posts are cached (see templates/_posts.html) under this version, which changes
# whenever any list could look different: a post saved or deleted, a user renamed.
LISTINGS_VERSION_KEY = "post-listings-version"


def listings_version():
    return cache.get_or_set(LISTINGS_VERSION_KEY, 1, timeout=None)


class PostQuerySet(models.QuerySet):
    def for_listing(self):
        """What a list of posts shows: each body, with its author's name and avatar."""
        return self.select_related("author")


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    body = models.CharField(max_length=140)
    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]

    def __str__(self):
        return self.body


@receiver(post_save, sender=Post)
@receiver(post_delete, sender=Post)
@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def expire_cached_listings(sender, update_fields=None, **kwargs):
    # Any change to a post shows; of a user, only the name and the email (the avatar) do: a login
    # saves only last_login.
    if sender is not Post and update_fields and not {"username", "email"} & set(update_fields):
        return
    with suppress(ValueError):  # no version yet: nothing has been cached under one
        cache.incr(LISTINGS_VERSION_KEY)
