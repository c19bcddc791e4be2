from django.urls import path

from . import views

urlpatterns = [
    path("photos/<int:photo_id>/", views.photo_page, name="photo-page"),
    path("photos/<int:photo_id>/full/", views.photo_full, name="photo-full"),
    path("photos/<int:photo_id>/thumb/", views.photo_thumbnail, name="photo-thumbnail"),
    path("portal/photos/<int:photo_id>/", views.public_page, name="photo-public-page"),
    path("portal/photos/<int:photo_id>/full/", views.public_full, name="photo-public"),
    path("portal/photos/<int:photo_id>/thumb/", views.public_thumbnail, name="photo-public-thumbnail"),
]
