from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import EditProfileForm, LoginForm, RegistrationForm
from accounts.models import User
from microblog.models import listings_version

POSTS_PER_PAGE = 25


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login (safe `next` handling included), with the tutorial's "remember me"."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data["remember_me"]:
            # Expire the session when the browser closes.
            self.request.session.set_expiry(0)
        return response


@sensitive_post_parameters("password1", "password2")
def register(request):
    if request.user.is_authenticated:
        return redirect("index")
    form = RegistrationForm(request.POST or None)
    if form.is_valid() and form.save_unless_taken():
        messages.success(request, "Congratulations, you are now a registered user!")
        return redirect("login")
    return render(request, "accounts/register.html", {"form": form})


@transaction.non_atomic_requests
def profile(request, username):
    user = get_object_or_404(User, username=username)
    context = {
        "profile_user": user,
        "posts": user.posts.for_listing()[:POSTS_PER_PAGE],
        "listings_version": listings_version(),
        "list_name": f"user-{user.pk}",
    }
    return render(request, "accounts/profile.html", context)


@transaction.non_atomic_requests  # its one write is atomic: see save_unless_taken()
@login_required
def edit_profile(request):
    # Edit a fresh copy: validation writes the submitted values onto the instance, and a refused
    # change must not show up in this page's layout as if it had been saved.
    form = EditProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if form.is_valid() and form.save_unless_taken():
        messages.success(request, "Your changes have been saved.")
        return redirect("edit_profile")
    return render(request, "accounts/edit_profile.html", {"form": form})
