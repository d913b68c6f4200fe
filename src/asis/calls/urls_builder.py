"""Routes of the calls module: builder part (managers build and publish calls; public call pages)."""

from django.urls import path

from asis.calls import views_builder

urlpatterns = [
    path("", views_builder.public_list, name="public_list"),
    path("<int:call_id>/", views_builder.public_detail, name="public_detail"),
    path("manage/", views_builder.manage_list, name="manage_list"),
    path("manage/new/", views_builder.create, name="create"),
    path("manage/<int:call_id>/", views_builder.manage_detail, name="manage_detail"),
    path("manage/<int:call_id>/edit/", views_builder.edit, name="edit"),
    path("manage/<int:call_id>/publish/", views_builder.publish, name="publish"),
    path("manage/<int:call_id>/versions/", views_builder.versions, name="versions"),
    path("manage/<int:call_id>/notifications/", views_builder.notifications, name="notifications"),
]
