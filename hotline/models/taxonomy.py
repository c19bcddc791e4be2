"""The three-level category tree (一级/二级/三级分类)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..taxonomy import category_search_text


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
    # Citizens say 路灯, the tree says 城市公共设施: the words an operator types find the category.
    synonyms = models.TextField(_("同义词与常见说法"), blank=True, default="",
                                help_text=_("市民常说的词，用空格、逗号或顿号分隔，如：路灯 井盖 红绿灯"))
    examples = models.TextField(_("典型诉求"), blank=True, default="",
                                help_text=_("每行一条（或用“；”分隔），如：小区门口路灯不亮"))
    # Derived from the three above on every save; the search runs one LIKE per word on it.
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = category_search_text(full_name=self.full_name, synonyms=self.synonyms,
                                                 examples=self.examples)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "synonyms", "examples"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def root_id(self) -> int:
        node = self
        while node.parent_id:
            node = node.parent
        return node.pk
