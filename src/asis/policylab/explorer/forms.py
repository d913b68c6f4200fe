"""The scenario form: name, visibility, the levers (0-1 levers entered as percentages), the regional
split (one share per region, in percent) and the experiment (years, runs, seed, potential
initiatives). The levers are checked by the engine itself (``Levers.validate`` and
``RunSpec.validate``); its refusals are shown in words by ``policylab.messages``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.engines.simulation.errors import SimulationError
from asis.engines.simulation.parameters import CALLS_PER_YEAR_CHOICES
from asis.policylab import adapters, messages
from asis.policylab.models import Scenario, Visibility
from asis.regions.models import COUNTRIES, Region

PERCENT_LEVERS = ("social_weight", "training_intensity", "cooperation_support", "cofunding_rate")
SPLIT_PROPORTIONAL, SPLIT_EQUAL, SPLIT_CUSTOM = "proportional", "equal", "custom"
# Engine field -> form field that shows its refusal.
ERROR_FIELDS = {"regional_split": "split_mode", "horizon_months": "horizon_years"}


def _plain(value: Any) -> float | int:
    """A number as a person types it: 20000000 rather than 20000000.0, at most 4 decimals."""
    value = round(float(value), 4)
    return int(value) if value.is_integer() else value


def share_field_name(code: str) -> str:
    return f"share_{code}"


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices,
                                   initial=Visibility.PRIVATE)
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=None, required=False,
                                          empty_label=_("Only myself"))
    budget_eur_per_year = forms.FloatField(
        label=_("Budget per year (EUR)"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    split_mode = forms.ChoiceField(
        label=_("Split of the budget between regions"), widget=forms.RadioSelect, initial=SPLIT_PROPORTIONAL,
        choices=[(SPLIT_PROPORTIONAL, _("In proportion to potential initiatives")),
                 (SPLIT_EQUAL, _("Equal per region")),
                 (SPLIT_CUSTOM, _("Custom shares per region"))])
    social_weight = forms.FloatField(label=_("Weight of social criteria (%)"),
                                     widget=forms.NumberInput(attrs={"step": "any"}))
    training_intensity = forms.FloatField(label=_("Training of evaluators and applicants (%)"),
                                          widget=forms.NumberInput(attrs={"step": "any"}))
    cooperation_support = forms.FloatField(label=_("Support for cooperation (%)"),
                                           widget=forms.NumberInput(attrs={"step": "any"}))
    cofunding_rate = forms.FloatField(label=_("Applicants' own share, co-funding (%)"),
                                      widget=forms.NumberInput(attrs={"step": "any"}))
    calls_per_year = forms.TypedChoiceField(label=_("Calls per year"), coerce=int,
                                            choices=[(n, str(n)) for n in CALLS_PER_YEAR_CHOICES])
    horizon_years = forms.IntegerField(label=_("Years simulated"), min_value=1, max_value=20)
    n_runs = forms.IntegerField(label=_("Monte Carlo runs"), min_value=1)
    seed = forms.IntegerField(label=_("Random seed"), min_value=0)
    agents = forms.IntegerField(label=_("Potential initiatives in the Alpine Space"), min_value=42)

    LEVER_FIELDS = ("budget_eur_per_year", *PERCENT_LEVERS, "calls_per_year")

    def __init__(self, *args: Any, organisations: Any = None, preview: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from asis.accounts.models import Organisation

        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()
        self.preview = preview
        if preview:  # the preview needs only the levers and the experiment
            for name in ("name", "visibility", "n_runs", "seed"):
                self.fields[name].required = False
            del self.fields["organisation"]
        self.codes = adapters.region_codes()
        for code in self.codes:
            self.fields[share_field_name(code)] = forms.FloatField(
                required=False, min_value=0, max_value=100,
                widget=forms.NumberInput(attrs={"step": "any", "class": "share-input"}))
        self._region_names = dict(Region.objects.filter(code__in=self.codes).values_list("code", "name"))

    # --- initial values from a scenario --------------------------------------------------------
    @staticmethod
    def initial_for(scenario: Scenario | None) -> dict[str, Any]:
        levers = {**adapters.default_levers(), **((scenario.levers if scenario else None) or {})}
        initial: dict[str, Any] = {
            "budget_eur_per_year": _plain(levers["budget_eur_per_year"]),
            "calls_per_year": levers["calls_per_year"],
            **{name: _plain(100 * float(levers[name])) for name in PERCENT_LEVERS},
            "horizon_years": scenario.horizon_years if scenario else 10,
            "n_runs": scenario.n_runs if scenario else 200,
            "seed": scenario.seed if scenario else 2026,
            "agents": scenario.agents if scenario else 10_000,
        }
        if scenario is not None:
            initial.update(name=scenario.name, description=scenario.description,
                           visibility=scenario.visibility, organisation=scenario.organisation_id)
        split = levers.get("regional_split")
        if not split:
            initial["split_mode"] = SPLIT_PROPORTIONAL
        else:
            shares = [float(v) for v in split.values()]
            equal = len(shares) == len(adapters.region_codes()) and max(shares) - min(shares) < 1e-9
            initial["split_mode"] = SPLIT_EQUAL if equal else SPLIT_CUSTOM
            for code, share in split.items():
                initial[share_field_name(code)] = _plain(100 * float(share))
        return initial

    # --- sliders ---------------------------------------------------------------------------------
    def lever_controls(self) -> list[tuple[Any, str, str, str]]:
        """(bound field, slider min, max, step) for the levers with a slider."""
        rows = [(self["budget_eur_per_year"], "0", "100000000", "500000")]
        for name in PERCENT_LEVERS:
            rows.append((self[name], "0", "95" if name == "cofunding_rate" else "100", "1"))
        return rows

    # --- the table of regions -------------------------------------------------------------------
    def region_groups(self) -> list[tuple[str, list[tuple[str, str, Any]]]]:
        """[(country, [(code, region name, bound share field)])], countries in the platform's order."""
        names = dict(COUNTRIES)
        groups: dict[str, list[tuple[str, str, Any]]] = {}
        for code in sorted(self.codes):
            groups.setdefault(code[:2], []).append((code, self._region_names.get(code, code),
                                                    self[share_field_name(code)]))
        order = [c for c, _n in COUNTRIES]
        return [(str(names.get(country, country)), rows)
                for country, rows in sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]

    def share_total(self) -> float:
        total = 0.0
        for code in self.codes:
            value = self[share_field_name(code)].value()
            try:
                total += float(value) if value not in (None, "") else 0.0
            except (TypeError, ValueError):
                continue
        return total

    # --- cleaned data -> levers and spec ---------------------------------------------------------
    def levers(self) -> dict[str, Any]:
        data = self.cleaned_data
        levers: dict[str, Any] = {"budget_eur_per_year": float(data["budget_eur_per_year"]),
                                  "calls_per_year": int(data["calls_per_year"])}
        for name in PERCENT_LEVERS:
            levers[name] = round(float(data[name]) / 100.0, 8)
        mode = data.get("split_mode")
        if mode == SPLIT_EQUAL:
            levers["regional_split"] = {code: 1.0 / len(self.codes) for code in self.codes}
        elif mode == SPLIT_CUSTOM:
            levers["regional_split"] = {code: float(data.get(share_field_name(code)) or 0.0) / 100.0
                                        for code in self.codes}
        else:
            levers["regional_split"] = None
        return levers

    def spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        from asis.policylab.runs import base_params

        return adapters.frozen_spec(levers=self.levers(), params=base_params(), horizon_years=data["horizon_years"],
                                    n_runs=data.get("n_runs") or 1, seed=data.get("seed") or 0,
                                    agents=adapters.agents_by_region(data["agents"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needed = (*self.LEVER_FIELDS, "horizon_years", "agents")
        if (not self.preview and data.get("visibility") == Visibility.ORGANISATION
                and not data.get("organisation")):
            self.add_error("organisation", _("Choose the organisation that may see this scenario."))
        if any(name not in data or data[name] is None for name in needed):
            return data  # the field errors already say what is missing
        if data.get("split_mode") == SPLIT_CUSTOM and any(share_field_name(c) in self.errors for c in self.codes):
            return data
        from asis.policylab.explorer.preview import preview_runspec

        try:
            preview_runspec(self.spec()).validate()
        except SimulationError as exc:
            engine_field = str((exc.params or {}).get("field", ""))
            target = ERROR_FIELDS.get(engine_field, engine_field)
            self.add_error(target if target in self.fields else None, messages.error_message(exc))
        return data

    def scenario_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "description": data.get("description", ""),
                "visibility": data["visibility"], "organisation": data.get("organisation"),
                "levers": self.levers(), "horizon_years": data["horizon_years"], "n_runs": data["n_runs"],
                "seed": data["seed"], "agents": data["agents"]}


class FromCallForm(forms.Form):
    call = forms.TypedChoiceField(label=_("Call"), coerce=int)

    def __init__(self, *args: Any, calls: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [(call.pk, call.display_title) for call in calls]
