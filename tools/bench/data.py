"""The generated data set: customers over two companies, invoices in two currencies, payments
partially reconciled with them, confirmed orders not invoiced, written with bulk SQL once per
database (a marker in ir.config_parameter keeps it between runs)."""

import time

from odoo import SUPERUSER_ID
from odoo.tools import SQL

from .common import INVOICES, MARKER, ORDERS, PARTNERS, PAYMENTS, log


def generate(env):
    started = time.time()
    Company = env["res.company"]
    company_a = env.ref("base.main_company")
    company_b = Company.search([("name", "=", "Bench Company B")], limit=1) or Company.create(
        {"name": "Bench Company B", "currency_id": company_a.currency_id.id}
    )
    for company in company_a | company_b:
        if not env["account.journal"].search_count([("company_id", "=", company.id), ("type", "=", "sale")]):
            env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    eur = env.ref("base.EUR")
    eur.active = True
    for company in company_a | company_b:
        env["res.currency.rate"].create(
            {"name": "2000-01-01", "rate": 2.0, "currency_id": eur.id, "company_id": company.id}
        )
    log(f"companies and currencies ready ({time.time() - started:.0f} s)")

    # no creation message nor follower for each customer: minutes at 100,000 customers
    partners = (
        env["res.partner"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            [
                {"name": f"Bench Customer {i:05d}", "is_company": True, "email": f"c{i}@bench.example"}
                for i in range(PARTNERS)
            ]
        )
    )
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET credit_limit = jsonb_build_object(%s, 50000.0) WHERE id = ANY(%s)",
            str(company_a.id),
            partners.ids,
        )
    )
    log(f"{PARTNERS} customers ({time.time() - started:.0f} s)")
    product = env["product.product"].create(
        {"name": "Bench service", "type": "service", "invoice_policy": "order"}
    )
    env.flush_all()
    # the rows below are consistent by construction: no foreign key checked row by row (a
    # superuser's setting, for this transaction only)
    env.cr.execute("SET LOCAL session_replication_role = replica")
    for index, company in enumerate(company_a | company_b):
        _generate_company(env, company, partners.ids, eur, product, index)
        log(f"company {company.name}: invoices, payments, orders ({time.time() - started:.0f} s)")
    env.cr.execute("SET LOCAL session_replication_role = origin")
    Level = env["debt.followup.level"]
    template = env.ref("account_debt_followup.mail_template_followup_reminder")
    for delay in (0, 15, 60):
        Level.create(
            {
                "name": f"Bench {delay}",
                "delay": delay,
                "company_id": company_a.id,
                "mail_template_id": template.id,
            }
        )
    env["debt.credit.rule"].create(
        {"name": "Bench limit", "rule_type": "credit_limit", "action": "block", "company_id": company_a.id}
    )
    env.cr.execute("ANALYZE")
    env["ir.config_parameter"].set_param(MARKER, f"{PARTNERS}/{INVOICES}/{PAYMENTS}/{ORDERS}")
    log(f"data set generated in {time.time() - started:.0f} s")


def _generate_company(env, company, partner_ids, eur, product, index):
    """Half of the volumes in each company, with bulk SQL."""
    invoices, payments, orders = INVOICES // 2, PAYMENTS // 2, ORDERS // 2
    accounts = env["account.account"].with_company(company)
    domain = env["account.account"]._check_company_domain(company)
    receivable = accounts.search([*domain, ("account_type", "=", "asset_receivable")], limit=1)
    income = accounts.search([*domain, ("account_type", "=", "income")], limit=1)
    sale_journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    bank_journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    usd = company.currency_id
    params = {
        "company": company.id,
        "journal": sale_journal.id,
        "bank_journal": bank_journal.id,
        "bank_account": bank_journal.default_account_id.id,
        "receivable": receivable.id,
        "income": income.id,
        "usd": usd.id,
        "eur": eur.id,
        "partners": partner_ids,
        "n_partners": len(partner_ids),
        "invoices": invoices,
        "payments": payments,
        "orders": orders,
        "prefix": f"BENCH{index}",
        "product": product.id,
        "product_name": product.name,
        "uom": product.uom_id.id,
        "user": SUPERUSER_ID,
    }
    cr = env.cr
    # invoices: one in five in EUR (rate 2); amounts 100..9999; issued over the last year, due 30 days later
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, auto_post, journal_id, company_id, currency_id,
                                      partner_id, commercial_partner_id, date, invoice_date, invoice_date_due,
                                      amount_untaxed, amount_total, amount_residual, amount_untaxed_signed,
                                      amount_total_signed, amount_residual_signed, payment_state,
                                      create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || '/INV/' || g, 'out_invoice', 'posted', 'no', %(journal)s, %(company)s,
                   CASE WHEN mod(g, 5) = 0 THEN %(eur)s ELSE %(usd)s END,
                   (%(partners)s::int[])[1 + mod(g, %(n_partners)s)], (%(partners)s::int[])[1 + mod(g, %(n_partners)s)],
                   CURRENT_DATE - (mod(g, 365)), CURRENT_DATE - (mod(g, 365)), CURRENT_DATE - (mod(g, 365)) + 30,
                   100 + mod(g::bigint * 7919, 9900), 100 + mod(g::bigint * 7919, 9900), 100 + mod(g::bigint * 7919, 9900),
                   (100 + mod(g::bigint * 7919, 9900)) / CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                   (100 + mod(g::bigint * 7919, 9900)) / CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                   (100 + mod(g::bigint * 7919, 9900)) / CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                   'not_paid', %(user)s, %(user)s, NOW(), NOW()
              FROM generate_series(1, %(invoices)s) g
            """,
            **params,
        )
    )
    for kind in ("receivable", "income"):
        sign = SQL("1") if kind == "receivable" else SQL("-1")
        cr.execute(
            SQL(
                """
                INSERT INTO account_move_line (move_id, move_name, journal_id, company_id, company_currency_id,
                                               currency_id, account_id, partner_id, date, date_maturity, name,
                                               display_type, parent_state, balance, debit, credit,
                                               amount_currency, amount_residual, amount_residual_currency,
                                               reconciled, quantity, price_unit, price_subtotal, price_total,
                                               create_uid, write_uid, create_date, write_date)
                SELECT move.id, move.name, move.journal_id, move.company_id, %(usd)s, move.currency_id,
                       %(account)s, move.partner_id, move.date, move.invoice_date_due, %(label)s,
                       %(display)s, 'posted',
                       %(sign)s * move.amount_total_signed,
                       CASE WHEN %(sign)s > 0 THEN move.amount_total_signed ELSE 0 END,
                       CASE WHEN %(sign)s < 0 THEN move.amount_total_signed ELSE 0 END,
                       %(sign)s * move.amount_total,
                       CASE WHEN %(sign)s > 0 THEN move.amount_total_signed ELSE 0 END,
                       CASE WHEN %(sign)s > 0 THEN move.amount_total ELSE 0 END,
                       FALSE, 1, move.amount_total, move.amount_total, move.amount_total,
                       %(user)s, %(user)s, NOW(), NOW()
                  FROM account_move move
                 WHERE move.company_id = %(company)s AND move.name LIKE %(like)s
                """,
                **params,
                account=params[kind],
                label="Bench invoice" if kind == "receivable" else "Bench service",
                display="payment_term" if kind == "receivable" else "product",
                sign=sign,
                like=f"{params['prefix']}/INV/%",
            )
        )
    # what was just written, counted for the planner (it joins row by row what it thinks is empty)
    cr.execute("ANALYZE account_move, account_move_line")
    # payments: 40% of the first invoices in USD, partially reconciled with them. Three statements
    # on the tables themselves, not one chained through CTEs: the planner knows nothing of a CTE's
    # rows and joined the inserted lines with the inserted moves in a nested loop, quadratic in
    # the number of payments (an hour at 100,000 customers)
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, auto_post, journal_id, company_id, currency_id,
                                      partner_id, commercial_partner_id, date, amount_total, amount_total_signed,
                                      create_uid, write_uid, create_date, write_date, ref)
            SELECT %(prefix)s || '/PAY/' || targets.line_id, 'entry', 'posted', 'no', %(bank_journal)s,
                   %(company)s, %(usd)s, targets.partner_id, targets.partner_id, targets.date + 20, targets.paid,
                   targets.paid, %(user)s, %(user)s, NOW(), NOW(), targets.line_id::text
              FROM (
                SELECT line.id AS line_id, line.partner_id, line.date, ROUND(line.balance * 0.4, 2) AS paid
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE move.company_id = %(company)s AND move.name LIKE %(like)s
                   AND line.account_id = %(receivable)s AND move.currency_id = %(usd)s
              ORDER BY line.id LIMIT %(payments)s
              ) targets
            """,
            **params,
            like=f"{params['prefix']}/INV/%",
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (move_id, journal_id, company_id, company_currency_id, currency_id,
                                           account_id, partner_id, date, date_maturity, name, display_type,
                                           parent_state, balance, debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled,
                                           create_uid, write_uid, create_date, write_date)
            SELECT moves.id, %(bank_journal)s, %(company)s, %(usd)s, %(usd)s, account.id, moves.partner_id,
                   moves.date, moves.date, 'Bench payment', 'product', 'posted',
                   CASE WHEN account.id = %(receivable)s THEN -moves.amount_total ELSE moves.amount_total END,
                   CASE WHEN account.id = %(receivable)s THEN 0 ELSE moves.amount_total END,
                   CASE WHEN account.id = %(receivable)s THEN moves.amount_total ELSE 0 END,
                   CASE WHEN account.id = %(receivable)s THEN -moves.amount_total ELSE moves.amount_total END,
                   0, 0, account.id = %(receivable)s, %(user)s, %(user)s, NOW(), NOW()
              FROM account_move moves CROSS JOIN (VALUES (%(receivable)s), (%(bank_account)s)) AS account(id)
             WHERE moves.company_id = %(company)s AND moves.name LIKE %(pay_like)s
            """,
            **params,
            pay_like=f"{params['prefix']}/PAY/%",
        )
    )
    cr.execute("ANALYZE account_move, account_move_line")
    cr.execute(
        SQL(
            """
            INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                                   credit_amount_currency, company_id, debit_currency_id,
                                                   credit_currency_id, max_date, create_uid, write_uid,
                                                   create_date, write_date)
            SELECT moves.ref::int, lines.id, moves.amount_total, moves.amount_total, moves.amount_total,
                   %(company)s, %(usd)s, %(usd)s, moves.date, %(user)s, %(user)s, NOW(), NOW()
              FROM account_move moves
              JOIN account_move_line lines ON lines.move_id = moves.id AND lines.account_id = %(receivable)s
             WHERE moves.company_id = %(company)s AND moves.name LIKE %(pay_like)s
            """,
            **params,
            pay_like=f"{params['prefix']}/PAY/%",
        )
    )
    cr.execute("ANALYZE account_partial_reconcile")
    cr.execute(
        SQL(
            """
            UPDATE account_move_line line
               SET amount_residual = line.balance - partial.amount,
                   amount_residual_currency = line.amount_currency - partial.amount
              FROM account_partial_reconcile partial
             WHERE partial.debit_move_id = line.id AND partial.company_id = %(company)s;
            UPDATE account_move move
               SET amount_residual = line.amount_residual, amount_residual_signed = line.amount_residual,
                   payment_state = 'partial'
              FROM account_move_line line
             WHERE line.move_id = move.id AND line.account_id = %(receivable)s
               AND line.amount_residual < line.balance AND move.company_id = %(company)s
            """,
            **params,
        )
    )
    # confirmed orders not invoiced, one line each
    cr.execute(
        SQL(
            """
            WITH orders AS (
                INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id, partner_shipping_id,
                                        date_order, state, currency_id, currency_rate, amount_untaxed,
                                        amount_total, amount_tax, invoice_status, create_uid, write_uid,
                                        create_date, write_date)
                SELECT %(prefix)s || '/SO/' || g, %(company)s, partner, partner, partner,
                       NOW() - make_interval(days => mod(g, 60)), 'sale', %(usd)s, 1.0,
                       100 + mod(g::bigint * 104729, 4900), 100 + mod(g::bigint * 104729, 4900), 0, 'to invoice',
                       %(user)s, %(user)s, NOW(), NOW()
                  FROM (SELECT g, (%(partners)s::int[])[1 + mod(g * 31, %(n_partners)s)] AS partner
                          FROM generate_series(1, %(orders)s) g) source
             RETURNING id, amount_total
            )
            INSERT INTO sale_order_line (order_id, name, product_id, product_uom, product_uom_qty, price_unit,
                                         price_subtotal, price_total, price_tax, qty_invoiced, qty_delivered,
                                         qty_to_invoice, customer_lead, currency_id, company_id, state,
                                         is_downpayment, untaxed_amount_to_invoice, create_uid, write_uid,
                                         create_date, write_date)
            SELECT orders.id, %(product_name)s, %(product)s, %(uom)s, 1, orders.amount_total, orders.amount_total,
                   orders.amount_total, 0, 0, 0, 1, 0, %(usd)s, %(company)s, 'sale', FALSE, orders.amount_total,
                   %(user)s, %(user)s, NOW(), NOW()
              FROM orders
            """,
            **params,
        )
    )
