"""Which company a page of the exhibitor area works on, and for whom.

Members work on their own company (`/exhibitor-area/...`); organisers work on any exhibitor's, named by
`?company=<id>` or by the path (`/organiser/showrooms/<id>/edit`). Someone with no business in the area gets
a 403; an exhibitor naming another company gets a 404, so nothing tells them whether it exists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request

from emicronora.models import Company, Innovation, User
from emicronora.models.base import MAX_ROW_ID
from emicronora.showroom import permissions, queries
from emicronora.web.context import require_user

COMPANY_PARAM = "company"
MAX_ID_DIGITS = 12


@dataclass(frozen=True)
class Workspace:
    company: Company
    user: User

    @property
    def as_member(self) -> bool:
        """False when an organiser works on a company that is not theirs: links then name the company."""
        return self.user.company_id == self.company.id

    @property
    def query(self) -> str:
        return "" if self.as_member else f"?{COMPANY_PARAM}={self.company.id}"

    @property
    def edit_url(self) -> str:
        if self.as_member:
            return "/exhibitor-area/showroom"
        return f"/organiser/showrooms/{self.company.id}/edit"

    @property
    def team_url(self) -> str:
        return "/exhibitor-area/team" + self.query


def _requested_company_id(request: Request) -> int | None:
    from_path = request.path_params.get("company_id")
    if from_path is not None:
        return int(from_path)
    raw = request.query_params.get(COMPANY_PARAM)
    if raw is None:
        return None
    # isdigit() alone lets "²" and other scripts' digits through, which int() then refuses; ids are 32-bit.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_ID_DIGITS or int(raw) > MAX_ROW_ID:
        raise HTTPException(404)
    return int(raw)


async def company_workspace(request: Request, db: AsyncSession, *, organisers: bool = True) -> Workspace:
    """The company the request works on. `organisers=False` for what only the company's team may see."""
    user = require_user(request)
    if not permissions.may_use_exhibitor_area(user, organisers=organisers):
        raise HTTPException(403)
    company_id = _requested_company_id(request)
    if company_id is None:
        if user.company_id is None or not user.is_exhibitor:
            # An organiser of no company reaches showrooms from the organisers' list.
            raise HTTPException(403)
        company_id = user.company_id
    company = await queries.get_company(db, company_id)
    allowed = permissions.can_edit if organisers else permissions.can_read_leads
    if company is None or not allowed(user, company):
        raise HTTPException(404)
    return Workspace(company=company, user=user)


async def innovation_workspace(request: Request, db: AsyncSession) -> tuple[Innovation, Workspace]:
    """The innovation named in the path, with its company, if the user may edit it."""
    user = require_user(request)
    if not permissions.may_use_exhibitor_area(user, organisers=True):
        raise HTTPException(403)
    innovation = await queries.get_innovation(db, request.path_params["innovation_id"])
    company = await queries.get_company(db, innovation.company_id) if innovation is not None else None
    if innovation is None or company is None or not permissions.can_edit(user, company):
        raise HTTPException(404)
    return innovation, Workspace(company=company, user=user)
