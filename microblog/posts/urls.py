from django.urls import path

from microblog.posts import views

urlpatterns = [
    path("", views.index, name="index"),
    path("index", views.index),
]
