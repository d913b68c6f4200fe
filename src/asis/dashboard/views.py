from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asis.core.sections import SECTIONS
from asis.dashboard import inbox, selectors
from asis.dashboard.kinds import KINDS, mutable_kinds
from asis.impact.home_cards import projects_card


def home(request: HttpRequest) -> HttpResponse:
    """Visitors get the public introduction; a signed-in person their own home page."""
    if not request.user.is_authenticated:
        return render(request, "core/home.html", {"sections": SECTIONS})
    user = request.user
    today = timezone.localdate()
    roles = selectors.roles_of(user)
    context = {
        "roles": roles,
        "asis_roles": roles,  # the header's links and bell: no second query
        "applicant": selectors.applicant_home(user, today) if roles.applicant else None,
        "evaluator": selectors.evaluator_home(user, today) if roles.evaluator else None,
        "manager": selectors.manager_home(user, today) if roles.manager else None,
        "editor": selectors.editor_home() if roles.editor else None,
        "projects": projects_card(user, today) if roles.projects else None,
        "notifications": inbox.rendered(selectors.latest_notifications(user)),
        "sections": SECTIONS,
    }
    return render(request, "dashboard/home.html", context)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox.notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "dashboard/notifications.html",
                  {"page": page, "items": inbox.rendered(page.object_list),
                   "unread": inbox.unread_count(request.user)})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = inbox.access_notification(request.user, notification_id)
    inbox.notification_mark_read(user=request.user, notification=notification)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("dashboard:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = inbox.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("dashboard:notifications")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        chosen = [k for k in request.POST.getlist("email") if k in KINDS]
        inbox.notification_preferences_set(user=request.user, email_on=chosen)
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("dashboard:notification_settings")
    preferences = inbox.email_preferences(request.user)
    return render(request, "dashboard/notification_settings.html", {
        "choices": [(k.key, k.label, preferences[k.key]) for k in mutable_kinds()],
        "always": [k.label for k in KINDS.values() if k.always_email],
    })
