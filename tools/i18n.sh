#!/usr/bin/env bash
# make i18n: export each module's .pot from a FRESH database with the modules installed (a
# database that was only updated keeps the old text of records loaded with noupdate, such as
# the mail templates), merge it into every .po of the module (new terms come in empty, gone
# terms become obsolete), and list what is left to translate.
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${I18N_DB:-adf_i18n}"
MODULES="${I18N_MODULES:-account_debt_followup account_debt_followup_stock account_debt_followup_queue}"
CONF=$(write_odoo_conf i18n.conf "workers = 0")
info "fresh database '$DB' for the export"
psql_cmd -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
rm -rf "$LOCAL_DIR/data/filestore/$DB"
# with demo data: its translatable records are terms too; with l10n_vn and payment_demo as in
# `make test`, whose demo data makes records of this module (the demo payment provider)
odoo_python -m odoo -c "$CONF" -d "$DB" -i "${MODULES// /,},l10n_vn,payment_demo" --stop-after-init --log-level=warn \
    || die "the database '$DB' could not be created"
for module in $MODULES; do
    i18n_dir="$PROJECT_ROOT/$module/i18n"
    mkdir -p "$i18n_dir"
    odoo_python -m odoo -c "$CONF" -d "$DB" --modules="$module" --log-level=warn \
        --i18n-export="$i18n_dir/$module.pot" --stop-after-init
    odoo_python - "$i18n_dir" "$module" <<'PY'
import pathlib, sys
import polib
i18n, module = pathlib.Path(sys.argv[1]), sys.argv[2]
pot = polib.pofile(str(i18n / f"{module}.pot"))
for path in sorted(i18n.glob("*.po")):
    po = polib.pofile(str(path))
    po.merge(pot)
    po.save()
    todo = [e.msgid for e in po if not e.translated() and not e.obsolete]
    print(f"{module}/{path.name}: {len(po.translated_entries())} translated, {len(todo)} to translate")
    for msgid in todo:
        print("   ", msgid.replace("\n", " ")[:100])
PY
done
