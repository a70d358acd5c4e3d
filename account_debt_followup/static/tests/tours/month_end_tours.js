/** @odoo-module **/
// Tours of the month-end reports, run by tests/test_month_end_tours.py on data the test creates.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("account_debt_followup_period_summary", {
    steps: () => [
        {
            content: "Open the reporting menu",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open the summary of debts",
            trigger: ".dropdown-item:contains('Summary of Debts')",
            run: "click",
        },
        {
            content: "From the first of March",
            trigger: ".modal div[name=date_from] input",
            run: "edit 03/01/2026",
        },
        {
            content: "To the end of March",
            trigger: ".modal div[name=date_to] input",
            run: "edit 03/31/2026",
        },
        {
            content: "Receivables and payables",
            trigger: ".modal div[name=account_type] input[data-value=all]",
            run: "click",
        },
        {
            content: "Show the summary",
            trigger: ".modal button[name=action_open]",
            run: "click",
        },
        {
            content: "The receivables are grouped on their account, with the closing balance of the period",
            trigger: ".o_group_header:contains('1310'):contains('13,500,000')",
            run: "click",
        },
        {
            content: "The payables too",
            trigger: ".o_group_header:contains('3310'):contains('16,400,000')",
        },
        {
            content: "The customer's row: opening, movements and closing",
            trigger:
                ".o_data_row:contains('Công ty An Phát'):contains('11,000,000'):contains('7,500,000'):contains('5,000,000'):contains('13,500,000')",
        },
        {
            content: "Search the customers of a tag",
            trigger: ".o_searchview_input",
            run: "edit Đại lý",
        },
        {
            content: "Choose the partner tags",
            trigger: ".o_searchview_autocomplete li.o_menu_item:contains('Partner Tags')",
            run: "click",
        },
        {
            content: "Only the customer of that tag is left, its group still open",
            trigger:
                ".o_list_view:not(:has(.o_group_header:contains('3310'))):not(:has(.o_data_row:contains('Cửu Long'))) .o_data_row:contains('Công ty An Phát')",
        },
        {
            content: "Drill down to the customer's items",
            trigger: ".o_data_row:contains('Công ty An Phát') button[name=action_open_items]",
            run: "click",
        },
        {
            content: "The items of the period: the invoice and the payment",
            trigger: ".o_list_view .o_data_row:contains('7,500,000') ~ .o_data_row, .o_list_view .o_data_row ~ .o_data_row:contains('7,500,000')",
        },
        {
            content: "Back to the summary",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot sums the closing debit balances",
            trigger: ".o_pivot td:contains('13,500,000')",
        },
    ],
});
