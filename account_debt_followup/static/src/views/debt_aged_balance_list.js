/** @odoo-module **/
// The aged balance list: its Export XLSX and Print PDF buttons send the list's grouping along
// with its search (which the web client sends already as active_domain), so that the file is
// what the screen shows.
import { registry } from "@web/core/registry";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";

const EXPORT_BUTTONS = ["action_export_xlsx", "action_print_pdf"];

export class DebtAgedBalanceListController extends ListController {
    async beforeExecuteActionButton(clickParams) {
        if (EXPORT_BUTTONS.includes(clickParams.name)) {
            clickParams.buttonContext = {
                ...clickParams.buttonContext,
                debt_groupby: this.model.root.groupBy,
            };
        }
        return super.beforeExecuteActionButton(...arguments);
    }
}

registry.category("views").add("debt_aged_balance_list", {
    ...listView,
    Controller: DebtAgedBalanceListController,
});
