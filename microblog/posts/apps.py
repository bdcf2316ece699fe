from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "microblog.posts"
    label = "posts"
