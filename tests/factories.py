import factory

from accounts.models import User
from microblog.posts.models import Post

PASSWORD = "correct-horse-battery"
# The backend that logs users in, for force_login: the first in AUTHENTICATION_BACKENDS, axes'
# lockout check, only refuses.
USER_BACKEND = "django.contrib.auth.backends.ModelBackend"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}")
