"""The tables of the results file: ours, and side by side with the OCA peers."""

from .common import PDF_PARTNERS, duration, ratio, worded


def comparison(ours, oca, status):
    """The side by side table: ``[(measure, ours, OCA peer, theirs, ours/theirs)]``."""
    table = []

    def add(measure, our_text, module, key, their_text, ratio_text):
        """``their_text(figures)`` and ``ratio_text(figures)`` unless the module or measure failed."""
        if status[module] != "installed":
            table.append((measure, our_text, module, status[module], "—"))
        elif "error" in oca[key]:
            table.append((measure, our_text, module, oca[key]["error"], "—"))
        else:
            table.append((measure, our_text, module, their_text(oca[key]), ratio_text(oca[key])))

    check = ours["check"]
    add(
        "credit check at confirmation, 100 quotations",
        f"p50 {duration(check['p50'])}, p95 {duration(check['p95'])}, {worded(check['queries'])}",
        "sale_financial_risk",
        "check",
        lambda t: (
            f"p50 {duration(t['p50'])}, p95 {duration(t['p95'])}, {worded(t['queries'])} "
            f"({t['exceeded']} of {t['orders']} over the limit)"
        ),
        lambda t: f"p50 {ratio(check['p50'], t['p50'])}, p95 {ratio(check['p95'], t['p95'])}",
    )
    status_all, cron = ours["status_all"], ours["cron"]
    add(
        "follow-up run: who is due, at which level",
        f"{duration(status_all['time'])} for {status_all['customers']} customers, "
        f"{worded(status_all['queries'])} (worklist query, nothing written)",
        "account_credit_control",
        "run",
        lambda t: (
            f"{duration(t['time'])}, {worded(t['queries'])}: a run writing {t['lines']} credit lines "
            f"of {t['customers']} customers"
        ),
        lambda t: ratio(status_all["time"], t["time"]),
    )
    if cron.get("customers"):
        per_customer = cron["time"] / cron["customers"]
        add(
            "reminder e-mails, no PDF, queued",
            f"{duration(cron['time'])} for {cron['customers']} customers, {duration(per_customer)} each "
            "(the cron: level, e-mail, history)",
            "account_credit_control",
            "emails",
            lambda t: (
                f"{duration(t['time'])} for {t['customers']} customers, {duration(t['time'] / t['customers'])} "
                f"each (the run's button: {t['communications']} communications e-mailed)"
                if t["customers"]
                else "no customer with an overdue item"
            ),
            lambda t: ratio(per_customer, t["time"] / t["customers"]) if t["customers"] else "—",
        )
    for key, who in (("one", "1 customer"), ("all", "all customers")):
        values = ours[f"values_{key}"]
        add(
            f"statement values (open items, aging), {who}",
            f"{duration(values['time'])}, {worded(values['queries'])}, {values['rows']} items",
            "partner_statement",
            f"values_{key}",
            lambda t: f"{duration(t['time'])}, {worded(t['queries'])}, {t['rows']} items",
            lambda t, values=values: ratio(values["time"], t["time"]),
        )

    def xlsx_text(figures, key):
        """The time, and the speed in rows/s of a whole book (one customer's is all overhead)."""
        if not figures["rows"]:
            return duration(figures["time"])
        speed = f", {figures['rows'] / figures['time']:,.0f} rows/s" if key == "all" else ""
        return f"{duration(figures['time'])} ({figures['rows']} rows{speed})"

    for key, who in (("one", "1 customer"), ("all", "all customers")):
        xlsx = ours[f"xlsx_{key}"]
        add(
            f"statement XLSX, {who}",
            xlsx_text(xlsx, key),
            "partner_statement",
            f"xlsx_{key}",
            lambda t, key=key: xlsx_text(t, key),
            lambda t, xlsx=xlsx: ratio(xlsx["time"], t["time"]),
        )
    for key, who in (("one", "1 customer"), ("several", f"{PDF_PARTNERS} customers")):
        pdf = ours[f"pdf_{key}"]
        add(
            f"statement PDF, {who}",
            duration(pdf["time"])
            + (" (one wkhtmltopdf run, split per customer, merged)" if key == "several" else ""),
            "partner_statement",
            f"pdf_{key}",
            lambda t, key=key: duration(t["time"]) + (" (one wkhtmltopdf run)" if key == "several" else ""),
            lambda t, pdf=pdf: ratio(pdf["time"], t["time"]),
        )
    return table


def table(title, header, rows):
    return [
        title,
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows],
    ]
