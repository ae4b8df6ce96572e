"""People search and person detail. Phone, ID number and address are masked unless the viewer's
role needs them (``jishi.org.policy.may_see_personal_data``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jishi.core.errors import ServiceError
from jishi.org import privacy, queries
from jishi.org.middleware import actor_of
from jishi.org.models import Person
from jishi.org.policy import may_see_personal_data

PAGE_SIZE = 50


@dataclass
class PersonView:
    """A person as one viewer may see them."""

    person: Person
    phone: str
    id_number: str
    address: str


def present(person: Person, unmasked: bool) -> PersonView:
    address = person.address or (person.household.address if person.household_id and person.household else "")
    if unmasked:
        return PersonView(person, person.phone, person.id_number, address)
    return PersonView(person, privacy.mask_phone(person.phone), privacy.mask_id_number(person.id_number),
                      privacy.mask_address(address))


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Search by name; by phone/ID number only for roles that see numbers in full (``queries.search_people``:
    a refused search is 422, past the number-search limit 429, each with the reason on the page)."""
    q = request.GET.get("q", "").strip()[:30]
    actor = actor_of(request)
    unmasked = may_see_personal_data(actor)
    try:
        found = queries.search_people(actor, q, where="page")
    except ServiceError as exc:
        response = render(request, "web/people.html", {
            "active": "people", "q": q, "page": None, "rows": [], "unmasked": unmasked, "error": exc.message,
        }, status=exc.status)
        if "retry_after" in exc.details:
            response["Retry-After"] = str(exc.details["retry_after"])
        return response
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [present(p, unmasked) for p in page.object_list]
    return render(request, "web/people.html", {
        "active": "people", "q": q, "page": page, "rows": rows, "unmasked": unmasked,
    })


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = queries.get_person(actor, person_id)
    if person is None:
        raise Http404
    unmasked = may_see_personal_data(actor)
    members = [present(m, unmasked) for m in queries.household_members(actor, person)]
    return render(request, "web/person_detail.html", {
        "active": "people", "p": present(person, unmasked), "members": members, "unmasked": unmasked,
    })
