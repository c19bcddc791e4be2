"""Page URLs (the shared URL map in the project brief)."""
from django.urls import path

from .views import assets, auth, board, cases, console, knowledge, leader, portal, portal_faq, tickets, unit

urlpatterns = [
    path("", auth.home, name="home"),
    path("favicon.ico", assets.favicon, name="favicon"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    # operator
    path("console/", console.console, name="console"),
    path("console/caller/", console.caller, name="console-caller"),
    path("console/categories/", console.categories, name="console-categories"),
    path("console/callbacks/", console.callbacks, name="console-callbacks"),
    path("console/knowledge/", knowledge.console_knowledge, name="console-knowledge"),
    path("console/knowledge/<int:point_id>/not-helpful/", knowledge.console_not_helpful,
         name="console-knowledge-not-helpful"),
    # leader (phone)
    path("m/", leader.leader_home, name="leader-home"),
    path("m/instructed/", leader.leader_instructed, name="leader-instructed"),
    path("m/tickets/<int:ticket_id>/", leader.leader_ticket, name="leader-ticket"),
    # handling unit
    path("unit/", unit.unit_home, name="unit-home"),
    path("unit/done/", unit.unit_done, name="unit-done"),
    path("unit/search/", unit.unit_search, name="unit-search"),
    path("unit/tickets/<int:ticket_id>/", unit.unit_ticket, name="unit-ticket"),
    # supervisor
    path("board/", board.board, name="board"),
    path("board/extensions/<int:extension_id>/decide/", board.decide_extension, name="board-decide-extension"),
    path("board/duplicates/<int:suggestion_id>/", board.decide_duplicate, name="board-decide-duplicate"),
    path("board/returns/<int:return_id>/accept/", board.accept_return, name="board-accept-return"),
    path("board/returns/<int:return_id>/refuse/", board.refuse_return, name="board-refuse-return"),
    path("board/suspensions/<int:suspension_id>/decide/", board.decide_suspension, name="board-decide-suspension"),
    path("board/suspended/<int:ticket_id>/resume/", board.resume_suspended, name="board-resume-suspended"),
    path("tickets/", tickets.ticket_search, name="ticket-search"),
    path("tickets/<int:ticket_id>/", tickets.ticket_detail, name="ticket-detail"),
    path("tickets/<int:ticket_id>/do/<slug:action>/", tickets.ticket_action, name="ticket-action"),
    path("tickets/<int:ticket_id>/case/", cases.case_review, name="ticket-case"),
    path("tickets/<int:ticket_id>/case/withdraw/", cases.case_withdraw, name="ticket-case-withdraw"),
    path("attachments/<int:attachment_id>/", tickets.attachment_download, name="attachment"),
    # citizens
    path("portal/", portal.portal_home, name="portal"),
    path("portal/submit/", portal.portal_submit, name="portal-submit"),
    path("portal/captcha/", portal.portal_captcha, name="portal-captcha"),
    path("portal/submitted/", portal.portal_submitted, name="portal-submitted"),
    path("portal/query/", portal.portal_query, name="portal-query"),
    path("portal/progress/<str:number>/", portal.portal_progress, name="portal-progress"),
    path("portal/progress/<str:number>/survey/", portal.portal_survey, name="portal-survey"),
    path("portal/cases/", portal.portal_cases, name="portal-cases"),
    path("portal/cases/<int:ticket_id>/vote/", portal.portal_vote, name="portal-vote"),
    path("portal/faq/", portal_faq.portal_faq, name="portal-faq"),
    path("portal/faq/<int:point_id>/", portal_faq.portal_faq_point, name="portal-faq-point"),
]
