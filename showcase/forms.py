from django import forms
from django.conf import settings

from learn import catalog

from .covers import cover_clean, human_size
from .links import WebLinkField
from .models import Comment, Project
from .tags import MAX_TAGS, tags_parse


class ProjectForm(forms.Form):
    """Create or edit a project. The cover arrives as a cleaned image, ready for the service."""

    title = forms.CharField(
        max_length=120, error_messages={"required": "Give your project a title."}
    )
    summary = forms.CharField(
        max_length=200, required=False, help_text="One sentence for the gallery card."
    )
    description = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown: code blocks, tables and $maths$ work. Raw HTML is shown as text.",
    )
    repository_url = WebLinkField(label="Repository link")
    demo_url = WebLinkField(label="Demo link")
    tags = forms.CharField(
        required=False,
        max_length=200,
        help_text=f"Up to {MAX_TAGS}, separated by commas, e.g. numpy, plots.",
    )
    part_key = forms.ChoiceField(label="Built from a lesson part", required=False, choices=())
    cover = forms.FileField(
        label="Cover image",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_cover = forms.BooleanField(label="Remove the current cover", required=False)

    def __init__(self, *args, project: Project | None = None, **kwargs):
        if project is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": project.title,
                "summary": project.summary,
                "description": project.description,
                "repository_url": project.repository_url,
                "demo_url": project.demo_url,
                "tags": ", ".join(tag.name for tag in project.tags.all()),
                "part_key": project.part_key,
            }
        super().__init__(*args, **kwargs)
        self.fields["part_key"].choices = [("", "— not from a lesson —"), *catalog.part_choices()]
        limit = human_size(settings.SHOWCASE_COVER_MAX_BYTES)
        self.fields[
            "cover"
        ].help_text = f"PNG, JPEG or WebP, up to {limit}. We re-encode it and remove its metadata."
        if project is None or not project.cover:
            del self.fields["remove_cover"]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give your project a title.")
        return title

    def clean_tags(self):
        return tags_parse(self.cleaned_data["tags"])

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if not upload:
            return None
        limit = settings.SHOWCASE_COVER_MAX_BYTES
        if upload.size > limit:  # refuse before reading a huge file into memory
            raise forms.ValidationError(
                f"The image is {human_size(upload.size)}; the limit is {human_size(limit)}.",
                code="too_large",
            )
        return cover_clean(upload.read())

    def service_kwargs(self) -> dict:
        """The cleaned values, named as the services take them."""
        names = ("title", "summary", "description", "repository_url", "demo_url", "tags",
                 "part_key", "cover")  # fmt: skip
        return {name: self.cleaned_data[name] for name in names}


class CommentForm(forms.ModelForm):
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ("body",)
        labels = {"body": "Your comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"body": "Markdown. Be kind and specific."}
        error_messages = {"body": {"required": "Write something before posting."}}

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body
