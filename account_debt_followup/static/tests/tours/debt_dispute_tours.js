/** @odoo-module **/
// The collector's path through a dispute, run by tests/test_dispute_tour.py on data the test creates.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("account_debt_followup_collector_dispute", {
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
            content: "The customer disputes the debt",
            trigger: ".modal div[name=outcome] input[data-value=dispute]",
            run: "click",
        },
        {
            content: "What was said",
            trigger: ".modal div[name=note] textarea",
            run: "edit Two chairs arrived broken",
        },
        {
            content: "Pick the invoice discussed",
            trigger: ".modal div[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The disputed invoice",
            trigger: ".modal .o_list_renderer .o_data_row td.o_data_cell",
            run: "click",
        },
        {
            content: "It is in the call",
            trigger: ".modal div[name=line_ids] .o_data_row",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "Open the customer's disputes",
            trigger: "body:not(:has(.modal)) button[name=action_debt_open_disputes]",
            run: "click",
        },
        {
            content: "The dispute opened from the call",
            trigger: ".o_data_row:contains('DSP/') td.o_data_cell",
            run: "click",
        },
        {
            content: "The customer accepts the debt in the end: release the dispute",
            trigger: ".o_form_statusbar button[name=action_release]",
            run: "click",
        },
        {
            content: "The dispute is resolved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')",
        },
    ],
});
