from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from accounts import views


class UsernameConverter:
    """Only what can be a username (Django's username validator) reaches the profile view:
    anything else, such as a NUL byte that PostgreSQL would refuse, is a plain 404."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")

urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("register", views.RegisterView.as_view(), name="register"),
    path("user/<username:username>", views.profile, name="profile"),
    path("edit_profile", views.EditProfileView.as_view(), name="edit_profile"),
    # Django's own paths (django.contrib.auth.urls) for its password reset.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
