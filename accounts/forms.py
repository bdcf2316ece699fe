from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import IntegrityError, transaction

from accounts.models import EMAIL_TAKEN, USERNAME_TAKEN, User


class UniqueUsernameMixin:
    """The username rule, for every form that sets a username (sign-up, edit profile, the admin).

    A name is taken if another user has it in any capitalisation; keeping one's own name is fine.
    UsernameField has already stripped the input and normalised it (NFKC), so compatibility
    look-alikes such as "ａｎｔｈｏｎｙ" compare equal to "anthony". The comparison is the one of
    User.objects.with_username(), which login and the profile URL use too.
    """

    taken_messages = {"username": USERNAME_TAKEN}

    def clean_username(self):
        return self._unless_taken("username")

    def _unless_taken(self, field):
        value = self.cleaned_data[field]
        if self._taken(field, value):
            raise forms.ValidationError(self.taken_messages[field], code="taken")
        return value

    def _taken(self, field, value):
        others = User.objects.exclude(pk=self.instance.pk)
        return getattr(others, f"with_{field}")(value).exists()

    def save_unless_taken(self):
        """Save, or return None with a form error if the database says a name is taken.

        Two requests can both pass clean_username before either saves; the unique constraint
        then rejects the later one, whose user gets the same error as any collision. The inner
        atomic() rolls back only this save, so the request's own transaction stays usable.
        """
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            taken = [f for f in self.taken_messages if self._taken(f, self.cleaned_data[f])]
            if not taken:
                raise
            for field in taken:
                self.add_error(field, self.taken_messages[field])
            return None


class RegistrationForm(UniqueUsernameMixin, auth_forms.UserCreationForm):
    taken_messages = {**UniqueUsernameMixin.taken_messages, "email": EMAIL_TAKEN}

    email = forms.EmailField()

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]
        error_messages = {"username": {"unique": USERNAME_TAKEN}}

    def clean_email(self):
        return self._unless_taken("email")


class EditProfileForm(UniqueUsernameMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "about_me"]
        field_classes = {"username": auth_forms.UsernameField}
        error_messages = {"username": {"unique": USERNAME_TAKEN}}
        widgets = {"about_me": forms.Textarea(attrs={"rows": 4, "maxlength": 140})}


class LoginForm(auth_forms.AuthenticationForm):
    remember_me = forms.BooleanField(required=False, label="Remember me")

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        # Django's says "both fields may be case-sensitive": our usernames are not.
        "invalid_login": "Please enter a correct username and password. The password is "
        "case-sensitive.",
    }


class AdminUserCreationForm(UniqueUsernameMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User


class AdminUserChangeForm(UniqueUsernameMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
