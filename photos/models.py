"""A ticket's photos (issue 19 item 4). The bytes live under MEDIA_ROOT/photos/ with names
nobody can guess; pages reach them only through photos.views, which checks the viewer."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Photo(models.Model):
    ticket = models.ForeignKey("hotline.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE,
                               related_name="photos")
    # The re-encoded copy (EXIF and its GPS gone, orientation applied) and its thumbnail.
    image = models.FileField(_("照片"), max_length=200)
    thumbnail = models.FileField(_("缩略图"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=30)
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # The centre's choice when it publishes the ticket as a typical case (cases.services.case_publish):
    # only these appear on the portal's 办理公开.
    public = models.BooleanField(_("公开"), default=False)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ("ticket", "pk")

    def __str__(self) -> str:
        return f"照片{self.pk}"
