from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from agenticworks.ratelimit import wait_phrase

from . import throttle
from .models import Profile


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        help_text="For password resets and, if you ask for them, notifications. Never shown.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this email. Sign in, or reset your password."
            )
        return email


class SignInForm(AuthenticationForm):
    """Django's sign-in form, taking a username or email and refusing while throttled."""

    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username or email and password do not match. Check both and try again."
        ),
        "throttled": "Too many failed sign-ins. For your account's safety, try again %(wait)s "
        "or reset your password.",
    }

    def clean(self):
        login = self.cleaned_data.get("username") or ""
        wait = throttle.login_blocked_for(self.request, login)
        if wait:
            raise forms.ValidationError(
                self.error_messages["throttled"] % {"wait": wait_phrase(wait)}, code="throttled"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.login_failed(self.request, login)
            raise
        throttle.login_succeeded(self.request, login)
        return cleaned


class ProfileForm(forms.ModelForm):
    website = forms.URLField(required=False, max_length=300, assume_scheme="https", label="Website")

    class Meta:
        model = Profile
        fields = ("display_name", "bio", "location", "website", "github", "progress_public")
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}

    def clean_github(self):
        name = self.cleaned_data["github"].strip().removeprefix("@")
        if name and not all(c.isalnum() or c == "-" for c in name):
            raise forms.ValidationError("A GitHub username has only letters, digits and hyphens.")
        return name

    def clean_website(self):
        url = self.cleaned_data["website"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Use a web address starting with http:// or https://.")
        return url
