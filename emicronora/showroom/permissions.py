"""Who may see and change a showroom. Callers turn a refusal into a 404 when the user may not know the
company's showroom exists (DESIGN.md), so these only answer yes or no."""

from __future__ import annotations

from emicronora.models import Company, User


def is_public(company: Company) -> bool:
    """Approved exhibitors are in the directory and have a public showroom."""
    return company.is_exhibitor and company.is_approved


def is_member(user: User | None, company: Company) -> bool:
    return user is not None and user.company_id == company.id


def can_view(user: User | None, company: Company) -> bool:
    """Anyone sees a public showroom; before approval only its team and the organisers preview it."""
    if is_public(company):
        return True
    return company.is_exhibitor and user is not None and (is_member(user, company) or user.is_organiser)


def can_edit(user: User | None, company: Company) -> bool:
    """The company's own team and the organisers edit a showroom, its innovations and its team."""
    return company.is_exhibitor and user is not None and (is_member(user, company) or user.is_organiser)


def can_read_leads(user: User | None, company: Company) -> bool:
    """Leads are what visitors chose to send to this company alone: only its team reads them."""
    return company.is_exhibitor and is_member(user, company)


def may_use_exhibitor_area(user: User, *, organisers: bool) -> bool:
    """Whether the user has any business in the exhibitor area; others get a 403, not a 404."""
    return user.is_exhibitor or (organisers and user.is_organiser)
