import copy

from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import EditProfileForm, LoginForm, RegistrationForm
from accounts.models import user_with_username
from microblog.renderers import shared_unbound_form


# A login hashes a password (0.35 s of a core): inside the write transaction of a POST, SQLite's
# write lock would be held all that time, and a flood of guesses starved other writers until they
# failed. Without it, each of a login's writes (the failure's count, the session, last_login) is a
# short transaction of its own.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login (safe `next` handling included), with the tutorial's "remember me"."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        """A GET shows the process's one empty form (shared_unbound_form); a POST builds its own."""
        form_class = form_class or self.get_form_class()
        kwargs = self.get_form_kwargs()
        if "data" in kwargs:
            return form_class(**kwargs)
        # AuthenticationForm reads the request only to validate, and an unbound form never does.
        del kwargs["request"]
        return shared_unbound_form(form_class, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data["remember_me"]:
            # Expire the session when the browser closes.
            self.request.session.set_expiry(0)
        return response


@transaction.non_atomic_requests
def admin_login(request):
    """The admin's login, its password hashed outside a transaction as LoginView's is."""
    return admin.site.login(request)


@sensitive_post_parameters("password1", "password2")
def register(request):
    if request.user.is_authenticated:
        return redirect("index")
    form = RegistrationForm(request.POST or None)
    if form.is_valid() and form.save_unless_taken():
        messages.success(request, "Congratulations, you are now a registered user!")
        return redirect("login")
    return TemplateResponse(request, "accounts/register.html", {"form": form})


def profile(request, username):
    user = user_with_username.first(username)
    if user is None:
        raise Http404("No such user")
    if user.username != username:
        # One address per profile: /user/ALICE is /user/alice.
        return redirect(user, permanent=True)
    return TemplateResponse(request, "accounts/profile.html", {"profile_user": user})


@login_required
def edit_profile(request):
    # Edit a copy: validation writes the submitted values onto the instance, and a refused change
    # must not show up in this page's layout as if it had been saved.
    form = EditProfileForm(request.POST or None, instance=copy.copy(request.user))
    if form.is_valid() and form.save_unless_taken():
        messages.success(request, "Your changes have been saved.")
        return redirect("edit_profile")
    return TemplateResponse(request, "accounts/edit_profile.html", {"form": form})
