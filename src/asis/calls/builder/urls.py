"""Routes of the calls module: builder part (managers build and publish calls; public call pages)."""

from django.urls import path

from asis.calls.builder import views

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("<int:call_id>/", views.public_detail, name="public_detail"),
    path("<int:call_id>/documents/<int:document_id>/", views.document_download, name="document_download"),
    path("<int:call_id>/notify/", views.subscribe, name="subscribe"),
    path("notify/confirm/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
    path("notify/end/<str:token>/", views.subscription_end, name="subscription_end"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:call_id>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:call_id>/edit/", views.edit, name="edit"),
    path("manage/<int:call_id>/publish/", views.publish, name="publish"),
    path("manage/<int:call_id>/versions/", views.versions, name="versions"),
    path("manage/<int:call_id>/notifications/", views.notifications, name="notifications"),
]
