"""Every write in dispatch/ goes through a function in this package."""
from .approval import approval_policy_for, ticket_instruct, ticket_leader_return, ticket_submit_for_approval
from .calendar import holiday_year_import
from .callbacks import survey_open, survey_record, ticket_close_without_callback
from .extensions import extension_decide, extension_request
from .handling import ticket_dispatch, ticket_reply, ticket_return, ticket_sign
from .merging import ticket_mark_invalid, ticket_merge
from .review import reply_review_required, ticket_review_approve, ticket_review_send_back
from .supervision import ticket_supervise, ticket_urge

__all__ = [
    "approval_policy_for",
    "extension_decide",
    "extension_request",
    "holiday_year_import",
    "reply_review_required",
    "survey_open",
    "survey_record",
    "ticket_close_without_callback",
    "ticket_dispatch",
    "ticket_instruct",
    "ticket_leader_return",
    "ticket_mark_invalid",
    "ticket_merge",
    "ticket_reply",
    "ticket_return",
    "ticket_review_approve",
    "ticket_review_send_back",
    "ticket_sign",
    "ticket_submit_for_approval",
    "ticket_supervise",
    "ticket_urge",
]
