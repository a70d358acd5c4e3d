/** @odoo-module **/
// The aged balance list: its Export XLSX and Print PDF buttons send the list's grouping along
// with its search (which the web client sends already as active_domain), so that the file is
// what the screen shows; and the totals of a grouped list have the digits of the currency.
import { registry } from "@web/core/registry";
import { formatMonetary } from "@web/views/fields/formatters";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { ListRenderer } from "@web/views/list/list_renderer";

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

export class DebtAgedBalanceListRenderer extends ListRenderer {
    // The total of a grouped list is the sum of its groups, which carry no currency: the web
    // client writes it with 2 decimals (55,500,000.00 VND). The model gives the digits of its
    // companies' currency (fields_get), used here as for the groups' own totals.
    get aggregates() {
        const aggregates = super.aggregates;
        const list = this.props.list;
        if (!list.isGrouped || list.selection?.length) {
            return aggregates;
        }
        for (const [name, aggregate] of Object.entries(aggregates)) {
            const field = this.fields[name];
            if (field.type === "monetary" && field.digits && typeof aggregate.value === "string" && aggregate.value !== "—") {
                const total = list.groups.reduce((sum, group) => sum + (group.aggregates[name] || 0), 0);
                aggregate.value = formatMonetary(total, { digits: field.digits });
            }
        }
        return aggregates;
    }
}

registry.category("views").add("debt_aged_balance_list", {
    ...listView,
    Controller: DebtAgedBalanceListController,
    Renderer: DebtAgedBalanceListRenderer,
});
