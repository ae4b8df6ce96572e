"""Masking of personal data (phone, ID number, address) in lists and exports, and what counts as looking a
person up by number (the rule itself: ``jishi.org.queries.search_people``; docs/privacy.md)."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """138****5678"""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


def mask_id_number(id_number: str) -> str:
    """320281********1234"""
    if not id_number:
        return ""
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:] if len(id_number) > 10 else "*" * len(id_number)


def mask_name(name: str) -> str:
    """张*明 / 李*"""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_address(address: str) -> str:
    """Keep the village/road part, hide the house number: 澄江市云亭街道花山村3组12号 → 澄江市云亭街道花山村3组**"""
    if not address:
        return ""
    cut = max(len(address) - 4, len(address) // 2)
    return address[:cut] + "**"


_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def valid_id_number(id_number: str) -> bool:
    """GB 11643 citizen ID: 17 digits and a check character."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return False
    return id_check_digit(id_number[:17]) == id_number[17].upper()


def valid_phone(phone: str) -> bool:
    return len(phone) == 11 and phone.isdigit() and phone[0] == "1"


def number_query(q: str) -> bool:
    """Whether a people search uses any digit (ASCII or full-width): a phone or ID number, whole or in part.
    Names hold no digits, so a search with one is a search by number."""
    return any(c.isdigit() for c in q or "")


def number_kind(q: str) -> str:
    """What a number search asks for (recorded in the audit trail instead of the digits)."""
    q = (q or "").strip().upper()
    if len(q) in (15, 18) and q[:-1].isdigit() and (q[-1].isdigit() or q[-1] == "X"):
        return "id_number"
    if len(q) == 11 and q.isdigit():
        return "phone"
    if 4 <= len(q) <= 6 and q.rstrip("X").isdigit():
        return "suffix"
    return "other"
