import { HttpError } from "./http-error.ts";
import { entityOf, type RouteContext, type RouteResult } from "./route-context.ts";
import type { SeedCampaign } from "./sandbox-seed.ts";

/** The campaign named in the URL, by id or by its unique name; Actito's `404` when none. */
function campaignOf(ctx: RouteContext): SeedCampaign {
  const entity = entityOf(ctx, ctx.params[0]!);
  const reference = ctx.params[1]!;
  const byId = /^\d+$/.test(reference) ? entity.campaigns.get(Number(reference)) : undefined;
  const campaign = byId ?? [...entity.campaigns.values()].find((c) => c.name === reference);
  if (!campaign)
    throw new HttpError(404, "NOT_FOUND", `no e-mail campaign ${reference} in entity ${entity.name}`);
  return campaign;
}

/** `GET /email-campaigns/v4/entity/{entity}/mail/{campaign}`: the campaign's description. */
export function getCampaign(ctx: RouteContext): RouteResult {
  const campaign = campaignOf(ctx);
  return {
    status: 200,
    body: {
      campaignId: campaign.id,
      name: campaign.name,
      contentType: "HTML",
      entityOfTarget: ctx.params[0]!,
      supportedLanguages: ["EN"],
      encoding: "UTF-8",
    },
  };
}

/** `GET …/mail/{campaign}/content/body`: the HTML, as `text/html`. */
export function getCampaignBody(ctx: RouteContext): RouteResult {
  return { status: 200, text: { contentType: "text/html; charset=utf-8", body: campaignOf(ctx).html } };
}

/** `POST …/mail/{campaign}/content/body` (sandbox: the HTML as the raw body): replaces the HTML. */
export async function replaceCampaignBody(ctx: RouteContext): Promise<RouteResult> {
  const campaign = campaignOf(ctx);
  campaign.html = (await ctx.readBody(8 << 20)).toString("utf8");
  return { status: 204 };
}
