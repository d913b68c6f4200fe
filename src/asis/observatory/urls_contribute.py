"""Contribution, moderation and edit-history routes of the observatory."""

from django.urls import path

from asis.observatory import views_contribute as views

urlpatterns = [
    path("propose/", views.propose, name="propose"),
    path("propose/organisation/", views.propose_organisation, name="propose_organisation"),
    path("my-proposals/", views.my_proposals, name="my_proposals"),
    path("initiatives/<int:initiative_id>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:initiative_id>/history/", views.initiative_history, name="initiative_history"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/initiatives/<int:initiative_id>/", views.moderation_review, name="moderation_review"),
    path("moderation/organisations/<int:organisation_id>/", views.moderation_organisation,
         name="moderation_organisation"),
]
