"""The dashboard's plots, with their translated labels, from the figures of a period (queries.Dashboard)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from markupsafe import Markup

from emicronora.dashboard.plots import Series, bar_chart, line_chart
from emicronora.dashboard.queries import Dashboard
from emicronora.i18n import _, babel_locale, format_day, lazy

# Plots of one bar per session or exhibitor keep the largest; the table beside them lists every row.
TOP = 20

REQUEST_STATE_LABELS = {
    "pending": lazy("Waiting for an answer"),
    "awaiting_approval": lazy("Waiting for approval"),
    "accepted": lazy("Accepted"),
    "declined": lazy("Declined"),
    "expired": lazy("Expired"),
    "withdrawn": lazy("Withdrawn"),
}


def point_label(at: datetime, step: str, tz: ZoneInfo) -> str:
    if step == "day":
        return format_day(at.date(), "d MMM")
    return format_datetime(at, "EEE d, HH:mm", tzinfo=tz, locale=babel_locale())


def top_note(shown: int, total: int) -> str:
    if shown < total:
        return _("The %(shown)s largest of %(total)s; the table lists them all.", shown=shown, total=total)
    return ""


def top_bars(
    chart_id: str, title: str, description: str, total: int, labels: list[str], series: list[Series]
) -> Markup:
    """A bar chart of the largest rows (`labels`) of `total`, saying so when some are left out."""
    return bar_chart(chart_id, title, " ".join((description, top_note(len(labels), total))), labels, series)


def plots(dash: Dashboard, tz: ZoneInfo) -> dict[str, Markup | None]:
    """One plot per figure, or None where the period has nothing to draw."""
    drawn: dict[str, Markup | None] = dict.fromkeys(
        ("registrations", "attendance", "activity", "sessions", "video_views", "leads"), None
    )
    if dash.registrations:
        drawn["registrations"] = line_chart(
            "plot-registrations",
            _("Registrations per day"),
            _("New accounts created each day of the period."),
            [format_day(row.day, "d MMM") for row in dash.registrations],
            [Series(_("New accounts"), [row.new for row in dash.registrations])],
        )
    watched = sorted(dash.attendance, key=lambda row: (-row.unique_viewers, -row.peak, row.starts_at))[:TOP]
    if any(row.unique_viewers for row in watched):
        drawn["attendance"] = top_bars(
            "plot-attendance",
            _("Attendance per session"),
            _("Unique viewers and peak number of people in the room at once, for each session."),
            len(dash.attendance),
            [row.title for row in watched],
            [
                Series(_("Unique viewers"), [row.unique_viewers for row in watched]),
                Series(_("Peak live count"), [row.peak for row in watched]),
            ],
        )
    points = dash.activity.points
    if any(point.chat or point.questions for point in points):
        per = _("per hour") if dash.activity.step == "hour" else _("per day")
        drawn["activity"] = line_chart(
            "plot-activity",
            _("Chat messages and questions %(per)s", per=per),
            _("Chat messages and questions posted in the live rooms (without those removed by moderators)."),
            [point_label(point.at, dash.activity.step, tz) for point in points],
            [
                Series(_("Chat messages"), [point.chat for point in points]),
                Series(_("Questions"), [point.questions for point in points]),
            ],
        )
    busy = sorted(dash.sessions, key=lambda row: (-(row.chat + row.questions), row.starts_at))[:TOP]
    if any(row.chat or row.questions for row in busy):
        drawn["sessions"] = top_bars(
            "plot-sessions",
            _("Chat and questions per session"),
            _("Chat messages and questions of each session."),
            len(dash.sessions),
            [row.title for row in busy],
            [
                Series(_("Chat messages"), [row.chat for row in busy]),
                Series(_("Questions"), [row.questions for row in busy]),
            ],
        )
    for key, rows, title, description, name in (
        (
            "video_views",
            dash.video_views,
            _("Video views per exhibitor"),
            _("Views of each exhibitor's videos (one per viewer and video per hour)."),
            _("Views"),
        ),
        (
            "leads",
            dash.leads,
            _("Leads per exhibitor"),
            _("Contact requests received by each exhibitor."),
            _("Leads"),
        ),
    ):
        if rows:
            shown = rows[:TOP]
            drawn[key] = top_bars(
                f"plot-{key.replace('_', '-')}",
                title,
                description,
                len(rows),
                [row.name for row in shown],
                [Series(name, [row.count for row in shown])],
            )
    b2b = dash.b2b
    drawn["requests"] = bar_chart(
        "plot-requests",
        _("B2B meeting requests by state"),
        _("Meeting requests sent in the period, by their state now."),
        [_(label) for label in REQUEST_STATE_LABELS.values()],
        [Series(_("Requests"), [b2b.requests[state] for state in REQUEST_STATE_LABELS])],
    )
    drawn["meetings"] = bar_chart(
        "plot-meetings",
        _("B2B meetings"),
        _("Meetings in a slot of the period: scheduled, of which held (the slot has ended), and cancelled."),
        [_("Scheduled"), _("Held"), _("Still to come"), _("Cancelled")],
        [Series(_("Meetings"), [b2b.scheduled, b2b.held, b2b.upcoming, b2b.cancelled])],
    )
    drawn["participants"] = bar_chart(
        "plot-participants",
        _("B2B participants"),
        _("Active participants with at least one scheduled meeting in the period, and those with none."),
        [_("With a meeting"), _("With no meeting")],
        [Series(_("Participants"), [b2b.participants - b2b.without_meeting, b2b.without_meeting])],
    )
    return drawn
