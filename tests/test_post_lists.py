"""The lists of posts (home page, profiles) are cached, and never stale: however posts or their
authors change, the next page view shows it."""

from hashlib import md5

import pytest
from django.core.management import call_command

from microblog.posts.lists import render_post_list
from microblog.posts.models import Post
from tests.factories import PASSWORD, PostFactory

pytestmark = pytest.mark.django_db


def home(client):
    return client.get("/").text


def lists_rendered():
    """How many lists of posts this process has rendered (rather than taken from its cache)."""
    return render_post_list.cache_info().misses


def test_home_lists_recent_posts_of_all_users_newest_first(logged_in, other_user):
    PostFactory(author=other_user, body="older post")
    PostFactory(body="newer post")

    response = logged_in.get("/")

    assert response.status_code == 200
    assert response.text.index("newer post") < response.text.index("older post")
    assert 'href="/user/anthony"' in response.text


def test_index_is_the_home_page_too(logged_in):
    assert "Hi, susan!" in logged_in.get("/index").text


def test_an_unchanged_list_is_rendered_once(logged_in, user):
    post = PostFactory(author=user)

    first = logged_in.get("/")
    assert lists_rendered() == 1
    second = logged_in.get("/")

    assert lists_rendered() == 1
    assert post.body in first.text and post.body in second.text


def test_logging_in_keeps_cached_lists(client, user):
    PostFactory(author=user, body="cached before the login")
    client.force_login(user)
    client.get("/")
    client.post("/logout")

    login = client.post("/login", {"username": "susan", "password": PASSWORD})
    rendered_before = lists_rendered()
    response = client.get("/")

    assert login.status_code == 302 and login.url == "/"
    assert "Hi, susan!" in response.text
    assert "cached before the login" in response.text
    assert lists_rendered() == rendered_before


def test_new_post_shows_at_once(logged_in, user):
    logged_in.get("/")
    logged_in.get("/user/susan")

    PostFactory(author=user, body="brand new post")

    assert "brand new post" in home(logged_in)
    assert "brand new post" in logged_in.get("/user/susan").text


def test_deleted_post_disappears(logged_in, user):
    post = PostFactory(author=user, body="soon gone")
    assert "soon gone" in home(logged_in)

    post.delete()

    assert "soon gone" not in home(logged_in)


def test_posts_of_seed_demo_show_at_once(logged_in):
    home(logged_in)

    call_command("seed_demo", "--posts", "3", stdout=open("/dev/null", "w"))  # noqa: SIM115

    page = home(logged_in)
    assert all(post.body in page for post in Post.objects.all()[:3])


def test_bulk_update_and_bulk_delete_show_at_once(logged_in, other_user):
    PostFactory.create_batch(2, author=other_user)
    home(logged_in)

    Post.objects.filter(author=other_user).update(body="edited in bulk")
    assert home(logged_in).count("edited in bulk") == 2

    Post.objects.filter(author=other_user).delete()
    assert "edited in bulk" not in home(logged_in)


def test_a_post_edited_in_the_admin_shows_at_once(logged_in, staff_client):
    post = PostFactory(body="before the admin")
    home(logged_in)

    staff_client.post(
        f"/admin/posts/post/{post.pk}/change/",
        {"author": post.author.pk, "body": "after the admin"},
    )

    page = home(logged_in)
    assert "after the admin" in page and "before the admin" not in page


def test_any_change_to_a_post_shows(logged_in, user, other_user):
    post = PostFactory(author=user, body="moving post")
    assert 'href="/user/susan"' in home(logged_in)

    post.author = other_user
    post.save(update_fields=["author"])

    assert 'href="/user/anthony"' in home(logged_in)


def test_renamed_author_shows_with_new_name(logged_in, other_user):
    PostFactory(author=other_user, body="a post by anthony")
    assert 'href="/user/anthony"' in home(logged_in)

    other_user.username = "tony"
    other_user.save()

    page = home(logged_in)
    assert 'href="/user/tony"' in page
    assert 'href="/user/anthony"' not in page


def test_new_email_shows_as_new_avatar(logged_in, other_user):
    PostFactory(author=other_user)
    home(logged_in)

    other_user.email = "new-address@example.com"
    other_user.save(update_fields=["email"])

    assert md5(b"new-address@example.com").hexdigest() in home(logged_in)
