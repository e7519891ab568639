"""The decision layer's scenario contract: state policies, alliances and their instruments,
named conflicts and negotiation tracks.

Each instrument is optional: an alliance without ``intervention`` never intervenes. The
behaviour of each instrument lives in its own module of sim/decisions/; docs/model.md
gives the claim from the source articles that motivates it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.scenario.fields import (
    MAX_DAYS,
    MAX_KM,
    MAX_PEOPLE,
    MAX_WEIGHT,
    AllianceId,
    ConflictId,
    Eligible,
    LocationId,
    Probability,
    StateId,
    Strict,
    check_managed_capacity,
    param,
)


class ResettlementPledge(Strict):
    """A pledge to take in refugees from a first-asylum state, delivered over time."""

    from_: StateId = param(..., "state", "The first-asylum state people are resettled from.", alias="from")
    people: int = param(..., "people", "Pledged total (at most 10^12).", ge=0,
                         le=MAX_PEOPLE)
    per_day: int = param(100, "people/day", "Delivery rate (at most 10^12).", ge=1,
                          le=MAX_PEOPLE)
    start_day: int = param(0, "day", "First delivery day (at most 36,500).", ge=0, le=MAX_DAYS)
    reception: LocationId | None = param(None, "location", "Where they arrive (default: the pledging "
                                         "state's largest location).")


class StatePolicy(Strict):
    """How a state reacts to the refugees it hosts and treats asylum claims."""

    tolerance: float | None = param(None, "refugees per resident", "Refugees hosted per resident at "
                                    "which the state tightens its border (open -> managed -> closed); "
                                    "omitted: it never changes its border by itself. At most 10^6.",
                                    gt=0, le=MAX_WEIGHT)
    managed_capacity: int = param(1000, "people/day", "Entries it allows per neighbour when managing "
                                  "(at most 10^12).", ge=0, le=MAX_PEOPLE)
    close_factor: float = param(2.0, "factor", "It closes when pressure exceeds close_factor x "
                                "tolerance (at most 10^6).", gt=1, le=MAX_WEIGHT)
    relax_factor: float = param(0.7, "factor", "It relaxes one step when pressure falls below "
                                "relax_factor x tolerance.", gt=0, lt=1)
    aid_relief: float = param(1.0, "factor", "Aid raises its tolerance: tolerance x (1 + aid_relief x "
                              "mean aid level of the places hosting refugees); at most 10^6.", ge=0,
                              le=MAX_WEIGHT)
    review_days: int = param(7, "days", "Days between border reviews (at most 36,500).", ge=1,
                             le=MAX_DAYS)
    recognition_rate: Probability = param(1.0, "fraction", "Share of asylum claims it recognises; "
                                          "unrecognised people find it less attractive and move on "
                                          "more.")
    relocation_fulfilment: Probability = param(1.0, "fraction", "Share of its relocation quota it "
                                               "actually takes (real schemes delivered a fraction of "
                                               "pledges).")
    resettlement: list[ResettlementPledge] = Field(default_factory=list,
                                                   description="Third-country resettlement pledges.")
    integration_rate: Probability = param(0.0, "1/day", "Daily probability that a refugee, or a "
                                          "person relocated or resettled here, integrates (status "
                                          "integrated: settled, no longer moving on or returning); "
                                          "alliance integration programmes add to it.")
    secondary_movement: Probability = param(0.0, "1/day", "Daily probability that a person relocated "
                                            "or resettled to this state leaves it: they are refugees "
                                            "again and move on by the usual rules.")
    deportation_rate: Probability = param(0.0, "1/day", "Daily probability that a refugee whose claim "
                                          "it does not recognise (the share 1 - recognition rate "
                                          "for their origin) is sent home, if a road leads there "
                                          "(flows of kind deportation).")
    recognition_cut: Probability = param(0.0, "fraction", "Share by which its asylum recognition rates "
                                         "fall at full strain (strain: 0 at the tolerance, 1 at "
                                         "close_factor x tolerance; needs tolerance): rate x (1 - "
                                         "recognition_cut x strain).")
    acceptance_cut: Probability = param(0.0, "fraction", "Share by which the relocated people it "
                                        "accepts fall at full strain (needs tolerance): "
                                        "relocation_fulfilment x (1 - acceptance_cut x strain).")
    pledge_cut: Probability = param(0.0, "fraction", "Share by which its resettlement deliveries fall "
                                    "at full strain (needs tolerance); the places withheld are "
                                    "forfeited (event pledge_shortfall).")
    fatigue_days: int | None = param(None, "days", "Time under pressure: its pressure counts x (1 + "
                                     "days since it first reached tolerance / fatigue_days), for the "
                                     "border too (default: time does not matter; needs tolerance; at "
                                     "most 36,500).", ge=1, le=MAX_DAYS)
    solidarity_relief: float = param(0.0, "factor", "Allies' relief raises its tolerance: + "
                                     "solidarity_relief x (people allies relocated or evacuated out "
                                     "of it / (those + refugees it hosts)) in the tolerance factor "
                                     "(needs tolerance; at most 10^6).", ge=0, le=MAX_WEIGHT)
    ties: dict[StateId, Probability] = param({}, "0..1", "Its interest in other states (trade, "
                                             "history, diaspora, security): 0 none, 1 vital; as an "
                                             "alliance member it comes round sooner to act for a "
                                             "state it has ties to (intervention.interest_weight).")

    @model_validator(mode="after")
    def _adaptation_needs_tolerance(self) -> StatePolicy:
        if self.tolerance is None:
            named = [f for f in ("recognition_cut", "acceptance_cut", "pledge_cut", "solidarity_relief")
                     if getattr(self, f) > 0] + (["fatigue_days"] if self.fatigue_days else [])
            if named:
                raise ValueError(f"{', '.join(named)}: a response to pressure needs a 'tolerance' "
                                 "(refugees per resident) to measure the pressure against")
        return self


class MandateSpec(Strict):
    """What an intervention needs besides the alliance's own decision: a wider body's mandate, in
    which veto holders can block, and the target's consent, both set aside under the
    responsibility to protect once the target fails to protect its people."""

    body: list[StateId] | None = param(None, "states", "Members of the wider body (e.g. a security "
                                       "council) that must vote the mandate; omitted: the "
                                       "alliance's own decision is mandate enough.", min_length=1)
    required_share: Probability = param(0.5, "fraction", "The mandate passes once at least this "
                                        "share of the body supports it and no veto holder opposes "
                                        "it.", gt=0)
    willingness: Probability = param(0.1, "1/day", "Daily probability that a body member not yet "
                                     "in favour comes to support the mandate.")
    vetoes: list[StateId | AllianceId] = param([], "states or alliances", "Body members who can "
                                               "block the mandate: a state id, or an alliance id "
                                               "for every member of that alliance in the body.")
    veto_willingness: Probability = param(0.0, "1/day", "Daily probability that a veto holder not "
                                          "yet in favour comes round (0: it blocks for good).")
    consent: Probability | None = param(None, "1/day", "Daily probability that the target's "
                                        "government consents to the operation; omitted: its "
                                        "consent is not asked.")
    r2p_displaced_share: Probability | None = param(None, "fraction", "Failure to protect: once "
                                                    "this share of the target's population (its "
                                                    "population field, or its locations' sum) is "
                                                    "displaced (IDPs and refugees), its consent is "
                                                    "no longer needed.", gt=0)
    r2p_deaths: int | None = param(None, "people", "... or once this many of its people have died "
                                   "(the deaths the model counts: on irregular routes; at most "
                                   "10^12).", ge=1, le=MAX_PEOPLE)
    r2p_overrides_veto: bool = param(False, "flag", "Once failure to protect is established, the "
                                     "alliance also acts without the body's mandate (as NATO over "
                                     "Kosovo in 1999).")

    @model_validator(mode="after")
    def _consistent(self) -> MandateSpec:
        if self.body is None and self.vetoes:
            raise ValueError("'vetoes' are cast in the wider body: give 'body' too")
        if self.body is None and self.consent is None:
            raise ValueError("a mandate needs a 'body' to vote it or the target's 'consent' (or both)")
        r2p = self.r2p_displaced_share is not None or self.r2p_deaths is not None
        if self.r2p_overrides_veto and not r2p:
            raise ValueError("'r2p_overrides_veto' needs a failure-to-protect threshold: "
                             "'r2p_displaced_share' or 'r2p_deaths'")
        return self


class InterventionSpec(Strict):
    """Humanitarian intervention: trigger, deliberation by the decision rule, operation, outcome."""

    target: StateId = param(..., "state", "The state whose civilians the operation protects.")
    trigger_displaced: int | None = param(None, "people", "Deliberation starts once this many of the "
                                          "target's people are displaced (IDPs and refugees; at most "
                                          "10^12).", ge=0, le=MAX_PEOPLE)
    trigger_intensity: float | None = param(None, "intensity", "... or once conflict intensity "
                                            "somewhere in the target reaches this.", ge=0, le=1)
    start_day: int = param(0, "day", "No deliberation before this day (at most 36,500).", ge=0,
                           le=MAX_DAYS)
    deployment_days: int = param(7, "days", "From decision to the start of operations (at most "
                                 "36,500).", ge=0, le=MAX_DAYS)
    duration_days: int = param(60, "days", "Length of operations (at most 36,500).", ge=1, le=MAX_DAYS)
    locations: list[LocationId] | None = param(None, "locations", "Operation areas (default: the "
                                               "target's locations in conflict when operations start).")
    success_probability: Probability = param(0.7, "probability", "Chance that operations stabilise "
                                             "the operation areas (drawn when they start).")
    stabilisation_rate: float = param(0.05, "intensity/day", "While successful, conflict intensity in "
                                      "the operation areas falls by this much a day.", ge=0, le=1)
    collateral: float = param(1.5, "factor", "Flee and leave probabilities in the operation areas are "
                              "multiplied by this during operations (collateral damage; at most "
                              "10^6).", ge=1, le=MAX_WEIGHT)
    relapse_intensity: Probability = param(0.6, "intensity", "After a failed operation withdraws, "
                                           "conflict returns to this intensity in the operation areas.")
    fragment_locations: int = param(2, "locations", "... and spreads to this many more of the "
                                    "target's locations (nearest by road; at most 1,000,000).", ge=0,
                                    le=1_000_000)
    mandate: MandateSpec | None = None
    outcome: Literal["drawn", "emergent"] = param(
        "drawn", "choice", "drawn: success is drawn once with success_probability. emergent: the "
        "outcome is a result: each day the force (members' contributions) weakens the target's "
        "opposing conflict parties and stabilises in proportion to its share of the fighting "
        "strength; collateral damage erodes legitimacy, and grievance feeds backlash; the "
        "operation succeeds if the force outweighs the opposing parties when it ends.")
    contribution: dict[StateId, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] = param(
        {}, "force units", "emergent: each member's force when it supports the operation (members "
        "not listed: 1; 0 to 10^6).")
    suppression: Probability = param(0.02, "1/day", "Share of the opposing parties' strength the "
                                     "operation removes a day, times the force's share of the "
                                     "fighting strength (emergent; drawn: when successful).")
    legitimacy: Probability = param(0.8, "0..1", "emergent: the operation's legitimacy in the eyes "
                                    "of the local population when it starts (Epstein's default).")
    legitimacy_loss: Probability = param(0.005, "1/day", "emergent: legitimacy falls by "
                                         "legitimacy_loss x (collateral - 1) each day of operations.")
    backlash: Probability = param(0.0, "intensity/day", "emergent: intensity in an operation area "
                                  "rises by backlash x the share of its people in active revolt "
                                  "a day (Epstein's rule, see docs/model.md).")
    backlash_threshold: Probability = param(0.1, "grievance", "emergent: people revolt when "
                                            "grievance minus net risk exceeds this (Epstein's T).")
    interest_weight: float = param(0.0, "factor", "Selective intervention: each member's willingness "
                                   "x (1 + interest_weight x its tie to the target, "
                                   "world.states[].policy.ties); at most 10^6.", ge=0, le=MAX_WEIGHT)
    cost_aversion: float = param(0.0, "per (person hosted per resident)", "Costs borne: each member's "
                                 "willingness / (1 + cost_aversion x the people it hosts per "
                                 "resident: refugees, relocated, resettled), today; at most 10^6.",
                                 ge=0, le=MAX_WEIGHT)

    @model_validator(mode="after")
    def _has_trigger(self) -> InterventionSpec:
        if self.trigger_displaced is None and self.trigger_intensity is None:
            raise ValueError("give 'trigger_displaced' or 'trigger_intensity' (or both)")
        return self


class BurdenSharingSpec(Strict):
    """Relocation of refugees from frontline members to the others by a distribution key."""

    population_weight: float = param(0.5, "weight", "Weight of population in the distribution key "
                                     "(at most 10^6).", ge=0, le=MAX_WEIGHT)
    economy_weight: float = param(0.5, "weight", "Weight of the economy index in the key (at "
                                  "most 10^6).", ge=0, le=MAX_WEIGHT)
    threshold: float = param(0.01, "refugees per resident", "A member hosting more than this is "
                             "frontline; the excess is shared (at most 10^6).", gt=0, le=MAX_WEIGHT)
    daily_capacity: int = param(1000, "people/day", "Most people relocated per day in all (at "
                                "most 10^12).", ge=0, le=MAX_PEOPLE)
    start_day: int = param(0, "day", "First relocation day (at most 36,500).", ge=0, le=MAX_DAYS)
    until: int | None = param(None, "day", "Last relocation day (default: until the run ends; at "
                              "most 36,500).", ge=0, le=MAX_DAYS)
    total: int | None = param(None, "people", "Most people relocated under the scheme in all "
                              "(default: no cap; at most 10^12).", ge=0, le=MAX_PEOPLE)
    quotas: dict[StateId, Annotated[int, Field(ge=0, le=MAX_PEOPLE)]] | None = param(
        None, "people", "Each receiving member's quota over the whole scheme; only these members "
        "receive, each in proportion to what is left of its quota (default: every member below "
        "the threshold, by the distribution key, without a cap).")
    origins: list[StateId] | None = param(None, "states", "Only refugees from these home states are "
                                          "eligible (default: any).", min_length=1)
    ramp: list[tuple[Annotated[int, Field(ge=0, le=MAX_DAYS)], Annotated[int, Field(ge=0, le=MAX_PEOPLE)]]] \
        | None = param(None, "[day, people/day] pairs", "The daily capacity over time instead of "
                       "daily_capacity: linear between the points (in day order), the first value "
                       "before the first point and the last after the last.", min_length=1)

    @model_validator(mode="after")
    def _key_positive(self) -> BurdenSharingSpec:
        if self.population_weight + self.economy_weight <= 0:
            raise ValueError("the distribution key needs a positive population_weight or economy_weight")
        if self.until is not None and self.until < self.start_day:
            raise ValueError(f"'until' ({self.until}) is before 'start_day' ({self.start_day})")
        if self.ramp is not None and [d for d, _ in self.ramp] != sorted({d for d, _ in self.ramp}):
            raise ValueError("'ramp' days must be distinct and in increasing order")
        return self

    def capacity_on(self, day: int) -> int:
        """Most people relocated on ``day`` in all."""
        if self.ramp is None:
            return self.daily_capacity
        days, people = zip(*self.ramp, strict=True)
        return round(float(np.interp(day, days, people)))


class BorderSecuritySpec(Strict):
    """Members manage or close the alliance's external border together."""

    trigger_refugees: int = param(0, "people", "Acts once members host more refugees than this in all "
                                  "(at most 10^12).", ge=0, le=MAX_PEOPLE)
    policy: Literal["managed", "closed"] = param("managed", "choice", "Entry policy at members' "
                                                 "borders with non-members.")
    capacity: int | None = param(None, "people/day", "Daily entries per border when managed (at "
                                 "most 10^12).", ge=0, le=MAX_PEOPLE)
    start_day: int = param(0, "day", "Not before this day (at most 36,500).", ge=0, le=MAX_DAYS)
    irregular_capacity: int | None = param(None, "people/day", "Once acting: daily capacity of each "
                                           "irregular route from a non-member into a member "
                                           "(default: unchanged; at most 10^12).", ge=0, le=MAX_PEOPLE)
    interception: Probability = param(0.0, "fraction", "Once acting: share of the people on those "
                                      "routes whom patrols intercept and turn back to the route's "
                                      "start (flows of kind interception).")
    search_and_rescue: Probability = param(0.0, "fraction", "Once acting: share by which rescue "
                                           "lowers the crossing risk of those routes (risk x (1 - "
                                           "search_and_rescue)).")

    @model_validator(mode="after")
    def _capacity_with_managed(self) -> BorderSecuritySpec:
        check_managed_capacity(self.policy, self.capacity)
        return self


class AidSpec(Strict):
    """Aid in the region of origin and in camps, from a daily budget of aid-level units."""

    budget: float = param(1.0, "aid level units", "Aid levels shared out at each review (one unit "
                          "raises one location's aid level from 0 to 1; at most 10^6).", ge=0,
                          le=MAX_WEIGHT)
    camps: Probability = param(0.5, "share", "Share spent on camps hosting the target's people "
                               "(more attractive, more capacity).")
    medical: Probability = param(0.2, "share", "Share spent on medical aid where displaced people "
                                 "are (fewer move on).")
    development: Probability = param(0.3, "share", "Share spent on development in the target's "
                                     "locations (fewer leave home).")
    capacity_boost: float = param(0.2, "fraction", "Camp capacity grows by this fraction per aid level "
                                  "unit received (at most 10^6).", ge=0, le=MAX_WEIGHT)
    target: StateId = param(..., "state", "The state whose displaced people the aid is for.")
    trigger_displaced: int = param(0, "people", "Aid starts once this many of the target's people "
                                   "are displaced (at most 10^12).", ge=0, le=MAX_PEOPLE)
    review_days: int = param(7, "days", "Days between reallocations of the budget (at most 36,500).",
                             ge=1, le=MAX_DAYS)

    @model_validator(mode="after")
    def _shares(self) -> AidSpec:
        if abs(self.camps + self.medical + self.development - 1.0) > 1e-6:
            raise ValueError("camps + medical + development must add up to 1")
        return self


class EvacuationSpec(Strict):
    """Humanitarian evacuation by airlift from a frontline host, at the offers' daily capacity."""

    from_: StateId = param(..., "state", "The frontline host people are flown out of.", alias="from")
    offers: dict[StateId, Annotated[int, Field(ge=0, le=MAX_PEOPLE)]] = param(
        ..., "people/day", "Daily places each member offers (0 to 10^12).")
    trigger_refugees: int = param(0, "people", "Starts once more people eligible to be flown out "
                                  "(see eligible) are in the host than this (at most 10^12).", ge=0,
                                  le=MAX_PEOPLE)
    start_day: int = param(0, "day", "Not before this day (at most 36,500).", ge=0, le=MAX_DAYS)
    until: int | None = param(None, "day", "Last day of flights (at most 36,500).", ge=0, le=MAX_DAYS)
    reception: dict[StateId, LocationId] = param({}, "location", "Where each member receives people "
                                                 "(default: its largest location).")
    eligible: list[Eligible] = param(["refugee", "idp"], "statuses", "Who is flown out: refugees "
                                     "staying in the state and its own IDPs by default; add "
                                     "resident for an airlift of residents (an evacuation from a "
                                     "state's own airport).", min_length=1)


class DefenceSpec(Strict):
    """Collective defence: deterrence lowers the onset hazard; an attack triggers the response."""

    deterrence: Probability = param(0.6, "fraction", "Share by which membership lowers a member's "
                                    "daily conflict-onset hazard.")
    respond: bool = param(True, "flag", "An attack on a member starts the alliance's intervention "
                          "(if it has one for that member) without deliberation.")


class CheckpointSpec(Strict):
    """A checkpoint an alliance's presence sets up on a road."""

    from_: LocationId = param(..., "location", "One end of the road.", alias="from")
    to: LocationId = param(..., "location", "The other end of the road.")
    pass_share: Probability = param(0.5, "fraction/day", "Share of the people reaching it who pass "
                                    "each day; the rest wait before it until the next day (flows of "
                                    "kind held). 0 blocks the road: everyone reaching it waits while "
                                    "the presence lasts.")


class ProtectionSpec(Strict):
    """A military presence in a state: protected areas and checkpoints on roads."""

    target: StateId = param(..., "state", "The state where the presence deploys.")
    locations: list[LocationId] | None = param(None, "locations", "Protected areas, in the target "
                                               "(default: every location of the target).",
                                               min_length=1)
    trigger_displaced: int = param(0, "people", "Members deliberate (by the decision rule) once this "
                                   "many of the target's people are displaced (at most 10^12).",
                                   ge=0, le=MAX_PEOPLE)
    start_day: int = param(0, "day", "No deliberation before this day (at most 36,500).", ge=0,
                           le=MAX_DAYS)
    duration_days: int | None = param(None, "days", "Days the presence stays once deployed (default: "
                                      "until the run ends; at most 36,500).", ge=1, le=MAX_DAYS)
    flee_factor: Probability = param(0.5, "factor", "While deployed, flee and leave probabilities in "
                                     "the protected areas are multiplied by this.")
    attraction: float = param(2.0, "factor", "While deployed, the protected areas' attractiveness in "
                              "route choice is multiplied by this (at least 1, at most 10^6).", ge=1,
                              le=MAX_WEIGHT)
    checkpoints: list[CheckpointSpec] = Field(default_factory=list, description="Checkpoints on "
                                              "roads while the presence is deployed.")


class IntegrationSpec(Strict):
    """Alliance-funded integration programmes in every member (language, work, housing)."""

    boost: Probability = param(0.005, "1/day", "Added to each member's daily integration "
                               "probability (world.states[].policy.integration_rate).")
    start_day: int = param(0, "day", "Programmes start on this day (at most 36,500).", ge=0,
                           le=MAX_DAYS)


class FreeMovementSpec(Strict):
    """Economic migration between members' towns, driven by the economic gap and distance."""

    rate: float = param(1e-5, "1/day", "Daily probability that a resident moves, per unit of relative "
                        "economic gap, at zero distance.", ge=0, le=1)
    distance_scale: float = param(500.0, "km", "Flows fall as exp(-km / distance_scale) (at most "
                                  "100,000).", gt=0, le=MAX_KM)
    towns_per_state: int = param(3, "locations", "Each member's largest towns take part (at most "
                                 "1,000; 500 towns in all).", ge=1, le=1_000)
    security_weight: float = param(0.0, "factor", "Security as a driver beside income: the relative "
                                   "economic gap is raised by security_weight x (the highest conflict "
                                   "intensity in the origin member minus that in the destination, at "
                                   "least 0), each day (at most 10^6).", ge=0, le=MAX_WEIGHT)


class RivalrySpec(Strict):
    """A counter-alliance: the alliance answers a rival's intervention or enlargement by raising
    tension where it has influence."""

    rival: AllianceId = param(..., "alliance", "The alliance whose moves it answers.")
    influence: list[StateId] = param(..., "states", "States where it has influence: tension rises "
                                     "there.", min_length=1)
    reacts_to: list[Literal["intervention", "enlargement"]] = param(
        ["intervention", "enlargement"], "choices", "The rival's moves it answers: its operations "
        "starting (intervention_started) and its admitting a member (enlargement).", min_length=1)
    onset_multiplier: float = param(1.0, "factor", "While tension lasts, the conflict-onset hazard "
                                    "of the influence states (their conflict_risk) is multiplied by "
                                    "this (the daily probability at most 1; at most 10^6).", ge=0,
                                    le=MAX_WEIGHT)
    intensity_step: Probability = param(0.0, "intensity", "When tension begins, conflict intensity "
                                        "at the influence states' locations in conflict rises by "
                                        "this (at most 1); it falls back by as much when tension "
                                        "ends, where nothing else has changed the fighting since.")
    duration_days: int = param(90, "days", "How long tension lasts after the rival's last move "
                               "(at most 36,500).", ge=1, le=MAX_DAYS)


DECISION_RULE = re.compile(r"^(unanimity|majority|qualified:(0?\.\d+|1(\.0+)?))$")


class AllianceSpec(Strict):
    """An alliance of states: how it decides, and the instruments it may use."""

    id: AllianceId = param(..., "id", "Alliance id (e.g. NATO, EU, AU).")
    name: str = param("", "text", "Display name.")
    members: list[StateId] = param(..., "states", "Member state ids.", min_length=1)
    decision_rule: str = param("unanimity", "rule", "unanimity, majority or qualified:<share> "
                               "(e.g. qualified:0.66): how members' support becomes a decision.")
    willingness: dict[StateId, Probability] = param({}, "1/day", "Daily probability that a member "
                                                     "not yet in favour comes to support an action "
                                                     "(default: default_willingness).")
    default_willingness: Probability = param(0.1, "1/day", "Willingness of members not listed.")
    affinity: bool = param(True, "flag", "People displaced from a member prefer members' territory "
                           "(parameters.movement.alliance_weight).")
    asylum_recognition: dict[StateId, Probability] = param(
        {}, "fraction", "Agreed recognition rate in every member for people from these origin states.")
    intervention: InterventionSpec | None = None
    burden_sharing: BurdenSharingSpec | None = None
    border_security: BorderSecuritySpec | None = None
    aid: AidSpec | None = None
    evacuation: EvacuationSpec | None = None
    collective_defence: DefenceSpec | None = None
    free_movement: FreeMovementSpec | None = None
    integration: IntegrationSpec | None = None
    protection: ProtectionSpec | None = None
    rivalry: RivalrySpec | None = None

    @field_validator("decision_rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        if not DECISION_RULE.match(value):
            raise ValueError("expected 'unanimity', 'majority' or 'qualified:<share>' with a share in (0, 1]")
        return value

    def required_share(self) -> float:
        """Share of members whose support makes a decision."""
        if self.decision_rule == "unanimity":
            return 1.0
        if self.decision_rule == "majority":
            return 0.5 + 1e-9
        return float(self.decision_rule.split(":")[1])


class ConflictSpec(Strict):
    """A named conflict between parties, fought at some locations (for negotiations, ceasefires)."""

    id: ConflictId = param(..., "id", "Conflict id.")
    parties: list[str] = param(..., "ids", "The parties: states or armed groups.", min_length=2)
    locations: list[LocationId] = param(..., "locations", "Where it is fought.", min_length=1)
    strengths: dict[str, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] = param(
        {}, "relative strength", "Each party's strength at the start (parties not listed: 1); "
        "it feeds escalation and opposes an emergent intervention (parameters.conflict; 0 to 10^6).")

    @model_validator(mode="after")
    def _strengths_of_parties(self) -> ConflictSpec:
        for party in self.strengths:
            if party not in self.parties:
                raise ValueError(f"'strengths' names {party!r}, which is not one of the parties "
                                 f"{self.parties}")
        return self


class NegotiationSpec(Strict):
    """A negotiation track between the parties of a conflict: rounds, prisoner exchanges, ceasefire."""

    conflict: ConflictId = param(..., "conflict id", "The conflict negotiated.")
    track: Literal["bilateral", "multilateral"] = param("bilateral", "choice", "bilateral, or "
                                                        "multilateral with alliance backing.")
    backing: AllianceId | None = param(None, "alliance", "The backing alliance (multilateral only).")
    start_day: int = param(0, "day", "First round (at most 36,500).", ge=0, le=MAX_DAYS)
    round_days: int = param(14, "days", "Days between rounds (at most 36,500).", ge=1, le=MAX_DAYS)
    multilateral_slowdown: float = param(1.5, "factor", "Multilateral rounds take this much longer "
                                         "(at most 10^6).", ge=1, le=MAX_WEIGHT)
    exchange_probability: Probability = param(0.2, "probability", "Chance that a round produces an "
                                              "exchange, at leverage 0.")
    leverage: float = param(0.0, "factor", "The parties' own leverage: chance x (1 + leverage); "
                              "at most 10^6.", ge=0, le=MAX_WEIGHT)
    alliance_leverage: float = param(1.0, "factor", "Leverage added by alliance backing (at most "
                                     "10^6).", ge=0, le=MAX_WEIGHT)
    prisoners: int = param(50, "people", "Prisoners released per exchange (at most 10^12).", ge=1,
                           le=MAX_PEOPLE)
    deescalation: Probability = param(0.2, "fraction", "Each exchange lowers the conflict's intensity "
                                      "by this share.")
    ceasefire_step: Probability = param(0.01, "1/day", "Each exchange adds this to the daily chance of "
                                        "a ceasefire.")
    base_ceasefire: Probability = param(0.0, "1/day", "Daily chance of a ceasefire before any exchange.")
    trust_step: float = param(0.0, "factor", "Memory of talks: each exchange multiplies the chance "
                              "that the next round produces one by (1 + trust_step); at most 10^6.",
                              ge=0, le=MAX_WEIGHT)
    cooperation: Probability = param(0.0, "0..1", "The parties' history of cooperation (a scenario "
                                     "input): rounds come more often (round interval x (1 - "
                                     "cooperation / 2)) and each is likelier to produce an exchange "
                                     "(x (1 + cooperation)).")
    breakdown: Probability = param(0.0, "1/day", "Daily chance that a new ceasefire breaks down; it "
                                   "falls as the ceasefire holds (halved every hold_days). After a "
                                   "breakdown the fighting returns, the ceasefire chance the "
                                   "exchanges built is lost and talks resume.")
    hold_days: int = param(30, "days", "Days over which the breakdown hazard halves (at most "
                           "36,500).", ge=1, le=MAX_DAYS)
    guarantee: Probability = param(0.0, "fraction", "Share by which the backing alliance's "
                                   "guarantee of the agreement (multilateral only) lowers the "
                                   "breakdown hazard.")
    violation_step: float = param(0.0, "factor per day", "Violations: each day of fighting at the "
                                  "conflict's locations while a ceasefire holds (a scripted "
                                  "attack, escalation from elsewhere) multiplies its breakdown "
                                  "hazard by (1 + violation_step x the days of fighting so far); "
                                  "at most 10^6.", ge=0, le=MAX_WEIGHT)
    relapse_intensity: Probability = param(0.5, "intensity", "Conflict intensity at the conflict's "
                                           "locations when a ceasefire breaks down (talks resume).")

    @model_validator(mode="after")
    def _backing(self) -> NegotiationSpec:
        if (self.track == "multilateral") != (self.backing is not None):
            raise ValueError("'backing' (an alliance id) is required with track 'multilateral' and only then")
        return self
