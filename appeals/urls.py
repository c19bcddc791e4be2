from django.urls import path

from . import views

urlpatterns = [
    path("appeals/", views.appeal_list, name="appeal-list"),
    path("appeals/<int:appeal_id>/", views.appeal_detail, name="appeal-detail"),
    path("appeals/new/<int:ticket_id>/", views.appeal_new, name="appeal-new"),
    path("appeals/files/<int:attachment_id>/", views.attachment_download, name="appeal-file"),
    path("supervision/", views.supervision_table, name="supervision"),
    path("supervision/units/<int:unit_id>/", views.supervision_unit, name="supervision-unit"),
]
