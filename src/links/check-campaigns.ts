import type { EmailCampaign } from "../actito/types.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { checkCampaignHtml } from "./check-campaign-html.ts";
import type { CampaignCheck, LinkRule } from "./link-check-types.ts";

/** The two campaign reads the check needs (ActitoApi has them; ADR 0002: owned by its user). */
export interface CampaignReader {
  getEmailCampaign(entity: string, campaign: string): Promise<EmailCampaign | null>;
  getEmailCampaignBody(entity: string, campaign: string): Promise<string>;
}

/** A campaign read once: its description and HTML, or why it could not be read. */
type CampaignRead = { campaign: EmailCampaign; html: string } | { error: string };

/**
 * Campaign reads shared by one run (a plan reads each body once, whatever shares the entity), keyed
 * by `<endpoint>/<entity>/<campaign>`.
 */
export type CampaignReadCache = Map<string, Promise<CampaignRead>>;

/** The rule an integration's links are held to; undefined when it declares no `linkDomains`. */
export function linkRuleOf(integration: DesiredIntegration): LinkRule | undefined {
  const links = integration.actito.links;
  if (links === undefined) return undefined;
  return {
    domains: links.domains,
    parameter: links.parameter,
    reaidAttribute: integration.actito.reaidAttribute,
  };
}

async function readCampaign(
  reader: CampaignReader,
  entity: string,
  reference: string,
): Promise<CampaignRead> {
  try {
    const campaign = await reader.getEmailCampaign(entity, reference);
    if (campaign === null) {
      return { error: `Actito has no e-mail campaign ${reference} in entity ${entity} (404)` };
    }
    return { campaign, html: await reader.getEmailCampaignBody(entity, String(campaign.id)) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Checks the campaigns of one integration (`only`, or every declared one): each is read from Actito
 * (once per `cache`) and every link of its HTML to the customer's site is checked. A campaign that
 * cannot be read is reported with Actito's answer, never skipped.
 */
export async function checkIntegrationCampaigns(
  integration: DesiredIntegration,
  reader: CampaignReader,
  options: { only?: readonly string[]; cache?: CampaignReadCache } = {},
): Promise<CampaignCheck[]> {
  const rule = linkRuleOf(integration);
  if (rule === undefined) return [];
  const { endpoint, entity } = integration.actito;
  const cache = options.cache ?? new Map();
  const references = options.only ?? integration.actito.links?.campaigns ?? [];
  const checks: CampaignCheck[] = [];
  for (const reference of references) {
    const key = `${endpoint}/${entity}/${reference}`;
    let read = cache.get(key);
    if (read === undefined) {
      read = readCampaign(reader, entity, reference);
      cache.set(key, read);
    }
    const outcome = await read;
    if ("error" in outcome) {
      checks.push({
        account: integration.account,
        id: null,
        name: reference,
        linksChecked: 0,
        problems: [],
        error: outcome.error,
      });
      continue;
    }
    checks.push({
      account: integration.account,
      id: outcome.campaign.id,
      name: outcome.campaign.name,
      ...checkCampaignHtml(outcome.html, rule),
    });
  }
  return checks;
}

/** A reader for an integration whose key is not available here: every read reports why. */
export function unavailableReader(reason: string): CampaignReader {
  const fail = async (): Promise<never> => {
    throw new Error(reason);
  };
  return { getEmailCampaign: fail, getEmailCampaignBody: fail };
}
