import { getCampaign, getCampaignBody, replaceCampaignBody } from "./campaign-routes.ts";
import { importStatus, startImport } from "./import-routes.ts";
import { getProfile, listProfiles, patchProfile, upsertProfile } from "./profile-routes.ts";
import type { RouteContext, RouteResult } from "./route-context.ts";
import { changeTable, getTable, listEntities, listTables } from "./table-routes.ts";
import {
  changeSubscription,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
} from "./webhook-routes.ts";

/** One Actito route: path segments in parentheses are captured and passed as `params`. */
export interface Route {
  method: string;
  path: RegExp;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

const seg = "([^/]+)";
const tables = `/profile-table-structure/v5/entities/${seg}/profile-tables`;
const profiles = `/profiles/v5/entities/${seg}/profile-tables/${seg}/profiles`;
const imports = `/mass-imports/v5/entities/${seg}/etl-executions`;
const webhooks = `/webhooks/v4/entity/${seg}/webhookSubscription`;
const campaigns = `/email-campaigns/v4/entity/${seg}/mail/${seg}`;

/** The routes of docs/actito-model.md except `/auth/token`, which the request pipeline answers itself. */
export const actitoRoutes: readonly Route[] = [
  { method: "GET", path: /^\/entities\/v5\/entities$/, handle: listEntities },
  { method: "GET", path: new RegExp(`^${tables}$`), handle: listTables },
  { method: "GET", path: new RegExp(`^${tables}/${seg}$`), handle: getTable },
  { method: "POST", path: new RegExp(`^${tables}/${seg}/change-requests$`), handle: changeTable },
  { method: "GET", path: new RegExp(`^${profiles}$`), handle: listProfiles },
  { method: "PUT", path: new RegExp(`^${profiles}$`), handle: upsertProfile },
  { method: "GET", path: new RegExp(`^${profiles}/${seg}$`), handle: getProfile },
  { method: "PATCH", path: new RegExp(`^${profiles}/${seg}$`), handle: patchProfile },
  { method: "POST", path: new RegExp(`^${imports}$`), handle: startImport },
  { method: "GET", path: new RegExp(`^${imports}/${seg}$`), handle: importStatus },
  { method: "POST", path: new RegExp(`^${webhooks}$`), handle: createSubscription },
  { method: "GET", path: new RegExp(`^${webhooks}$`), handle: listSubscriptions },
  { method: "GET", path: new RegExp(`^${webhooks}/${seg}$`), handle: getSubscription },
  { method: "PUT", path: new RegExp(`^${webhooks}/${seg}$`), handle: changeSubscription },
  { method: "DELETE", path: new RegExp(`^${webhooks}/${seg}$`), handle: deleteSubscription },
  { method: "GET", path: new RegExp(`^${campaigns}$`), handle: getCampaign },
  { method: "GET", path: new RegExp(`^${campaigns}/content/body$`), handle: getCampaignBody },
  { method: "POST", path: new RegExp(`^${campaigns}/content/body$`), handle: replaceCampaignBody },
];
