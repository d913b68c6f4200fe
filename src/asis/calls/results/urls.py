"""Routes of the calls module: results part (results, what-if, exports, decisions, letters,
reports, funded projects)."""

from django.urls import path

from asis.calls.results import views as v

urlpatterns = [
    path("manage/<int:call_id>/results/", v.results, name="results"),
    path("manage/<int:call_id>/results/compute/", v.results_compute, name="results_compute"),
    path("manage/<int:call_id>/results/what-if/", v.results_whatif, name="results_whatif"),
    path("manage/<int:call_id>/results/export.<str:fmt>", v.results_export, name="results_export"),
    path("manage/<int:call_id>/decisions/", v.decisions, name="decisions"),
    path("manage/<int:call_id>/decisions/prefill/", v.decisions_prefill, name="decisions_prefill"),
    path("manage/<int:call_id>/decisions/send/", v.decisions_send, name="decisions_send"),
    path("manage/<int:call_id>/decisions/letters/", v.letter_templates, name="letter_templates"),
    path("manage/<int:call_id>/decisions/sent/", v.decision_letters, name="decision_letters"),
    path("manage/applications/<int:application_id>/letter/", v.manager_letter, name="manager_letter"),
    path("manage/<int:call_id>/report.pdf", v.call_report_pdf, name="call_report_pdf"),
    path("manage/applications/<int:application_id>/report.pdf", v.application_report_pdf,
         name="application_report_pdf"),
    path("applications/<int:application_id>/letter/", v.letter, name="letter"),
    path("funded/", v.funded_list, name="funded_list"),
    path("funded/export.<str:fmt>", v.funded_export, name="funded_export"),
]
