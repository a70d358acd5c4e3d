# The two commands of this project are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
ODOO_VENV ?= /opt/odoo/venv
ODOO_SRC ?= /opt/odoo/18.0
export ODOO_VENV ODOO_SRC

DEV_STAMP := .local/dev-deps.stamp
# OCA queue_job for the glue module account_debt_followup_queue: its wheel, without its
# dependencies (Odoo's own), in an ignored folder added to the addons path by tools/lib.sh.
# 18.0.1.7.0 exactly: later releases need odoo.api.private, which this 18.0 does not have.
QUEUE_JOB_VERSION := 18.0.1.7.0
QUEUE_JOB_STAMP := .local/oca/queue_job-$(QUEUE_JOB_VERSION).stamp

.PHONY: demo test lint readme stop dev-deps i18n bench screenshots

demo: $(DEV_STAMP) $(QUEUE_JOB_STAMP)  ## embedded PostgreSQL + demo database + Odoo on http://localhost:8069
	@tools/demo.sh

test: $(DEV_STAMP) $(QUEUE_JOB_STAMP)  ## fresh database, module installed, all tests (pytest-odoo), uninstall
	@tools/test.sh

lint: $(DEV_STAMP)  ## ruff + pylint-odoo mandatory checks + README.rst freshness
	@tools/lint.sh

readme:  ## regenerate account_debt_followup/README.rst from readme/ fragments
	@python3 tools/gen_readme.py

stop:  ## stop the embedded PostgreSQL cluster
	@tools/pg.sh stop

dev-deps: $(DEV_STAMP)

# Dev tools go into the Odoo virtualenv; installed again when requirements-dev.txt changes.
$(DEV_STAMP): requirements-dev.txt
	@if [ ! -x "$(ODOO_VENV)/bin/pip" ]; then \
	    echo "ERROR: no virtualenv at ODOO_VENV=$(ODOO_VENV) (ODOO_SRC=$(ODOO_SRC))." >&2; \
	    echo "       Install Odoo 18.0 by hand first: see README.md, Prerequisites." >&2; exit 1; fi
	"$(ODOO_VENV)/bin/pip" install -q -r requirements-dev.txt
	@mkdir -p .local && touch $@

$(QUEUE_JOB_STAMP):
	@if [ ! -x "$(ODOO_VENV)/bin/pip" ]; then \
	    echo "ERROR: no virtualenv at ODOO_VENV=$(ODOO_VENV) (ODOO_SRC=$(ODOO_SRC))." >&2; exit 1; fi
	rm -rf .local/oca && mkdir -p .local/oca
	"$(ODOO_VENV)/bin/pip" install -q --no-deps --target .local/oca 'odoo-addon-queue_job==$(QUEUE_JOB_VERSION)'
	@touch $@

i18n: $(DEV_STAMP) $(QUEUE_JOB_STAMP)  ## export each module's .pot from a fresh database and merge it into its i18n/*.po
	@tools/i18n.sh

bench: $(DEV_STAMP) $(QUEUE_JOB_STAMP)  ## generated data set (10k customers, 200k lines), the measures of README.md, OCA peers side by side when installed
	@tools/bench.sh

screenshots: $(DEV_STAMP) $(QUEUE_JOB_STAMP)  ## the main screens of the demo database: README.md's screenshots
	@tools/screenshots.sh
