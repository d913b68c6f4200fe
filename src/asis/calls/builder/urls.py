"""Routes of the calls module: builder part (managers build and publish calls; public call pages)."""

from django.urls import path

from asis.calls.builder import views

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("<int:call_id>/", views.public_detail, name="public_detail"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:call_id>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:call_id>/edit/", views.edit, name="edit"),
    path("manage/<int:call_id>/publish/", views.publish, name="publish"),
    path("manage/<int:call_id>/versions/", views.versions, name="versions"),
    path("manage/<int:call_id>/notifications/", views.notifications, name="notifications"),
]
