"""The three-level category tree (一级/二级/三级分类)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    # "城乡建设/安全生产/事故处理": unique, searchable, and the classifier's label.
    full_name = models.CharField(_("完整名称"), max_length=200, unique=True)
    default_unit = models.ForeignKey(
        "hotline.Unit", verbose_name=_("默认承办单位"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def root_id(self) -> int:
        node = self
        while node.parent_id:
            node = node.parent
        return node.pk
