#!/usr/bin/env bash
# make i18n: export account_debt_followup.pot from a database with the module installed, merge it
# into every .po of the module (new terms come in empty, gone terms become obsolete), and list
# what is left to translate.
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${I18N_DB:-adf_i18n}"
I18N_DIR="$PROJECT_ROOT/account_debt_followup/i18n"
CONF=$(write_odoo_conf i18n.conf "workers = 0")
ensure_database "$DB" "$CONF"   # with demo data: its translatable records are terms too
odoo_python -m odoo -c "$CONF" -d "$DB" --modules=account_debt_followup --log-level=warn \
    --i18n-export="$I18N_DIR/account_debt_followup.pot" --stop-after-init
odoo_python - "$I18N_DIR" <<'PY'
import pathlib, sys
import polib
i18n = pathlib.Path(sys.argv[1])
pot = polib.pofile(str(i18n / "account_debt_followup.pot"))
for path in sorted(i18n.glob("*.po")):
    po = polib.pofile(str(path))
    po.merge(pot)
    po.save()
    todo = [e.msgid for e in po if not e.translated() and not e.obsolete]
    print(f"{path.name}: {len(po.translated_entries())} translated, {len(todo)} to translate")
    for msgid in todo:
        print("   ", msgid.replace("\n", " ")[:100])
PY
