#!/usr/bin/env bash
# make lint: ruff, pylint-odoo's mandatory checks, and README.rst up to date with readme/.
source "$(dirname "$0")/lib.sh"
find_odoo
cd "$PROJECT_ROOT"
info "ruff"
odoo_python -m ruff check .
odoo_python -m ruff format --check .
info "pylint-odoo (mandatory checks)"
odoo_python -m pylint --rcfile=.pylintrc account_debt_followup account_debt_followup_stock account_debt_followup_queue
info "README.rst generated from readme/"
odoo_python tools/gen_readme.py --check
