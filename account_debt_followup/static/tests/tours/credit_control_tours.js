/** @odoo-module **/
// Tours of credit control, run by tests/test_tours.py on data the test creates.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("account_debt_followup_salesperson_blocked", {
    steps: () => [
        {
            content: "The quotation says credit control blocks it, with the customer's figures",
            trigger: "div[name=debt_credit_blocked]:contains('Credit control blocks this order.')",
        },
        {
            content: "What blocks the order is in the red block, without the warning",
            trigger: "div[name=debt_credit_blocked]:contains('Over credit limit'):not(:contains('Watch big orders'))",
        },
        {
            content: "The warning is in its own block, without what blocks",
            trigger: "div[name=debt_credit_warning]:visible:contains('Watch big orders'):not(:contains('Over credit limit'))",
        },
        {
            content: "The banner shows the credit limit",
            trigger: "div[name=debt_credit_banner]:contains('Credit limit')",
        },
        {
            content: "Try to confirm the quotation",
            trigger: ".o_form_statusbar button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "Credit control refuses, saying why and who can approve",
            trigger: ".modal .modal-body:contains('cannot be confirmed'):contains('Tour Credit Boss')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Ask for a credit approval",
            trigger: ".o_form_statusbar button[name=action_debt_request_approval]",
            run: "click",
        },
        {
            content: "The approval is requested",
            trigger: "div[name=debt_credit_blocked]:contains('Approval requested.')",
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_manager_approves", {
    steps: () => [
        {
            content: "Open the approval",
            trigger: ".o_form_statusbar button[name=action_debt_open_approval_wizard]",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Customer paid a deposit by bank transfer this morning",
        },
        {
            content: "Approve and confirm",
            trigger: ".modal button[name=action_approve_and_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_collector_reminds", {
    steps: () => [
        {
            content: "The customer is in the worklist, in need of action",
            trigger: ".o_data_row:contains('Tour Late Payer') .badge:contains('In Need of Action')",
        },
        {
            content: "Open the customer",
            trigger: ".o_data_row:contains('Tour Late Payer') td.o_data_cell",
            run: "click",
        },
        {
            content: "Open the credit and follow-up tab",
            trigger: ".o_notebook a:contains('Credit & Follow-up')",
            run: "click",
        },
        {
            content: "Send a reminder",
            trigger: "button[name=action_debt_send_reminder]",
            run: "click",
        },
        {
            content: "The reminder is ready: send it",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The reminder is in the follow-up history",
            trigger: "div[name=debt_followup_history_ids] .o_data_row:contains('Email')",
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_collector_promise_and_statement", {
    steps: () => [
        {
            content: "Open the credit and follow-up tab",
            trigger: ".o_notebook a:contains('Credit & Follow-up')",
            run: "click",
        },
        {
            content: "Record what the customer promised",
            trigger: "button[name=action_debt_record_promise]",
            run: "click",
        },
        {
            content: "The amount promised",
            trigger: ".modal div[name=amount] input",
            run: "edit 300",
        },
        {
            content: "The date promised",
            trigger: ".modal div[name=promised_date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "What the customer said",
            trigger: ".modal div[name=note] textarea",
            run: "edit The accountant will pay by transfer before the end of the year",
        },
        {
            content: "Save the promise",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The promise shows on the customer",
            trigger: "div[name=debt_promise_ids] .o_data_row:contains('300.00')",
        },
        {
            content: "Open the statement",
            trigger: "button:contains('Statement')",
            run: "click",
        },
        {
            content: "Send it by email",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The statement is queued",
            trigger: ".modal div[name=result]:contains('Statements queued for 1 customers.')",
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_collector_calls_and_prints", {
    steps: () => [
        {
            content: "Open the credit and follow-up tab",
            trigger: ".o_notebook a:contains('Credit & Follow-up')",
            run: "click",
        },
        {
            content: "Log the call just made",
            trigger: "button:contains('Log a Call')",
            run: "click",
        },
        {
            content: "The customer promised to pay",
            trigger: ".modal div[name=outcome] input[data-value=promise]",
            run: "click",
        },
        {
            content: "How much",
            trigger: ".modal div[name=promised_amount] input",
            run: "edit 250",
        },
        {
            content: "By when",
            trigger: ".modal div[name=promised_date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "What was said",
            trigger: ".modal div[name=note] textarea",
            run: "edit Spoke with the chief accountant, transfer next week",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "The call shows in the follow-up history",
            trigger: "body:not(:has(.modal)) div[name=debt_followup_history_ids] .o_data_row:contains('Call')",
        },
        {
            content: "Open the statement",
            trigger: "button:contains('Statement')",
            run: "click",
        },
        {
            content: "Print it",
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        {
            content: "The PDF was downloaded and the dialog closed, without an error",
            trigger: "body:not(:has(.modal)):not(:has(.o_error_dialog)) .o_notebook a:contains('Credit & Follow-up')",
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_followup_collector_reminds_a_selection", {
    steps: () => [
        {
            content: "Select the first late payer",
            trigger: ".o_data_row:contains('Tour Selected One') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the second late payer",
            trigger: ".o_data_row:contains('Tour Selected Two') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Send the reminders they are due for",
            trigger: "button[name=action_debt_send_due_reminders]",
            run: "click",
        },
        {
            content: "Both were sent",
            trigger: ".o_notification:contains('2 reminders sent')",
        },
    ],
});
