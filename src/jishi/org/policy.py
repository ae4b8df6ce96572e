"""Which role may do what where: the one module that names role sets, and the builder of every Actor.

Data scope per action (``Model.objects.restrict(actor, action)`` / ``holds(actor, action, obj)``):

| action   | who, where |
|----------|------------|
| ``view`` | admin, city commander: the city; town commander: the town; village cadre: the village; grid leader, grid worker, line specialist: the grid; micro-grid liaison, volunteer: the micro-grid; department handler: the department (and the cases assigned or whistled to it); everyone with a person record: their own person records; every account: the rows it made |
| ``manage`` | admin, city commander: the city; town commander: the town; village cadre: the village (points, households, boards, the cockpit of a region) |
| ``mediate`` | admin, city commander: the city; town commander: the town; village cadre: the village; a mediator: the disputes assigned to them (mediation) |
| ``command`` | the command roles (village cadre, town commander, city commander, admin) in their region: the cockpit and the command board |
| ``blueprint`` | blueprint projects (progress, time nodes, replies to supervision): admin, city commander: the city; town commander: the town; village cadre: the village; department handler: the projects its department owns |
| ``visit`` | household visits: admin, city commander: the city; town commander: the town; village cadre: the village; grid leader, grid worker: the grid; micro-grid liaison, volunteer: the micro-grid; everyone: the households assigned to them (visits.VisitAssignment's visitor) |

A port (API client) limited to a region or department narrows every action to that region or department,
provided the account's own scope for the action covers it, and drops the account's own records elsewhere.
A system job (sweep, gateway, worker, demo, commands) acts as the city.
"""

from __future__ import annotations

from types import MappingProxyType

from django.db import connection

from jishi.core.actor import ANONYMOUS, OPEN311, PORT, SESSION, SYSTEM, TOKEN, Actor, Post
from jishi.core.scope import EVERYTHING, NOTHING, REGION_DIMENSIONS, Scope
from jishi.org.choices import Role
from jishi.org.signin import known_posts

R = Role

# --- role sets: named here and nowhere else ---------------------------------------------------------

CITY_ROLES = frozenset({R.ADMIN, R.CITY_COMMANDER})
# The command roles and the command level each commands at (cases.choices.CommandLevel values).
COMMAND_LEVEL = MappingProxyType({R.VILLAGE_CADRE: "village", R.TOWN_COMMANDER: "town", R.CITY_COMMANDER: "city",
                                  R.ADMIN: "city"})
COMMAND_ROLES = frozenset(COMMAND_LEVEL)
# Who owns a case at each command level (receives "new case" and "return" notices).
OWNER_ROLES = MappingProxyType({"village": frozenset({R.VILLAGE_CADRE}), "town": frozenset({R.TOWN_COMMANDER}),
                                "city": frozenset({R.CITY_COMMANDER})})
REGION_COMMANDER_ROLES = frozenset({R.VILLAGE_CADRE, R.TOWN_COMMANDER})  # a handling region's commanders
# Grid staff of the case loop: they verify, resolve on the spot and are told of their grid's cases.
GRID_STAFF_ROLES = frozenset({R.GRID_WORKER, R.GRID_LEADER})
# Roles whose work starts from a grid or micro-grid list (the grid pages).
GRID_SIDE_ROLES = frozenset({R.GRID_WORKER, R.GRID_LEADER, R.LINE_SPECIALIST, R.MICROGRID_LIAISON, R.VOLUNTEER})
# Staff of the city (not residents, informants or merchants).
STAFF_ROLES = frozenset({R.ADMIN, R.CITY_COMMANDER, R.TOWN_COMMANDER, R.VILLAGE_CADRE, R.GRID_LEADER,
                         R.GRID_WORKER, R.MICROGRID_LIAISON, R.VOLUNTEER, R.LINE_SPECIALIST, R.DEPARTMENT_HANDLER})
REGION_STAFF_ROLES = STAFF_ROLES - {R.DEPARTMENT_HANDLER}
DEPARTMENT_ROLES = frozenset({R.DEPARTMENT_HANDLER})
# Who may report on behalf of a resident (代居民上报), most local first: the role the timeline records.
PROXY_ROLES = (R.GRID_WORKER, R.GRID_LEADER, R.VILLAGE_CADRE, R.TOWN_COMMANDER, R.CITY_COMMANDER, R.ADMIN)
COCKPIT_ROLES = frozenset({R.CITY_COMMANDER, R.TOWN_COMMANDER, R.VILLAGE_CADRE, R.ADMIN})
SCORING_ROLES = COCKPIT_ROLES  # the scoring boards: commanders, cadres and the admin
IMPORT_ROLES = frozenset({R.ADMIN, R.CITY_COMMANDER})
PORT_ADMIN_ROLES = frozenset({R.ADMIN})
TOTP_ROLES = frozenset({R.ADMIN, R.CITY_COMMANDER, R.TOWN_COMMANDER})  # must enrol a second factor
# Whose work needs full phone/ID numbers (PIPL minimisation): cadres and grid staff in their own scope, admins.
# Commanders and departments see masked values.
PERSONAL_DATA_ROLES = frozenset({R.ADMIN, R.VILLAGE_CADRE, R.GRID_LEADER, R.GRID_WORKER})
# Who may sign in with a phone and an SMS code alone (the resident entrance, jishi.accounts); staff use a password.
ENTRANCE_ROLES = frozenset({R.RESIDENT, R.INFORMANT, R.MERCHANT, R.VOLUNTEER, R.MICROGRID_LIAISON})

# --- data scope per action -------------------------------------------------------------------------

# action → role → the dimension a post of that role grants ("*": the whole city).
GRANTS: MappingProxyType = MappingProxyType({
    "view": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village",
             R.GRID_LEADER: "grid", R.GRID_WORKER: "grid", R.LINE_SPECIALIST: "grid",
             R.MICROGRID_LIAISON: "microgrid", R.VOLUNTEER: "microgrid", R.DEPARTMENT_HANDLER: "department"},
    "manage": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village"},
    "command": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village"},
    # household visits: log a visit to a household (region staff in their region; anyone their own assignments)
    "visit": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village",
              R.GRID_LEADER: "grid", R.GRID_WORKER: "grid", R.MICROGRID_LIAISON: "microgrid",
              R.VOLUNTEER: "microgrid"},
    # mediation: the region's cadres and commanders; a mediator reaches the disputes assigned to them
    # (their person, through OWN_RECORDS_ACTIONS), grid staff and departments nothing.
    "mediate": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village"},
    # smart-community evaluation: a community's assessment is read by its cadres and its town's and the city's
    # commanders; which step each takes (self-assess, review, confirm) is ``evaluation_level_of``
    "evaluate": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village"},
    # the blueprint (书记项目): act on a project (progress, time nodes, the reply to supervision) — the region's
    # cadres and commanders, and the owner department's handlers
    "blueprint": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town", R.VILLAGE_CADRE: "village",
                  R.DEPARTMENT_HANDLER: "department"},
    # 12345 hotline entry (cases): enter a caller's complaint on their behalf, located in the scope
    "hotline": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town"},
    # data requests (减负, jishi.burden): a department asks villages for figures — its handlers create, remind and
    # read the answers of its own requests; the city's commanders and the admin reach every request
    "datarequest": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.DEPARTMENT_HANDLER: "department"},
    # answer a data request: the village's cadres, for their village
    "answer": {R.VILLAGE_CADRE: "village"},
})
OWN_RECORDS_ACTIONS = frozenset({"view", "visit", "mediate"})  # actions that reach one's own records (person, account)
ACTIONS = tuple(GRANTS)
_ROLE_ORDER = [r.value for r in reversed(Role)]


def _scopes(person_id: int | None, user_id: int | None, posts: tuple[Post, ...], superuser: bool) -> dict[str, Scope]:
    scopes: dict[str, Scope] = {}
    for action, grants in GRANTS.items():
        if superuser:
            scopes[action] = EVERYTHING
            continue
        dims: dict[str, set[int]] = {d: set() for d in (*REGION_DIMENSIONS, "department", "person", "user")}
        everything = False
        for p in posts:
            dim = grants.get(p.role)
            if dim == "*":
                everything = True
            elif dim == "department" and p.department_id:
                dims["department"].add(p.department_id)
            elif dim and p.region_id:
                dims[dim].add(p.region_id)
        if action in OWN_RECORDS_ACTIONS:
            if person_id:
                dims["person"].add(person_id)
            if user_id:  # every account reaches the rows it made (a citizens' app account may have no person record)
                dims["user"].add(user_id)
        scopes[action] = EVERYTHING if everything else Scope(**{k: frozenset(v) for k, v in dims.items()})
    return scopes


def _roles(person_id: int | None, posts: tuple[Post, ...], superuser: bool) -> tuple[str, ...]:
    roles = {p.role for p in posts}
    if superuser:
        roles.add(R.ADMIN)
    if person_id and not roles:
        roles.add(R.RESIDENT)
    return tuple(sorted(roles, key=lambda r: _ROLE_ORDER.index(r) if r in _ROLE_ORDER else 99))


def _posts_of(user) -> tuple[int | None, tuple[Post, ...]]:
    """The user's person id and active posts, in one statement."""
    from jishi.org.models import Person, StaffAssignment

    person, sa = Person._meta.db_table, StaffAssignment._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT p.id, a.role, a.region_id, a.department_id FROM {person} p "
            f"LEFT JOIN {sa} a ON a.person_id = p.id AND a.is_active WHERE p.user_id = %s ORDER BY a.id",
            [user.pk])
        rows = cur.fetchall()
    person_id = rows[0][0] if rows else None
    return person_id, tuple(Post(role, region, dep) for _, role, region, dep in rows if role)


def actor_for_user(user, *, kind: str = SESSION, token_scopes=None) -> Actor:
    """The Actor of a signed-in user (a page session, or a token's user before any port narrowing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return anonymous_actor()
    person_id, posts = known_posts(user) or _posts_of(user)  # read with the user by org.signin, or now
    posts = posts + ((Post(R.ADMIN, None, None),) if user.is_superuser else ())
    return Actor(kind=kind, user=user, person_id=person_id, posts=posts,
                 roles=_roles(person_id, posts, user.is_superuser),
                 scopes=MappingProxyType(_scopes(person_id, user.pk, posts, user.is_superuser)),
                 token_scopes=frozenset(token_scopes) if token_scopes is not None else None)


def anonymous_actor() -> Actor:
    return Actor(kind=ANONYMOUS)


def system_actor() -> Actor:
    """A background job, a command, the hotline gateway or the demo: acts as the city."""
    return Actor(kind=SYSTEM, roles=(), scopes=MappingProxyType({a: EVERYTHING for a in ACTIONS}))


def port_scope(region=None, department_id: int | None = None) -> Scope | None:
    """The data a port limited to ``region`` (a Region) and/or ``department_id`` reaches; None: no limit."""
    if region is None and department_id is None:
        return None
    dims: dict[str, frozenset[int]] = {}
    if region is not None:
        dims[region.level] = frozenset({region.pk})
    if department_id is not None:
        dims["department"] = frozenset({department_id})
    return Scope(**dims)


def covers(scope: Scope, region=None, department_id: int | None = None) -> bool:
    """Whether ``scope`` reaches all of ``region`` (a Region) and ``department_id``."""
    if scope.everything:
        return True
    if region is not None:
        ancestors = {"town": region.town_id, "village": region.village_id, "grid": region.grid_id,
                     "microgrid": region.microgrid_id}
        if not any(ancestors[d] in getattr(scope, d) for d in ancestors if ancestors[d]):
            return False
    return department_id is None or department_id in scope.department


def narrowed(actor: Actor, *, kind: str = PORT, region=None, department_id: int | None = None,
             token_scopes=None, port_id: int | None = None) -> Actor:
    """``actor`` through a token or port: its token scopes, and a port's region/department limit, which
    replaces every action's scope where the account's own covers it (and nothing where it does not)."""
    limit = port_scope(region, department_id)
    scopes = dict(actor.scopes)
    if limit is not None:
        scopes = {a: (limit if covers(s, region, department_id) else NOTHING) for a, s in scopes.items()}
    return Actor(kind=kind, user=actor.user, person_id=actor.person_id, posts=actor.posts, roles=actor.roles,
                 scopes=MappingProxyType(scopes),
                 token_scopes=frozenset(token_scopes) if token_scopes is not None else actor.token_scopes,
                 narrowed=limit is not None, port_id=port_id)


def as_actor(who) -> Actor:
    """An Actor for ``who``: an Actor as it is, None as the system, a User as their session.
    For services called by jobs, commands and tests with a user; requests build theirs once."""
    if isinstance(who, Actor):
        return who
    if who is None:
        return system_actor()
    return actor_for_user(who)


# --- role predicates (what the pages and services ask) ------------------------------------------------

def is_city(actor: Actor) -> bool:
    return actor.scope("view").everything


def may_see_personal_data(actor: Actor) -> bool:
    return actor.is_system or actor.has_any(PERSONAL_DATA_ROLES)



__all__ = [
    "ACTIONS", "ANONYMOUS", "CITY_ROLES", "COCKPIT_ROLES", "COMMAND_LEVEL", "COMMAND_ROLES", "DEPARTMENT_ROLES",
    "GRANTS", "GRID_SIDE_ROLES", "GRID_STAFF_ROLES", "IMPORT_ROLES", "OPEN311", "OWNER_ROLES",
    "PERSONAL_DATA_ROLES", "PORT", "PORT_ADMIN_ROLES", "PROXY_ROLES", "REGION_COMMANDER_ROLES", "REGION_STAFF_ROLES",
    "SCORING_ROLES", "SESSION", "STAFF_ROLES", "SYSTEM", "TOKEN", "TOTP_ROLES", "actor_for_user", "anonymous_actor",
    "as_actor", "covers", "is_city", "may_see_personal_data", "narrowed", "port_scope",
    "system_actor",
]


# --- added by org ---

# Who may reshape the region tree (move a region to another parent): the admin; a system job may too.
REGION_ADMIN_ROLES = frozenset({R.ADMIN})


def may_reshape_regions(actor: Actor) -> bool:
    return actor.has_any(REGION_ADMIN_ROLES)


# --- added by points ---

SCORING_PUBLISHER_ROLES = CITY_ROLES  # who publishes (freezes) the monthly scoring boards


# --- added by open311 ---

# An anonymous reader of a public port (Open311 GET requests without an api_key, when
# JISHI_OPEN311_PUBLIC_READS is on) reaches the whole city for one action, ``public``, and nothing else (never
# ``view``); the port shows those rows without personal data (jishi.open311.public).
PUBLIC_ACTION = "public"


def public_actor() -> Actor:
    return Actor(kind=ANONYMOUS, scopes=MappingProxyType({PUBLIC_ACTION: EVERYTHING}))


# --- added by visits ---

# Who plans visit rounds and reassigns households (in their ``manage`` scope): the command roles.
VISIT_PLANNER_ROLES = COMMAND_ROLES
# Who may be given households to visit by rule, most local first (联户: party members among the volunteers;
# 联群: department cadres are given households by hand).
VISITOR_ROLES = (R.MICROGRID_LIAISON, R.VOLUNTEER, R.GRID_WORKER, R.GRID_LEADER, R.VILLAGE_CADRE,
                 R.DEPARTMENT_HANDLER, R.LINE_SPECIALIST, R.TOWN_COMMANDER)


def may_plan_visits(actor: Actor) -> bool:
    return actor.has_any(VISIT_PLANNER_ROLES)


# --- added by mediation ---

# The level (mediation.choices.Level) at which a role mediates: it acts on disputes at that level or below
# in its region; above it, it reads.
MEDIATION_LEVEL = COMMAND_LEVEL


def mediation_level_of(actor: Actor) -> str | None:
    """The highest mediation level of the actor's posts (None: no post that mediates by role)."""
    order = ("village", "town", "city")
    levels = [MEDIATION_LEVEL[r] for r in actor.roles if r in MEDIATION_LEVEL]
    if actor.is_system:
        return "city"
    return max(levels, key=order.index) if levels else None


# --- added by evaluation ---

# The step of the smart-community evaluation a role takes in its "evaluate" scope: the community's cadres
# self-assess (village), the town's commanders review and adjust (town), the city confirms and keeps the
# yearly scheme (city).
EVALUATION_LEVEL = COMMAND_LEVEL
EVALUATION_SCHEME_ROLES = CITY_ROLES


def evaluation_level_of(actor: Actor) -> str | None:
    """The highest evaluation step of the actor's posts (None: takes no step)."""
    if actor.is_system:
        return "city"
    order = ("village", "town", "city")
    levels = [EVALUATION_LEVEL[r] for r in actor.roles if r in EVALUATION_LEVEL]
    return max(levels, key=order.index) if levels else None


def may_keep_evaluation_schemes(actor: Actor) -> bool:
    return actor.is_system or actor.has_any(EVALUATION_SCHEME_ROLES)


# --- added by party ---

# Party organisations at work (jishi.party): record 主题党日 and 三会一课 of an organisation, accept in-service
# members' reports to their residential community (三报到三服务), keep its service list and verify the hours
# served. The region's party secretaries: city, town, village cadres; a grid leader (the grid party
# organisation's secretary) for its grid's organisation. The member acts on their own registration as themselves;
# the employer department reads its members' reports through ``view`` (the department dimension).
GRANTS = MappingProxyType({**GRANTS, "party": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town",
                                               R.VILLAGE_CADRE: "village", R.GRID_LEADER: "grid"}})
ACTIONS = tuple(GRANTS)

# --- added by cadres ---

# The cadre pipeline (青苗/苗圃 recruitment, the reserve pool, 墩苗 secondments, 学看比拼): the organisation staff of
# the city run it everywhere, a town's in its town (action ``cadres``); village cadres read their village's
# applicants and reserve (``view``); everyone reads their own record (``view``: their person).
GRANTS = MappingProxyType({**GRANTS, "cadres": {R.ADMIN: "*", R.CITY_COMMANDER: "*", R.TOWN_COMMANDER: "town"}})
ACTIONS = tuple(GRANTS)
CADRES_READER_ROLES = COMMAND_ROLES  # who opens the pipeline's pages (in their ``view`` scope)


def reads_cadres(actor: Actor) -> bool:
    return actor.has_any(CADRES_READER_ROLES)
# --- added by burden ---

# Who creates data requests to villages (数据填报需求) in their "datarequest" scope: a department's handlers and
# the city's roles; who answers them: a village's cadres ("answer" scope); who reads the burden page (减负): the city.
DATA_REQUEST_ROLES = frozenset({R.DEPARTMENT_HANDLER, R.CITY_COMMANDER, R.ADMIN})
ANSWER_ROLES = frozenset({R.VILLAGE_CADRE})
BURDEN_ROLES = CITY_ROLES


def may_request_data(actor: Actor) -> bool:
    return actor.has_any(DATA_REQUEST_ROLES)


def may_answer_data(actor: Actor) -> bool:
    return actor.has_any(ANSWER_ROLES)


def may_read_burden(actor: Actor) -> bool:
    return actor.has_any(BURDEN_ROLES)
