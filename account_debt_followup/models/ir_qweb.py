# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from lxml import etree

from odoo import models


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Odoo compiles an inline template (a mail template's body) again at each rendering,
        once a customer. The scheduled reminder run renders a template for a whole batch of
        customers at once (``_debt_followup_batch_render``): with the context key
        ``debt_followup_compiled`` (a dict kept for that rendering), the same source is compiled
        once, under the same cache keys as Odoo's own compiled views (language...)."""
        compiled = self.env.context.get("debt_followup_compiled")
        if compiled is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        context = self.env.context
        key = (
            etree.tostring(template),
            tuple(context.get(name) for name in self._get_template_cache_keys()),
            # what else the compiler reads of the context
            context.get("raise_on_forbidden_code_for_model"),
            context.get("preserve_comments"),
            context.get("dev_mode"),
            str(context.get("nsmap")),
        )
        if key not in compiled:
            compiled[key] = super()._compile(template)
        return compiled[key]
