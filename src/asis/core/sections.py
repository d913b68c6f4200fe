"""The platform's sections, as shown in the navigation and on the home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    summary: Promise
    users: Promise
    url_name: str | None = None  # the section's own start page, once it has one

    @property
    def namespace(self) -> str | None:
        return self.url_name.split(":", 1)[0] if self.url_name and ":" in self.url_name else None


SECTIONS: tuple[Section, ...] = (
    Section("observatory", _("Observatory"),
            _("A map and catalogue of social-innovation initiatives, organisations and regions of the Alpine Space, with open data."),
            _("Researchers, journalists, citizens and policy officers."), url_name="observatory:catalogue"),
    Section("funding-calls", _("Funding calls"),
            _("Calls built on a common grid of social criteria: self-assessment, eligibility, multi-evaluator scoring with conflict-of-interest rules, sound aggregation, ranking sensitivity and budget-constrained selection."),
            _("Programme managers, evaluators and project holders."), url_name="calls:public_list"),
    Section("impact", _("Impact"),
            _("Monitoring of funded projects with indicators, social return on investment and counterfactual evaluation of policies."),
            _("Programme managers and project holders.")),
    Section("policy-lab", _("Policy lab"),
            _("Simulation models of policy scenarios and a white book of recommendations built from the data."),
            _("Policy officers of public authorities."), url_name="policylab:index"),
    Section("cooperation", _("Cooperation"),
            _("Partner matching and a network of actors across the regions of the Alpine Space."),
            _("Social innovators, authorities and business-support organisations.")),
    Section("academy", _("Academy"),
            _("Courses on social innovation in public administration, generative welfare and social impact measurement."),
            _("Public servants, advisers and social innovators.")),
    Section("events", _("Events"),
            _("Conference days with plenaries, parallel workshops and networking sessions."),
            _("Everyone in the network.")),
    Section("newsletter", _("Newsletter"),
            _("News from the network, new calls and results, with a public subscription."),
            _("Everyone in the network.")),
)

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
