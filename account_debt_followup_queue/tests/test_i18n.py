# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

MODULE = "account_debt_followup_queue"


@tagged("post_install", "-at_install")
class TestVietnamese(TransactionCase):
    def test_vi_po_translates_every_term_of_the_module(self):
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE])
        terms = {
            source for module, _type, _name, _res_id, source, _value, _comments in reader if module == MODULE
        }
        self.assertTrue(terms, "the module has no translatable term: the reader found nothing")
        for name in ("account_debt_followup_queue.pot", "vi.po"):
            po = polib.pofile(file_path(f"{MODULE}/i18n/{name}"))
            self.assertEqual(terms, {entry.msgid for entry in po if not entry.obsolete}, name)
        po = polib.pofile(file_path(f"{MODULE}/i18n/vi.po"))
        self.assertFalse(terms - {entry.msgid for entry in po if entry.translated()}, "untranslated terms")

    def test_the_job_is_described_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        Partner = self.env["res.partner"].with_context(lang="vi_VN")
        self.assertEqual(
            Partner.env._("Debt follow-up: a batch of the %(kind)s run of %(period)s", kind="x", period="y"),
            "Theo dõi công nợ: một đợt của lượt chạy x ngày y",
        )
