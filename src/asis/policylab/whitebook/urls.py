"""White-book pages, included under /<lang>/policy-lab/white-book/ (names ``policylab:whitebook_*``)."""

from django.urls import path

from asis.policylab.whitebook import views

urlpatterns = [
    path("", views.index, name="whitebook_index"),
    path("new/", views.edition_create, name="whitebook_edition_create"),
    path("moderation/", views.moderation, name="whitebook_moderation"),
    path("moderation/<uuid:comment_id>/", views.moderate, name="whitebook_moderate"),
    path("<int:number>/", views.edition, name="whitebook_edition"),
    path("<int:number>/diff/", views.diff, name="whitebook_diff"),
    path("<int:number>/export.html", views.export_html, name="whitebook_export_html"),
    path("<int:number>/export.pdf", views.export_pdf, name="whitebook_export_pdf"),
    path("<int:number>/export.docx", views.export_docx, name="whitebook_export_docx"),
    path("<int:number>/edit/", views.edit, name="whitebook_edit"),
    path("<int:number>/edit/chapters/", views.chapter_add, name="whitebook_chapter_add"),
    path("<int:number>/lifecycle/", views.lifecycle, name="whitebook_lifecycle"),
    path("<int:number>/translations/", views.translations, name="whitebook_translations"),
    path("<int:number>/translations/<str:language>/", views.translate, name="whitebook_translate"),
    path("<int:number>/paragraphs/<int:paragraph_id>/comments/", views.comment, name="whitebook_comment"),
    path("chapters/<int:chapter_id>/", views.chapter_edit, name="whitebook_chapter_edit"),
    path("chapters/<int:chapter_id>/action/", views.chapter_action, name="whitebook_chapter_action"),
    path("chapters/<int:chapter_id>/paragraphs/", views.paragraph_add, name="whitebook_paragraph_add"),
    path("paragraphs/<int:paragraph_id>/", views.paragraph_edit, name="whitebook_paragraph_edit"),
    path("paragraphs/<int:paragraph_id>/action/", views.paragraph_action, name="whitebook_paragraph_action"),
]
