from django.urls import path

from . import views

urlpatterns = [
    path("tickets/<int:ticket_id>/supervision-notices/<int:notice_id>/", views.notice_print,
         name="supervision-notice"),
    path("tickets/<int:ticket_id>/supervision-notices/<int:notice_id>.pdf", views.notice_pdf,
         name="supervision-notice-pdf"),
]
