from .case import (
    Assignment,
    Case,
    CaseEvent,
    CaseSource,
    CaseState,
    Clock,
    Feedback,
    IdentityAccessLog,
    IntakeJob,
    LocationSource,
    ReferenceSequence,
    ReporterIdentity,
)
from .operations import OperatorAction
from .programme import (
    ActionItem,
    JointMeeting,
    Milestone,
    MilestoneState,
    RectificationTask,
    TaskSource,
    TaskState,
)
from .programme_work import (
    EvidenceFile,
    MilestoneTemplate,
    MilestoneTemplateStep,
    Objection,
    ObjectionState,
    ProgressReport,
    TaskEvent,
    TaskVerification,
)
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
from .review import HeadReview
from .search import SearchEntry
from .supervision import (
    AccountabilityForm,
    AccountabilityRecord,
    ExportLog,
    OrderLevel,
    OrderState,
    ProgressSnapshot,
    SpotCheckRound,
    SupervisionEvent,
    SupervisionEvidence,
    SupervisionOrder,
)
from .work import (
    ApiClient,
    ExtensionRequest,
    ImportJob,
    Notification,
    Photo,
    PhotoState,
    ReferralBatch,
    SpotCheck,
    TaskHeartbeat,
)

__all__ = [
    "SearchEntry",
    "AccountabilityForm", "AccountabilityRecord", "ExportLog", "OrderLevel", "OrderState", "ProgressSnapshot",
    "SpotCheckRound", "SupervisionEvent", "SupervisionEvidence", "SupervisionOrder",
    "ActionItem", "ApiClient", "Assignment", "Case", "CaseEvent",
    "CaseSource", "CaseState", "Category", "Clock", "ClockKind", "DayUnit", "DeadlinePolicy",
    "DeadlineSetting", "Department", "ExtensionRequest", "Feedback", "IdentityAccessLog", "ImportJob", "IntakeJob",
    "JointMeeting", "LocationSource", "Milestone", "Notification", "OperatorAction", "Photo", "PhotoState",
    "RectificationTask",
    "ReferenceSequence", "ReferralBatch", "ReporterIdentity", "RoutingRule", "SpotCheck", "StaffProfile",
    "TaskHeartbeat", "Township", "WorkCalendarDay", "WorkCalendarYear",
    "EvidenceFile", "MilestoneState", "MilestoneTemplate", "MilestoneTemplateStep", "Objection", "ObjectionState",
    "ProgressReport", "TaskEvent", "TaskSource", "TaskState", "TaskVerification", "HeadReview",
]
