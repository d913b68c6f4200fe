"""Forms of the white book's pages (editing, lifecycle, consultation, moderation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asis.observatory.models import Axis
from asis.policylab.models_whitebook import Chapter, Comment, Paragraph
from asis.regions.models import Region


class EditionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(label=_("Introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))


class NewEditionForm(EditionForm):
    language = forms.ChoiceField(label=_("Language of the original text"), choices=settings.LANGUAGES,
                                 initial="en")


class ChapterForm(forms.Form):
    title = forms.CharField(label=_("Title of the chapter"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of chapter"), choices=Chapter.Kind.choices, initial=Chapter.Kind.TEXT)


class ParagraphForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of paragraph"), choices=Paragraph.Kind.choices,
                             initial=Paragraph.Kind.TEXT)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    axis = forms.ModelChoiceField(label=_("Intervention axis (recommendations)"), required=False,
                                  queryset=Axis.objects.filter(active=True))
    region = forms.ModelChoiceField(label=_("Region (region profiles)"), required=False,
                                    queryset=Region.objects.all())


class ConsultationForm(forms.Form):
    closes_on = forms.DateField(label=_("The consultation closes on"),
                                widget=forms.DateInput(attrs={"type": "date"}))


class AdoptForm(forms.Form):
    confirm = forms.BooleanField(label=_("Adopt now even though the consultation has not closed yet"),
                                 required=False)


class CommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you write?"), choices=Comment.Kind.choices,
                             initial=Comment.Kind.COMMENT, widget=forms.RadioSelect)
    body = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    proposed_text = forms.CharField(label=_("Proposed text (amendments)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"id_{prefix_id}_%s"


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", _("Publish")), ("reject", _("Do not publish")),
                                          ("accept", _("Take the amendment into the text"))])
    reason = forms.CharField(label=_("Reason (required when not publishing)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
