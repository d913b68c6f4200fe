"""``asis simulate --from-call``: a real call's budget, social weight and co-funding, repeated yearly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from asis.cli import main
from asis.policylab.explorer.services import call_levers
from tests.calls.helpers import make_call

pytestmark = pytest.mark.django_db

SMALL = ["--years", "3", "--agents", "1200", "--runs", "6", "--seed", "3", "--json"]


def test_levers_come_from_the_call(world: Any, capsys: Any) -> None:
    call = make_call(world.org, budget=Decimal("9000000"), cofunding_rate=Decimal("75"))
    assert main(["simulate", "--from-call", str(call.pk), *SMALL]) == 0
    from_call = json.loads(capsys.readouterr().out)["outcomes"]
    levers = call_levers(call).levers
    assert levers["budget_eur_per_year"] == 9_000_000.0 and levers["cofunding_rate"] == 0.25
    same = ["--budget", "9000000", "--social-weight", str(levers["social_weight"]), "--cofunding", "0.25",
            "--calls-per-year", "1"]
    assert main(["simulate", *same, *SMALL]) == 0
    assert json.loads(capsys.readouterr().out)["outcomes"] == from_call


def test_unknown_call_is_refused(db: Any, capsys: Any) -> None:
    assert main(["simulate", "--from-call", "999999", *SMALL]) == 2
    assert "No call with id 999999" in capsys.readouterr().out
