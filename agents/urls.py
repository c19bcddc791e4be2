from django.urls import path

from . import views

urlpatterns = [
    path("agent/", views.file_page, name="agent_file"),
    path("agent/tickets/", views.my_tickets, name="agent_tickets"),
    path("agent/tickets/<int:ticket_id>/", views.my_ticket, name="agent_ticket"),
    path("agent/report/", views.report_page, name="agent_report"),
]
