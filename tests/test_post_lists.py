"""The lists of posts (home page, profiles) come from Django's cache (microblog/posts/lists.py),
and are never stale: however posts or their authors change, the next page view shows it."""

from hashlib import md5
from io import StringIO

import pytest
from django.core.management import call_command

from microblog.posts.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def home(client):
    return client.get("/").text


def test_home_lists_recent_posts_of_all_users_newest_first(logged_in, other_user):
    PostFactory(author=other_user, body="older post")
    PostFactory(body="newer post")

    response = logged_in.get("/")

    assert response.status_code == 200
    assert response.text.index("newer post") < response.text.index("older post")
    assert 'href="/user/anthony"' in response.text


def test_index_is_the_home_page_too(logged_in):
    assert "Hi, susan!" in logged_in.get("/index").text


# Each change below is made after its page was viewed (its list cached). A case sets up what the
# page shows first, and returns the page's path and the change, which returns what the next view
# must show and what it must no longer show (None: nothing to look for).


def a_new_post(user, other_user, staff_client):
    def change():
        PostFactory(author=user, body="brand new post")
        return "brand new post", None

    return "/", change


def a_new_post_on_the_authors_profile(user, other_user, staff_client):
    return "/user/susan", a_new_post(user, other_user, staff_client)[1]


def a_deleted_post(user, other_user, staff_client):
    post = PostFactory(author=user, body="soon gone")

    def change():
        post.delete()
        return None, "soon gone"

    return "/", change


def posts_of_seed_demo_in_another_command(user, other_user, staff_client):
    def change():
        call_command("seed_demo", "--posts", "3", stdout=StringIO())
        return Post.objects.first().body, None

    return "/", change


def a_bulk_update(user, other_user, staff_client):
    PostFactory.create_batch(2, author=other_user, body="before the bulk update")

    def change():
        Post.objects.update(body="edited in bulk")
        return "edited in bulk", "before the bulk update"

    return "/", change


def a_bulk_delete(user, other_user, staff_client):
    PostFactory.create_batch(2, author=other_user, body="deleted in bulk")

    def change():
        Post.objects.filter(author=other_user).delete()
        return None, "deleted in bulk"

    return "/", change


def a_post_edited_in_the_admin(user, other_user, staff_client):
    post = PostFactory(author=other_user, body="before the admin")

    def change():
        form = {"author": other_user.pk, "body": "after the admin"}
        staff_client.post(f"/admin/posts/post/{post.pk}/change/", form)
        return "after the admin", "before the admin"

    return "/", change


def a_post_given_to_another_author(user, other_user, staff_client):
    post = PostFactory(author=user)

    def change():
        post.author = other_user
        post.save(update_fields=["author"])
        return 'href="/user/anthony"', None  # (the layout links to susan's own profile)

    return "/", change


def an_author_renamed(user, other_user, staff_client):
    PostFactory(author=other_user)

    def change():
        other_user.username = "tony"
        other_user.save()
        return 'href="/user/tony"', 'href="/user/anthony"'

    return "/", change


def an_authors_new_email_as_a_new_avatar(user, other_user, staff_client):
    PostFactory(author=other_user)

    def change():
        other_user.email = "new-address@example.com"
        other_user.save(update_fields=["email"])
        return md5(b"new-address@example.com").hexdigest(), md5(b"anthony@example.com").hexdigest()

    return "/", change


@pytest.mark.parametrize(
    "made",
    [
        a_new_post,
        a_new_post_on_the_authors_profile,
        a_deleted_post,
        posts_of_seed_demo_in_another_command,
        a_bulk_update,
        a_bulk_delete,
        a_post_edited_in_the_admin,
        a_post_given_to_another_author,
        an_author_renamed,
        an_authors_new_email_as_a_new_avatar,
    ],
)
def test_a_change_to_the_posts_or_their_authors_shows_at_once(
    logged_in, user, other_user, staff_client, made
):
    path, change = made(user, other_user, staff_client)
    logged_in.get(path)  # the list is now cached

    shown, gone = change()
    page = logged_in.get(path).text

    assert shown is None or shown in page
    assert gone is None or gone not in page
