from .case import (
    Assignment,
    Case,
    CaseEvent,
    CaseSource,
    CaseState,
    Clock,
    Feedback,
    IdentityAccessLog,
    LocationSource,
    ReferenceSequence,
    ReporterIdentity,
)
from .programme import ActionItem, JointMeeting, Milestone, RectificationTask
from .reference import (
    Category,
    ClockKind,
    DayUnit,
    DeadlinePolicy,
    DeadlineSetting,
    Department,
    RoutingRule,
    StaffProfile,
    Township,
    WorkCalendarDay,
    WorkCalendarYear,
)
from .work import (
    ApiClient,
    ExtensionRequest,
    ImportJob,
    Notification,
    Photo,
    ReferralBatch,
    SpotCheck,
    TaskHeartbeat,
)

__all__ = [
    "ActionItem", "ApiClient", "Assignment", "Case", "CaseEvent",
    "CaseSource", "CaseState", "Category", "Clock", "ClockKind", "DayUnit", "DeadlinePolicy",
    "DeadlineSetting", "Department", "ExtensionRequest", "Feedback", "IdentityAccessLog", "ImportJob",
    "JointMeeting", "LocationSource", "Milestone", "Notification", "Photo", "RectificationTask",
    "ReferenceSequence", "ReferralBatch", "ReporterIdentity", "RoutingRule", "SpotCheck", "StaffProfile",
    "TaskHeartbeat", "Township", "WorkCalendarDay", "WorkCalendarYear",
]
