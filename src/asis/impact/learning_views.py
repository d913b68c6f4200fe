"""The learning-loop page of a call (programme managers of the call's organisation)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.calls.access import access_managed_call
from asis.calls.models import Call
from asis.impact import learning


class ApplyWeightsForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Call.objects.none(), label=gettext_lazy("Draft call"),
                                    empty_label=None)

    def __init__(self, *args: object, source: Call, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = learning.draft_calls_for(source)
        field.label_from_instance = lambda call: call.display_title  # type: ignore[method-assign]


def call_learning(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_managed_call(request.user, call_id)
    form = ApplyWeightsForm(request.POST or None, source=call)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            learning.learning_weights_apply(actor=request.user, source=call, target=target)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The suggested weights were applied to the grid of “%(call)s”. "
                                        "Review them in the call's criteria before publishing.")
                             % {"call": target.display_title})
            return redirect("impact:call_learning", call_id=call.pk)
    data = learning.call_learning(call)
    refusal = data.suggestion.refused if data.suggestion else None
    return render(request, "impact/learning.html", {
        "call": call, "learning": data, "form": form, "min_projects": learning.MIN_PROJECTS,
        "refusal": learning.refusal_text(refusal) if refusal else "",
        "can_apply": data.suggestion is not None and refusal is None,
    })


call_learning = login_required(call_learning)
