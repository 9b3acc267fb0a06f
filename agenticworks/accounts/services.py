"""Writes that concern accounts and profiles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import Profile


def user_create(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """Create a member and their empty profile together."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        Profile.objects.create(user=user)
    return user


def profile_for(user: AbstractBaseUser) -> Profile:
    """The member's profile, created on first use for accounts made outside sign-up (admin)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        return profile
