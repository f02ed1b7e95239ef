import { canonicalJson } from "./plan-basis.ts";
import type { Change, Plan } from "./plan-types.ts";
import { LINK_PROBLEM_CODES } from "./plan-links.ts";

/**
 * What apply relies on in a change: everything but the live counts and the wording of messages.
 * A saved change planned without the secret (a fork) could not know Actito's side: apply checks that
 * itself during activation, so only the declared side is compared.
 */
function essence(change: Change, checked: boolean): unknown {
  const declared = (view: Change["after"]) =>
    view && !checked ? { ...view, profileTableId: null, profileTable: null, apiKey: null } : view;
  return {
    action: change.action,
    sisters: change.sisters,
    takeover: change.takeover ?? null,
    before: change.before,
    after: declared(change.after),
    differences: change.differences.map((d) => d.field).filter((f) => checked || f !== "apiKey"),
    ...(checked
      ? {
          syncAfter: change.syncAfter,
          // Link findings are facts of the moment: a campaign fixed or broken since does not make the plan stale.
          problems: change.problems
            .filter((p) => !LINK_PROBLEM_CODES.has(p.code))
            .map((p) => `${p.severity}:${p.code}`)
            .sort(),
        }
      : {}),
  };
}

/**
 * How the plan apply computes now (under the lock) differs from a saved plan, as sentences; empty
 * when apply would do exactly what the saved plan shows. Live counts (profiles to write) may move.
 */
export function planChangeDifferences(saved: Plan, current: Plan): string[] {
  const out: string[] = [];
  if (saved.repo !== current.repo) out.push(`the repository is ${current.repo}, not ${saved.repo}`);
  // Apply without --allow-deactivate blocks what the plan allowed (it does less); never the reverse.
  if (!saved.options.allowDeactivate && current.options.allowDeactivate) {
    out.push(
      "the plan was made without --allow-deactivate and apply runs with it: make the plan with --allow-deactivate",
    );
  }
  const before = new Map(saved.changes.map((c) => [c.account, c]));
  const now = new Map(current.changes.map((c) => [c.account, c]));
  for (const account of [...new Set([...before.keys(), ...now.keys()])].sort((a, b) => a - b)) {
    const a = before.get(account);
    const b = now.get(account);
    if (!a) out.push(`${account}: apply would ${b?.action}, which the saved plan does not show`);
    else if (!b) out.push(`${account}: the saved plan's ${a.action} is no longer planned`);
    else if (a.blocked && !b.blocked) out.push(`${account}: the saved plan shows it blocked`);
    else if (
      canonicalJson(essence(a, a.live?.secretAvailable !== false)) !==
      canonicalJson(essence(b, a.live?.secretAvailable !== false))
    ) {
      out.push(`${account}: the ${a.action} apply would make now differs from the saved plan`);
    }
  }
  return out;
}
