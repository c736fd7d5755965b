"""Who lives in the demo municipality: households of each kind, drawn member by member.

1. The number of households of each kind (single, couple, couple with
   children, single parent, three generations, other) is fixed by its share,
   so the size barely moves between seeds.
2. Each household is built around its reference person: ages that fit
   (a parent is 22 to 42 years older than the first child), family names
   (children take a parent's), nationality and language from the family's origin.
3. Move-in dates: a child joins at birth or when the family moved in.

The result is plain data (:class:`~townhall.demo.population.Population`);
:mod:`townhall.demo.people` writes it to the register.
"""

import datetime
import random

from townhall.demo import names
from townhall.demo.origins import FLEMISH, ORIGINS, VISITOR_ORIGINS, Origin, origin_choose
from townhall.demo.population import PlannedHousehold, PlannedMember, PlannedPerson, Population
from townhall.demo.timeline import (
    REFERENCE_DATE,
    birth_date_for_age,
    day_between,
    years_after,
)
from townhall.registry.models import HouseholdMembership

Relation = HouseholdMembership.Relation

HOUSEHOLD_KINDS = {
    "single": 0.30,
    "couple": 0.30,
    "couple_with_children": 0.265,
    "single_parent": 0.08,
    "three_generations": 0.03,
    "other": 0.025,
}


def population_plan(rng: random.Random, *, households: int, visitors: int) -> Population:
    """Plan ``households`` households and ``visitors`` visitors, deterministically from ``rng``."""
    kinds = []
    for kind, share in HOUSEHOLD_KINDS.items():
        kinds += [kind] * round(share * households)
    kinds = (kinds + ["single"] * households)[:households]
    rng.shuffle(kinds)
    planner = _Planner(rng)
    planned = [planner.household(kind) for kind in kinds]
    guests = [planner.visitor() for _ in range(visitors)]
    return Population(households=planned, visitors=guests)


def _age(rng: random.Random, bands: list[tuple[int, int, int]]) -> int:
    """An age from one of the (lowest, highest, weight) bands."""
    low, high, _ = rng.choices(bands, [band[2] for band in bands])[0]
    return rng.randint(low, high)


class _Planner:
    """Draws people and households one after another from a single random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.count = 0

    # --- people ---------------------------------------------------------

    def person(
        self, *, age: int, sex: str, origin: Origin, language: str, family_name: str = ""
    ) -> PlannedPerson:
        birth_date = birth_date_for_age(self.rng, age)
        family_name = family_name or names.family_name(self.rng, origin.name)
        planned = PlannedPerson(
            key=self.count,
            given_names=names.given_names(
                self.rng, sex=sex, birth_year=birth_date.year, origin=origin.name
            ),
            family_name=names.family_name_for_sex(family_name, sex),
            birth_date=birth_date,
            sex=sex,
            nationality=origin.nationality(self.rng),
            language=language,
            origin=origin.name,
        )
        self.count += 1
        return planned

    def child(
        self, *, age: int, family_name: str, origin: Origin, language: str, parent: PlannedPerson
    ) -> PlannedPerson:
        child = self.person(
            age=age,
            sex=self.rng.choice("mf"),
            origin=origin,
            language=language,
            family_name=family_name,
        )
        if parent.nationality != "BE" and self.rng.random() < 0.3:
            child.nationality = "BE"  # born here to parents who settled
        else:
            child.nationality = parent.nationality
        return child

    def partner_origin(self, origin: Origin) -> Origin:
        if self.rng.random() < 0.93:
            return origin
        return FLEMISH if origin is not FLEMISH else origin_choose(self.rng, ORIGINS[1:])

    def moved_in(self, person: PlannedPerson, *, at_most_years: int = 50) -> datetime.date:
        """When the reference person moved in: mostly some years ago, never before 18."""
        adult_since = years_after(person.birth_date, 18)
        max_years = max(0.1, min(person.age - 18, at_most_years))
        years = self.rng.triangular(0, max_years, max_years * 0.25)
        day = REFERENCE_DATE - datetime.timedelta(days=int(years * 365.25) + 14)
        return max(day, min(adult_since, REFERENCE_DATE - datetime.timedelta(days=14)))

    def joined(self, household_since: datetime.date, person: PlannedPerson) -> datetime.date:
        """A later member joins at birth, or when the household moved in, whichever is later."""
        return max(household_since, person.birth_date)

    # --- households -----------------------------------------------------

    def household(self, kind: str) -> PlannedHousehold:
        origin = origin_choose(self.rng)
        language = origin.language(self.rng)
        household = PlannedHousehold(kind=kind)
        getattr(self, f"_{kind}")(household, origin, language)
        return household

    def _single(self, household, origin, language):
        age = _age(
            self.rng,
            [(20, 29, 12), (30, 49, 18), (50, 64, 21), (65, 79, 28), (80, 89, 17), (90, 100, 3)],
        )
        # Most people who live alone at an old age are widows.
        sex = "f" if self.rng.random() < (0.72 if age >= 75 else 0.45) else "m"
        person = self.person(age=age, sex=sex, origin=origin, language=language)
        household.members.append(
            PlannedMember(person, Relation.REFERENCE_PERSON, self.moved_in(person))
        )

    def _couple_members(self, household, origin, language, *, age: int):
        same_sex = self.rng.random() < 0.04
        first_sex = "m" if self.rng.random() < 0.7 else "f"
        second_sex = first_sex if same_sex else ("f" if first_sex == "m" else "m")
        reference = self.person(age=age, sex=first_sex, origin=origin, language=language)
        partner_age = max(19, age + round(self.rng.gauss(-1 if first_sex == "m" else 1, 3)))
        partner = self.person(
            age=partner_age,
            sex=second_sex,
            origin=self.partner_origin(origin),
            language=language,
        )
        since = self.moved_in(min(reference, partner, key=lambda p: p.age), at_most_years=55)
        partner_since = (
            since
            if self.rng.random() < 0.8
            else day_between(self.rng, since, REFERENCE_DATE - datetime.timedelta(days=30))
        )
        household.members += [
            PlannedMember(reference, Relation.REFERENCE_PERSON, since),
            PlannedMember(partner, Relation.PARTNER, partner_since),
        ]
        return reference, partner, since

    def _couple(self, household, origin, language):
        age = _age(self.rng, [(22, 34, 15), (35, 54, 12), (55, 64, 21), (65, 79, 39), (80, 92, 13)])
        self._couple_members(household, origin, language, age=age)

    def _children(
        self, household, *, oldest: int, count: int, family_name, origin, language, parent, since
    ):
        age = oldest
        for _ in range(count):
            if age < 0:
                break
            child = self.child(
                age=age, family_name=family_name, origin=origin, language=language, parent=parent
            )
            household.members.append(
                PlannedMember(child, Relation.CHILD, self.joined(since, child))
            )
            age -= self.rng.choice([1, 2, 2, 3, 3, 4, 5])

    def _children_family_name(self, father, mother, origin: Origin) -> str:
        draw = self.rng.random()
        # Since 2014 parents may choose the mother's name or both; few Flemish families do.
        if draw < 0.86 or mother is None or origin is not FLEMISH:
            return father.family_name
        if draw < 0.94:
            return mother.family_name
        return f"{father.family_name} {mother.family_name}"

    def _couple_with_children(self, household, origin, language, *, grandparent=False):
        oldest = _age(self.rng, [(0, 5, 18), (6, 12, 27), (13, 18, 29), (19, 27, 26)])
        age = oldest + max(22, min(42, round(self.rng.gauss(30, 4))))
        reference, partner, since = self._couple_members(household, origin, language, age=age)
        father = reference if reference.sex == "m" else partner
        mother = partner if father is reference else reference
        count = self.rng.choices([1, 2, 3, 4], [38, 43, 15, 4])[0]
        self._children(
            household,
            oldest=oldest,
            count=count,
            family_name=self._children_family_name(
                father, mother if mother.sex == "f" else None, origin
            ),
            origin=origin,
            language=language,
            parent=reference,
            since=since,
        )
        if grandparent:
            self._add_grandparent(household, reference, origin, language, since)

    def _three_generations(self, household, origin, language):
        self._couple_with_children(household, origin, language, grandparent=True)

    def _add_grandparent(self, household, reference, origin, language, since):
        age = min(100, max(65, reference.age + max(18, round(self.rng.gauss(28, 4)))))
        own_parent = self.rng.random() < 0.7
        sex = "f" if self.rng.random() < 0.7 else "m"
        grandparent = self.person(
            age=age,
            sex=sex,
            origin=origin,
            language=language,
            family_name=reference.family_name if own_parent and sex == "m" else "",
        )
        joined = day_between(
            self.rng,
            max(since, REFERENCE_DATE - datetime.timedelta(days=12 * 365)),
            REFERENCE_DATE - datetime.timedelta(days=30),
        )
        relation = Relation.PARENT if own_parent else Relation.OTHER_RELATIVE
        household.members.append(PlannedMember(grandparent, relation, joined))

    def _single_parent(self, household, origin, language):
        oldest = _age(self.rng, [(0, 5, 15), (6, 12, 30), (13, 18, 32), (19, 30, 23)])
        age = oldest + max(20, min(42, round(self.rng.gauss(29, 5))))
        sex = "f" if self.rng.random() < 0.78 else "m"
        parent = self.person(age=age, sex=sex, origin=origin, language=language)
        since = self.moved_in(parent, at_most_years=25)
        household.members.append(PlannedMember(parent, Relation.REFERENCE_PERSON, since))
        # Children of a single mother usually carry their father's name.
        if sex == "f" and self.rng.random() < 0.7:
            family_name = names.family_name(self.rng, origin.name)
        else:
            family_name = parent.family_name
        count = self.rng.choices([1, 2, 3], [55, 35, 10])[0]
        self._children(
            household,
            oldest=oldest,
            count=count,
            family_name=family_name,
            origin=origin,
            language=language,
            parent=parent,
            since=since,
        )

    def _other(self, household, origin, language):
        variant = self.rng.choices(
            ["with_parent", "siblings", "housemates", "grandchild"], [35, 25, 25, 15]
        )[0]
        if variant == "with_parent":
            # An unmarried son or daughter who took in an old parent.
            reference = self.person(
                age=self.rng.randint(42, 64),
                sex=self.rng.choice("mf"),
                origin=origin,
                language=language,
            )
            since = self.moved_in(reference)
            household.members.append(PlannedMember(reference, Relation.REFERENCE_PERSON, since))
            self._add_grandparent(household, reference, origin, language, since)
        elif variant == "siblings":
            self._single(household, origin, language)
            reference = household.reference_person
            sibling = self.person(
                age=min(100, max(18, reference.age + self.rng.randint(-6, 6))),
                sex=self.rng.choice("mf"),
                origin=origin,
                language=language,
                family_name=reference.family_name,
            )
            since = household.members[0].since
            household.members.append(
                PlannedMember(sibling, Relation.SIBLING, self.joined(since, sibling))
            )
        elif variant == "housemates":
            for index in range(self.rng.choice([2, 2, 3])):
                mate = self.person(
                    age=self.rng.randint(20, 34),
                    sex=self.rng.choice("mf"),
                    origin=self.partner_origin(origin),
                    language=language,
                )
                if index == 0:
                    since = self.moved_in(mate, at_most_years=6)
                    household.members.append(PlannedMember(mate, Relation.REFERENCE_PERSON, since))
                else:
                    joined = day_between(self.rng, since, REFERENCE_DATE - datetime.timedelta(30))
                    household.members.append(PlannedMember(mate, Relation.OTHER, joined))
        else:
            reference, _partner, since = self._couple_members(
                household, origin, language, age=self.rng.randint(58, 75)
            )
            grandchild = self.child(
                age=self.rng.randint(4, 17),
                family_name=reference.family_name,
                origin=origin,
                language=language,
                parent=reference,
            )
            household.members.append(
                PlannedMember(grandchild, Relation.GRANDCHILD, self.joined(since, grandchild))
            )

    def visitor(self) -> PlannedPerson:
        origin = origin_choose(self.rng, VISITOR_ORIGINS)
        return self.person(
            age=self.rng.randint(19, 76),
            sex=self.rng.choice("mf"),
            origin=origin,
            language=origin.language(self.rng),
        )
