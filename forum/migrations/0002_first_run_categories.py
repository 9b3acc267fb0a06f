"""First-run categories and the Moderators group, so a new site has a forum to post in."""

from django.db import migrations

CATEGORIES = [
    ("Lesson help", "lesson-help", "Stuck on a lesson or a code cell? Ask here.", 1),
    ("Show and tell", "show-and-tell", "Plots, experiments and things you built.", 2),
    ("Machine learning", "machine-learning", "Neural networks and ML beyond the lessons.", 3),
    ("Site feedback", "site-feedback", "Bugs, ideas and questions about AgenticWorks.", 4),
]


def create(apps, schema_editor):
    Category = apps.get_model("forum", "Category")
    Group = apps.get_model("auth", "Group")
    for name, slug, description, position in CATEGORIES:
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    Group.objects.get_or_create(name="Moderators")


def remove(apps, schema_editor):
    Category = apps.get_model("forum", "Category")
    Category.objects.filter(slug__in=[c[1] for c in CATEGORIES], topic_count=0).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
