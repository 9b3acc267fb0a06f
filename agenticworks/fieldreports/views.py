from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed

from agenticworks.markup import render_markdown

from .models import FieldReport


def report_list(request):
    page = Paginator(FieldReport.objects.published().select_related("author"), 12).get_page(
        request.GET.get("page")
    )
    return render(request, "fieldreports/list.html", {"page": page})


def report_detail(request, slug: str):
    report = get_object_or_404(FieldReport.objects.published().select_related("author"), slug=slug)
    return render(
        request,
        "fieldreports/detail.html",
        {"report": report, "body_html": render_markdown(report.body)},
    )


class FieldReportFeed(Feed):
    feed_type = Atom1Feed
    title = "AgenticWorks field reports"
    link = "/field-reports/"
    subtitle = "Monthly notes on what shipped, what broke, and what we learned."

    def items(self):
        return FieldReport.objects.published()[:20]

    def item_title(self, item: FieldReport) -> str:
        return item.title

    def item_description(self, item: FieldReport) -> str:
        return str(render_markdown(item.body))

    def item_pubdate(self, item: FieldReport):
        return item.published_at

    def item_updateddate(self, item: FieldReport):
        return item.updated_at
