/** @odoo-module **/
// Every print, preview and export button of the module, clicked as a credit controller clicks
// it, in any language: the selectors name no label. tests/test_print_tours.py runs them in
// English and in Vietnamese and checks what the server sent to the browser.
import { registry } from "@web/core/registry";
import { download } from "@web/core/network/download";

// The web client downloads a report with download(): count the downloads that succeeded, on the
// body, for the next steps to wait for them (a failed one shows an error dialog instead).
function countDownloads() {
    return {
        content: "Count the files the browser downloads",
        trigger: "body",
        run() {
            if (download._debtCounted) {
                return;
            }
            const original = download._download;
            download._download = async (options) => {
                const result = await original(options);
                document.body.dataset.debtDownloads = String(Number(document.body.dataset.debtDownloads || 0) + 1);
                return result;
            };
            download._debtCounted = true;
            document.body.dataset.debtDownloads = "0";
        },
    };
}

function downloaded(count, content) {
    return {
        content: content || `The browser got file ${count}, without an error`,
        trigger: `body[data-debt-downloads='${count}']:not(:has(.o_error_dialog))`,
        timeout: 60000, // wkhtmltopdf, one run per customer, on a busy machine
    };
}

function openStatementWizard() {
    return [
        {
            content: "Open the statement dialog",
            trigger: ".o_form_view button:has(.fa-file-text-o)",
            run: "click",
        },
        {
            content: "The dialog is open",
            trigger: ".modal div[name=statement_type]",
        },
    ];
}

registry.category("web_tour.tours").add("account_debt_followup_print_from_customers", {
    steps: () => [
        countDownloads(),
        {
            content: "Find the tour's customers",
            trigger: ".o_searchview_input",
            run: "edit Tour Print",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Both customers are listed",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
        {
            content: "Select them all",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Print menu",
            trigger: ".o_cp_action_menus button:has(.fa-print)",
            run: "click",
        },
        {
            content: "Print the customer statement (the only report of customers)",
            trigger: ".o-dropdown--menu .dropdown-item",
            run: "click",
        },
        downloaded(1, "The statements of both customers were downloaded"),
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_print_from_customer", {
    steps: () => [
        countDownloads(),
        {
            content: "Open the credit and follow-up tab",
            trigger: ".o_notebook a[name=debt_followup]",
            run: "click",
        },
        ...openStatementWizard(),
        {
            content: "Print the open items",
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        downloaded(1, "The statement of open items was downloaded"),
        {
            content: "and the dialog closed",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
        ...openStatementWizard(),
        {
            content: "Choose the account activity of a period",
            trigger: ".modal div[name=statement_type] input[data-value=activity]",
            run: "click",
        },
        {
            content: "From the first day of 2020 (the same in every date format)",
            trigger: ".modal div[name=date_from] input",
            run: "edit 01/01/2020",
        },
        {
            content: "Print the activity",
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        downloaded(2, "The activity statement was downloaded"),
        {
            content: "and the dialog closed",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
        ...openStatementWizard(),
        {
            content: "Export the open items to a spreadsheet",
            trigger: ".modal button[name=action_xlsx]",
            run: "click",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Send a reminder",
            trigger: "body:not(:has(.modal)) button[name=action_debt_send_reminder]",
            run: "click",
        },
        {
            content: "Preview the letter",
            trigger: ".modal button[name=action_preview_letter]",
            run: "click",
        },
        downloaded(3, "The letter was downloaded"),
        {
            content: "The reminder dialog is still open, not replaced by another one",
            trigger: ".modal button[name=action_send]",
        },
        {
            content: "Discard the reminder",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Back on the customer",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_print_aged_balance", {
    steps: () => [
        countDownloads(),
        {
            content: "The aged receivable is filtered on receivables",
            trigger: ".o_searchview .o_facet_value",
        },
        {
            content: "Filter on one customer",
            trigger: ".o_searchview_input",
            run: "edit Tour Print Alpha",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "This customer is listed",
            trigger: ".o_list_view .o_group_header:contains('Tour Print Alpha')",
        },
        {
            content: "and no other",
            trigger: ".o_list_view:not(:has(.o_group_header:contains('Tour Print Beta')))",
        },
        {
            content: "Export the list to a spreadsheet, nothing selected",
            trigger: ".o_control_panel button[name=action_export_xlsx]",
            run: "click",
        },
        {
            content: "Print it, nothing selected",
            trigger: ".o_control_panel button[name=action_print_pdf]",
            run: "click",
        },
        downloaded(1, "The aged balance was downloaded"),
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_print_netting", {
    steps: () => [
        countDownloads(),
        {
            content: "Print the netting minute",
            trigger: ".o_form_view button[name=action_print]",
            run: "click",
        },
        downloaded(1, "The netting minute was downloaded"),
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_print_confirmation", {
    steps: () => [
        countDownloads(),
        {
            content: "Open the actions menu of the minute",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Print the debt confirmation (the only report of minutes)",
            trigger: ".o-dropdown--menu .o_menu_item:has(.fa-print)",
            run: "click",
        },
        downloaded(1, "The debt confirmation was downloaded"),
    ],
});
