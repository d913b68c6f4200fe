"""Routes of the calls module: review part (evaluators, conflicts, assignment, scoring, panel)."""

from django.urls import path

from asis.calls.review import views

urlpatterns = [
    # evaluators and conflicts of interest (programme managers)
    path("manage/<int:call_id>/evaluators/", views.manage_evaluators, name="manage_evaluators"),
    path("manage/<int:call_id>/evaluators/<int:evaluator_id>/edit/", views.evaluator_update, name="evaluator_update"),
    path("manage/<int:call_id>/evaluators/<int:evaluator_id>/remove/", views.evaluator_remove, name="evaluator_remove"),
    path("manage/<int:call_id>/conflicts/detect/", views.conflicts_detect, name="conflicts_detect"),
    path("manage/<int:call_id>/conflicts/add/", views.conflict_record, name="conflict_record"),
    path("manage/conflicts/<int:conflict_id>/remove/", views.conflict_remove, name="conflict_remove"),
    # the invited person answers
    path("<int:call_id>/invitation/", views.invitation, name="invitation"),
    # assignment (programme managers)
    path("manage/<int:call_id>/assignments/", views.manage_assignments, name="manage_assignments"),
    path("manage/<int:call_id>/assignments/add/", views.assignment_add, name="assignment_add"),
    path("manage/assignments/<int:assignment_id>/remove/", views.assignment_remove, name="assignment_remove"),
    # scoring (evaluators)
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:application_id>/", views.review, name="review"),
    path("reviews/<int:application_id>/autosave/", views.review_autosave, name="review_autosave"),
    path("reviews/<int:application_id>/attachments/<int:attachment_id>/", views.review_attachment,
         name="review_attachment"),
    path("reviews/<int:application_id>/declare-conflict/", views.declare_conflict, name="declare_conflict"),
    path("manage/reviews/<int:review_id>/reopen/", views.review_reopen, name="review_reopen"),
    # panel (programme managers moderate)
    path("manage/<int:call_id>/panel/", views.panel, name="panel"),
    path("manage/applications/<int:application_id>/consensus/", views.consensus_set, name="consensus_set"),
    path("manage/applications/<int:application_id>/consensus/remove/", views.consensus_remove,
         name="consensus_remove"),
]
