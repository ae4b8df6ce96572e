"""Makes plausible people: name, gender, birth date, a valid 18-digit ID number, a mobile number."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from jishi.org.demo import names
from jishi.org.models import Person
from jishi.org.privacy import id_check_digit

_MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                    "155", "157", "158", "159", "166", "177", "180", "181", "182", "183", "186", "187", "188",
                    "189", "191", "198", "199"]


class Folk:
    """Seeded maker of ``Person`` rows (unsaved). ID numbers are unique within one generator run."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self._seq: dict[tuple[str, str], int] = defaultdict(int)

    def birth_date(self, age: int) -> date:
        start = date(self.today.year - age - 1, self.today.month, 1) + timedelta(days=1)
        return start + timedelta(days=self.rng.randrange(360))

    def id_number(self, birth: date, gender: str) -> str:
        day = birth.strftime("%Y%m%d")
        n = self._seq[(day, gender)]
        self._seq[(day, gender)] = n + 1
        # sequence 001–998: odd for men, even for women (GB 11643); 499 per day and gender is plenty here
        seq = 2 * (n % 499) + (1 if gender == "M" else 2)
        first17 = f"{names.CITY_CODE}{day}{seq:03d}"
        return first17 + id_check_digit(first17)

    def phone(self) -> str:
        return self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def identity(self, age: int | None = None, gender: str | None = None,
                 surname: str | None = None) -> tuple[str, str, date, str, str]:
        """(name, gender, birth date, ID number, phone) of a new person."""
        rng = self.rng
        gender = gender or ("M" if rng.random() < 0.505 else "F")
        age = age if age is not None else rng.randint(25, 58)
        name = names.person_name(rng, gender)
        if surname:
            name = surname + name[1:]
        birth = self.birth_date(age)
        return name, gender, birth, self.id_number(birth, gender), self.phone() if age >= 16 else ""

    def person(self, age: int | None = None, gender: str | None = None, **fields) -> Person:
        name, gender, birth, id_number, phone = self.identity(age, gender)
        return Person(name=name, gender=gender, birth_date=birth, id_number=id_number, phone=phone, **fields)


def household_ages(rng: random.Random, size: int) -> list[int]:
    """Ages of a household's members, the head first (adult)."""
    head = rng.randint(24, 85)
    ages = [head]
    if size >= 2:
        ages.append(max(20, min(95, head + rng.randint(-5, 5))))
    for _ in range(size - 2):
        if head > 50 and rng.random() < 0.5:
            ages.append(max(0, head - rng.randint(22, 32)))  # a grown child
        elif head > 55:
            ages.append(rng.randint(0, 14))  # a grandchild
        else:
            ages.append(max(0, head - rng.randint(22, 36)))
    return ages


HOUSEHOLD_SIZES = [1, 2, 3, 4, 5]
HOUSEHOLD_WEIGHTS = [0.20, 0.32, 0.26, 0.14, 0.08]  # mean ≈ 2.6 persons per household


def split_households(rng: random.Random, residents: int) -> list[int]:
    sizes: list[int] = []
    left = residents
    while left > 0:
        s = min(left, rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS)[0])
        sizes.append(s)
        left -= s
    return sizes
