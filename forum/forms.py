from django import forms
from django.conf import settings

from learn.catalog import part_choices

from .models import Category, NotificationPreference
from .services import TITLE_MAX

BODY_HELP = (
    "Markdown: **bold**, `code`, fenced code blocks with a language (```python), tables, "
    "and maths between $…$ or $$…$$. HTML is shown as text. Mention a member with @username."
)


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Message")
        kwargs.setdefault("help_text", BODY_HELP)
        kwargs.setdefault("error_messages", {"required": "Write something first."})
        super().__init__(
            max_length=settings.FORUM_POST_MAX_LENGTH,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 10, "data-forum-body": ""}),
            **kwargs,
        )


class TopicForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        empty_label="Choose a category",
        error_messages={
            "required": "Choose a category.",
            "invalid_choice": "That category does not exist. Choose one from the list.",
        },
    )
    title = forms.CharField(
        max_length=TITLE_MAX,
        min_length=3,
        error_messages={"required": "Give your topic a title."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = BodyField()
    part_key = forms.ChoiceField(
        label="Lesson part",
        required=False,
        help_text="If your question is about a lesson, link it: the lesson page lists its topics.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part_key"].choices = [("", "Not about a lesson part"), *part_choices()]
        self.fields["part_key"].error_messages["invalid_choice"] = "There is no such lesson part."


class ReplyForm(forms.Form):
    body = BodyField(label="Your reply")


class EditForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, min_length=3)
    body = BodyField()

    def __init__(self, *args, first_post: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not first_post:
            del self.fields["title"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.TextInput(),
        help_text="Kept in the moderation log; shown to moderators.",
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this post?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say briefly what is wrong with the post."},
        help_text="Moderators see your report; the author does not see who reported.",
    )


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all(), label="Move to")
    reason = forms.CharField(max_length=300, required=False)


class SuspendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=3650, initial=7, label="Days")
    reason = forms.CharField(max_length=300, help_text="Kept in the moderation log.")


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("email",)
        labels = {"email": "Email me about notifications"}
        widgets = {"email": forms.RadioSelect}
