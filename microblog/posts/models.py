from django.conf import settings
from django.db import models


class PostQuerySet(models.QuerySet):
    # What a list of posts shows: each post's body, its author's name and the email behind the
    # avatar (microblog/posts/lists.py keys a list's HTML by these).
    SHOWN = ("body", "author__username", "author__email")

    def listed(self):
        """The posts of a list, newest first, the most recent only: no column but what the list
        shows is read, and no author is looked up one by one."""
        return self.select_related("author").only(*self.SHOWN)[: Post.RECENT]


class Post(models.Model):
    # How many of the newest posts a page lists (the home page, a profile), as in the tutorial.
    RECENT = 25

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    body = models.CharField(max_length=140)
    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            # A profile lists its author's newest posts: read in this order from the index, they
            # cost the same for an author of 200,000 posts as for one of ten.
            models.Index(fields=["author", "-timestamp", "-id"], name="post_author_newest"),
        ]

    def __str__(self):
        return self.body
