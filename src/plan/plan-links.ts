import type { ConnectActito } from "../actito/connect-actito.ts";
import { type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import { type CampaignReadCache, checkIntegrationCampaigns } from "../links/check-campaigns.ts";
import type { CampaignCheck } from "../links/link-check-types.ts";
import { LINK_CODES } from "../links/link-diagnostics.ts";
import type { Declared } from "../types/declared.ts";
import type { ChangeProblem } from "./plan-types.ts";

/** At most this many campaigns of one integration are read per plan (the schema allows no more). */
const MAX_CAMPAIGNS_PER_PLAN = 20;

/**
 * Reads the declared campaigns of every integration whose key is here and checks their links: the
 * facts of the moment that plan and drift show. Each campaign body is read once per run. An
 * integration without its key here (a fork's pull request) is not checked; nothing is written.
 */
export async function checkPlanLinks(options: {
  declared: readonly Declared[];
  secrets: Secrets;
  connect: ConnectActito;
}): Promise<Map<number, CampaignCheck[]>> {
  const results = new Map<number, CampaignCheck[]>();
  const cache: CampaignReadCache = new Map();
  const resolve = secretResolver(options.secrets);
  for (const { integration } of options.declared) {
    const campaigns = integration.actito.links?.campaigns ?? [];
    if (campaigns.length === 0) continue;
    const secret = await resolve(integration.actito.apiKey.secretRef);
    if (!secret.ok) continue;
    const client = options.connect({
      endpoint: integration.actito.endpoint,
      apiKey: secret.value,
      entity: integration.actito.entity,
      account: integration.account,
    });
    try {
      results.set(
        integration.account,
        await checkIntegrationCampaigns(integration, client, {
          only: campaigns.slice(0, MAX_CAMPAIGNS_PER_PLAN),
          cache,
        }),
      );
    } finally {
      await client.close();
    }
  }
  return results;
}

/**
 * The plan's problems for one integration's campaign checks: one `link-without-reaid` per campaign
 * with problems, one `campaign-unreadable` per campaign Actito did not answer for. Warnings, or
 * errors with `--strict-links` (apply then leaves the integration unchanged).
 */
export function linkProblems(checks: readonly CampaignCheck[], strict: boolean): ChangeProblem[] {
  const severity = strict ? "error" : "warning";
  const problems: ChangeProblem[] = [];
  for (const check of checks) {
    const label = check.id === null ? `campaign ${check.name}` : `campaign ${check.id} "${check.name}"`;
    if (check.error !== undefined) {
      problems.push({
        severity,
        code: LINK_CODES.campaignUnreadable,
        message: `${label} could not be read: ${check.error}`,
      });
      continue;
    }
    if (check.problems.length === 0) continue;
    const kinds = new Map<string, number>();
    for (const p of check.problems) kinds.set(p.problem, (kinds.get(p.problem) ?? 0) + 1);
    const detail = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
    const first = check.problems[0]!;
    problems.push({
      severity,
      code: LINK_CODES.linkWithoutReaid,
      message:
        `${label}: ${check.problems.length} of ${check.linksChecked} links to the site do not carry the REAID ` +
        `(${detail}; first at HTML line ${first.line})`,
      hint: "run emi links check for every link and what to write",
    });
  }
  return problems;
}

/** Problem codes that are facts of the moment: they never make a saved plan stale. */
export const LINK_PROBLEM_CODES: ReadonlySet<string> = new Set(Object.values(LINK_CODES));
