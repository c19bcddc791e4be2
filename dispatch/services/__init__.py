"""Every write in dispatch/ goes through a function in this package."""
from .approval import approval_policy_for, ticket_instruct, ticket_leader_return, ticket_submit_for_approval
from .calendar import holiday_year_import
from .callbacks import survey_open, survey_record, ticket_close_without_callback
from .confidential import ticket_mark_confidential
from .extensions import extension_decide, extension_request
from .handling import ticket_dispatch, ticket_reply, ticket_sign
from .merging import ticket_mark_invalid, ticket_merge
from .reassignment import ticket_reassign
from .returns import ticket_return, ticket_return_accept, ticket_return_refuse
from .review import reply_review_required, ticket_review_approve, ticket_review_send_back
from .supervision import ticket_supervise, ticket_urge
from .suspension import (
    suspensions_resume_due,
    ticket_resume,
    ticket_suspension_decide,
    ticket_suspension_request,
)
from .twolevel import ticket_hand_down, ticket_hand_down_review, ticket_hand_down_withdraw  # issue 16 item 5

__all__ = [
    "approval_policy_for",
    "extension_decide",
    "extension_request",
    "holiday_year_import",
    "reply_review_required",
    "survey_open",
    "survey_record",
    "suspensions_resume_due",
    "ticket_close_without_callback",
    "ticket_dispatch",
    "ticket_hand_down",
    "ticket_hand_down_review",
    "ticket_hand_down_withdraw",
    "ticket_instruct",
    "ticket_leader_return",
    "ticket_mark_confidential",
    "ticket_mark_invalid",
    "ticket_merge",
    "ticket_reassign",
    "ticket_reply",
    "ticket_resume",
    "ticket_return",
    "ticket_return_accept",
    "ticket_return_refuse",
    "ticket_review_approve",
    "ticket_review_send_back",
    "ticket_sign",
    "ticket_submit_for_approval",
    "ticket_supervise",
    "ticket_suspension_decide",
    "ticket_suspension_request",
    "ticket_urge",
]
