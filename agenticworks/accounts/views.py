from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from agenticworks import ratelimit
from agenticworks.pages.context_processors import SITE_NAME
from learn.progress import merge_visitor_progress

from . import throttle
from .forms import ProfileForm, SignInForm, SignUpForm
from .selectors import member_directory, member_profile
from .services import profile_for, user_create

MEMBERS_PER_PAGE = 24


def _safe_next(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        verdict = ratelimit.hit(
            f"signup-ip:{ratelimit.client_ip(request)}",
            limit=settings.SIGNUP_THROTTLE_PER_IP,
            window=3600,
        )
        if not verdict.allowed:
            form.add_error(
                None,
                "Too many accounts were created from your network recently. "
                f"Please try again {ratelimit.wait_phrase(verdict.retry_after)}.",
            )
        elif form.is_valid():
            user = user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            merge_visitor_progress(request)
            messages.success(request, f"Welcome to AgenticWorks, {user.username}!")
            return redirect(_safe_next(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request, "")})


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    # LoginView names the site after the request's host ("127.0.0.1:8000"); the tab shows ours.
    extra_context = {"site_name": SITE_NAME}

    def form_valid(self, form):
        response = super().form_valid(form)
        merge_visitor_progress(self.request)
        return response


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, refusing (with the same words for any email) past the limits."""

    def form_valid(self, form):
        wait = throttle.password_reset_wait(self.request, form.cleaned_data["email"])
        if wait:
            form.add_error(
                None,
                "Too many reset requests from here or for this email address. "
                f"Try again {ratelimit.wait_phrase(wait)}; a link already sent stays valid.",
            )
            return self.form_invalid(form)
        return super().form_valid(form)


@login_required
def profile_edit(request):
    profile = profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect(profile.get_absolute_url())
    return render(request, "accounts/profile_edit.html", {"form": form, "profile": profile})


def member_list(request):
    """The Network: every active member, searchable by name or place."""
    query = request.GET.get("q", "").strip()[:80]
    page = Paginator(member_directory(query=query), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/member_list.html", {"page": page, "query": query})


def member_detail(request, username: str):
    """A member's public profile: bio, links, projects, forum activity, and progress if shared."""
    member = get_object_or_404(
        get_user_model().objects.select_related("profile"), username=username, is_active=True
    )
    profile = profile_for(member)
    return render(
        request,
        "accounts/member_detail.html",
        {
            "member": member,
            "profile": profile,
            **member_profile(member, profile, viewer=request.user),
        },
    )
