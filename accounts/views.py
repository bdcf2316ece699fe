from urllib.parse import urlsplit

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import CreateView, UpdateView

from accounts.forms import EditProfileForm, LoginForm, RegistrationForm
from accounts.lockout import lockout_username
from accounts.models import User
from microblog.cache import count
from microblog.posts.lists import post_list_html
from microblog.proxy import client_address

TOO_MANY_RESETS = (
    "Too many password resets have been asked for from your network or for this email "
    "address. Please try again in an hour."
)


class LoginView(auth_views.LoginView):
    """Django's login (safe `next` handling included), with the tutorial's "remember me"."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        """The empty sign-in form's HTML comes from the cache: rendering it was two fifths of the
        page. Its key holds all that this HTML depends on: the form's class (the code, whose
        release prefixes every key), its prefix and the language of its labels. A form that
        carries what a visitor typed, or its errors, is rendered as it is."""
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if not form.is_bound and not form.initial:
            form_class = type(form)
            name = f"{form_class.__module__}.{form_class.__qualname__}"
            key = f"unbound-form:{name}:{form.prefix}:{get_language()}"
            context["form"] = cache.get_or_set(key, form.render)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data["remember_me"]:
            # Expire the session when the browser closes.
            self.request.session.set_expiry(0)
        return response


class UsernameFormMixin:
    """form_valid of the views whose form sets a username: a name that the database refuses,
    taken by a concurrent request after the form's own check, is a form error like any other.

    Their POST runs in one transaction (transaction.atomic on `post`): if the request fails after
    it wrote, nothing of it stays. Their GET takes none: on SQLite every transaction takes the
    write lock at BEGIN (settings.py), and showing a form must not queue for it.
    """

    success_message = ""

    def form_valid(self, form):
        if form.save_unless_taken() is None:
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.success_url)


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
@method_decorator(transaction.atomic, name="post")
class RegisterView(UsernameFormMixin, CreateView):
    form_class = RegistrationForm
    template_name = "accounts/register.html"
    success_url = reverse_lazy("login")
    success_message = "Congratulations, you are now a registered user!"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("index")
        return super().dispatch(request, *args, **kwargs)


@method_decorator(transaction.atomic, name="post")
class EditProfileView(LoginRequiredMixin, UsernameFormMixin, UpdateView):
    form_class = EditProfileForm
    template_name = "accounts/edit_profile.html"
    success_url = reverse_lazy("edit_profile")
    success_message = "Your changes have been saved."

    def get_object(self, queryset=None):
        # The form's own copy of the user: validation writes the submitted values onto it, and a
        # refused change must not show in the page's layout (request.user) as if it were saved.
        return User.objects.get(pk=self.request.user.pk)


def profile(request, username):
    """A user's page: who they are and their most recent posts."""
    user = get_object_or_404(User.objects.with_username(username))
    if user.username != username:
        # One address per profile: /user/ALICE is /user/alice.
        return redirect(user, permanent=True)
    posts = user.posts.listed()
    context = {"profile_user": user, "posts": posts, "post_list": post_list_html(posts)}
    return TemplateResponse(request, "accounts/profile.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset: the same answer whether or not an account has the address, its
    link on SITE_URL when set, and at most PASSWORD_RESET_LIMIT requests an hour from one
    address and for one email address, so that nobody can fill an inbox with reset emails."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        counted = [
            f"password-reset:address:{client_address(self.request)}",
            f"password-reset:email:{email}",
        ]
        if max(count(key, timeout=3600) for key in counted) > settings.PASSWORD_RESET_LIMIT:
            form.add_error(None, TOO_MANY_RESETS)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if settings.SITE_URL:
            # The link's address is the site's own, never the Host this request named.
            address = urlsplit(settings.SITE_URL)
            self.extra_email_context = {"protocol": address.scheme, "domain": address.netloc}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "set a new password" page. The new password ends the login lockout of its
    username: the user proved to own the account, and can sign in at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        credentials = {settings.AXES_USERNAME_FORM_FIELD: form.user.get_username()}
        reset_lockout(username=lockout_username(self.request, credentials))
        return response
