"""Evidence of the white book's recommendations (included under white-book/ by policylab.urls)."""

from django.urls import path

from asis.policylab.whitebook import views_evidence as v

urlpatterns = [
    path("recommendations/<int:paragraph_id>/evidence/", v.whitebook_evidence, name="whitebook_evidence"),
    path("comparisons/<uuid:comparison_id>/to-evidence/", v.comparison_to_evidence, name="comparison_to_evidence"),
]
