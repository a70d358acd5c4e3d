# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

MODULE = "account_debt_followup"


@tagged("post_install", "-at_install")
class TestVietnamese(TransactionCase):
    def test_vi_po_translates_every_term_of_the_module(self):
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE])
        terms = {
            source for module, _type, _name, _res_id, source, _value, _comments in reader if module == MODULE
        }
        self.assertTrue(terms, "the module has no translatable term: the reader found nothing")
        po = polib.pofile(file_path(f"{MODULE}/i18n/vi.po"))
        translated = {entry.msgid for entry in po if entry.translated() and not entry.obsolete}
        missing = sorted(terms - translated)
        self.assertFalse(
            missing, "terms missing from i18n/vi.po (run `make i18n`, then translate):\n%s" % missing
        )

    def test_screens_and_messages_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["vi_VN"], overwrite=True)
        env_vi = self.env(context={"lang": "vi_VN"})
        field = env_vi["ir.model.fields"]._get("res.partner", "debt_exposure")
        self.assertEqual(field.field_description, "Dư nợ rủi ro")
        partner = env_vi["res.partner"].create({"name": "Công ty TNHH Minh An"})
        action = partner.action_open_debt_items()
        self.assertEqual(action["name"], "Khoản mục chưa thanh toán của Công ty TNHH Minh An")
