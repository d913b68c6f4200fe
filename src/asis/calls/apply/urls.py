"""Routes of the calls module: apply part (self-assessment, applications, eligibility screening)."""

from django.urls import path

from asis.calls.apply import views

urlpatterns = [
    path("self-assessment/", views.self_assessment, name="self_assessment"),
    path("self-assessment/<uuid:token>/", views.self_assessment_result, name="self_assessment_result"),
    path("self-assessment/<uuid:token>/pdf/", views.self_assessment_pdf, name="self_assessment_pdf"),
    path("self-assessment/<uuid:token>/apply/", views.self_assessment_apply, name="self_assessment_apply"),
    path("my-applications/", views.my_applications, name="my_applications"),
    path("<int:call_id>/apply/", views.application_start, name="application_start"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:application_id>/autosave/", views.application_autosave, name="application_autosave"),
    path("applications/<int:application_id>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:application_id>/receipt.pdf", views.application_receipt, name="application_receipt"),
    path("applications/<int:application_id>/share/", views.application_draft_share, name="application_draft_share"),
    path("applications/<int:application_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:application_id>/co-applicants/add/", views.co_applicant_add,
         name="application_co_applicant_add"),
    path("applications/<int:application_id>/co-applicants/<int:co_applicant_id>/remove/", views.co_applicant_remove,
         name="application_co_applicant_remove"),
    path("applications/<int:application_id>/partners/add/", views.partner_add, name="application_partner_add"),
    path("applications/<int:application_id>/partners/<int:partner_id>/remove/", views.partner_remove,
         name="application_partner_remove"),
    path("applications/<int:application_id>/attachments/add/", views.attachment_upload, name="attachment_upload"),
    path("applications/<int:application_id>/attachments/<int:attachment_id>/delete/", views.attachment_delete_view,
         name="attachment_delete"),
    path("applications/<int:application_id>/attachments/<int:attachment_id>/", views.attachment_download,
         name="attachment_download"),
    path("<int:call_id>/applications/", views.manage_applications, name="manage_applications"),
    path("manage/applications/<int:application_id>/", views.manage_application, name="manage_application"),
]
