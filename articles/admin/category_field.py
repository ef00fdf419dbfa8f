"""Choosing an article's categories in order from the managed list.

One ``<select>`` per slot, all named ``categories``: the browser sends them in page order, so
the first slot is the article's primary section and no JavaScript is needed. Only existing
categories can be chosen (a typo cannot create a section); new ones are made deliberately on
the category admin page.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.models import Category

# Empty slots offered after the article's current categories.
SPARE_SLOTS = 2
MIN_SLOTS = 3


class OrderedCategoriesWidget(forms.Widget):
    template_name = "articles/widgets/ordered_categories.html"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.choices: list[tuple[int, str]] = []

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        return getlist(name) if getlist else data.get(name, [])

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # no slot chosen means "no categories", never "leave as it was"

    def format_value(self, value) -> list[str]:
        if not value:
            return []
        return [str(getattr(item, "pk", item)) for item in value if item not in ("", None)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = context["widget"]["value"]
        count = max(MIN_SLOTS, len(chosen) + SPARE_SLOTS)
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        slots = []
        for index in range(count):
            label = _("主栏目") if index == 0 else _("分类 %(n)d") % {"n": index + 1}
            slots.append(
                {
                    "id": base_id if index == 0 else f"{base_id}_{index}",
                    "label": label,
                    "selected": chosen[index] if index < len(chosen) else "",
                }
            )
        context["widget"]["slots"] = slots
        context["widget"]["choices"] = [(str(pk), label) for pk, label in self.choices]
        return context


class OrderedCategoriesField(forms.Field):
    """A list of existing ``Category`` objects in the order chosen, without duplicates."""

    widget = OrderedCategoriesWidget
    default_error_messages = {"unknown": _("所选分类不存在（可能刚被删除），请重新选择。")}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("分类"))
        kwargs.setdefault(
            "help_text", _("第一个是文章的主栏目。只能从已有分类中选择；新分类请先在“分类”管理页创建。")
        )
        super().__init__(**kwargs)

    def refresh_choices(self) -> None:
        self.widget.choices = list(Category.objects.order_by("name").values_list("pk", "name"))

    def to_python(self, value) -> list[Category]:
        wanted: list[int] = []
        for raw in value or []:
            if raw in ("", None):
                continue
            try:
                pk = int(raw)
            except (TypeError, ValueError) as error:
                raise ValidationError(self.error_messages["unknown"], code="unknown") from error
            if pk not in wanted:
                wanted.append(pk)
        found = Category.objects.in_bulk(wanted)
        if len(found) != len(wanted):
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return [found[pk] for pk in wanted]

    def has_changed(self, initial, data) -> bool:
        return self.widget.format_value(initial) != self.widget.format_value(data)
