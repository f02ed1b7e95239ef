import { readFile } from "node:fs/promises";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { Declared } from "../types/declared.ts";
import type { Diagnostic, Severity } from "../types/diagnostic.ts";
import type { CampaignCheck, LinkRule } from "./link-check-types.ts";
import { explainProblem } from "./check-href.ts";
import type { DiagnosticCode } from "../types/diagnostic-code.ts";

/** Diagnostic codes of the campaign link check. */
export const LINK_CODES = {
  /** A link to the customer's site without `<linkParameter>=${<reaidAttribute>}`. */
  linkWithoutReaid: "link-without-reaid",
  /** A declared campaign that Actito did not answer for. */
  campaignUnreadable: "campaign-unreadable",
} as const satisfies Record<string, DiagnosticCode>;

/** Where a declaration lists its campaigns: the line of each item, and of the `campaigns` key. */
async function campaignLines(
  file: string,
  cwd: string,
): Promise<{ key: number; items: Map<string, number> } | undefined> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), "utf8");
  } catch {
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const actito = doc.get("actito", true);
  if (!isMap(actito)) return undefined;
  const pair = actito.items.find((item) => String((item.key as { value?: unknown })?.value) === "campaigns");
  if (pair === undefined) return undefined;
  const keyOffset = (pair.key as { range?: [number, number] }).range?.[0] ?? 0;
  const items = new Map<string, number>();
  if (isSeq(pair.value)) {
    for (const item of pair.value.items) {
      const node = item as { value?: unknown; range?: [number, number] };
      if (node.range !== undefined) items.set(String(node.value), lineCounter.linePos(node.range[0]).line);
    }
  }
  return { key: lineCounter.linePos(keyOffset).line, items };
}

/**
 * The link check's findings as diagnostics on the declaration's `campaigns` line (the campaign's own
 * item when it was named there): one per link problem, one per campaign that could not be read.
 */
export async function linkDiagnostics(
  checks: readonly CampaignCheck[],
  declared: readonly Declared[],
  options: { cwd: string; severity: Severity },
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const lines = new Map<string, Awaited<ReturnType<typeof campaignLines>>>();
  for (const check of checks) {
    const declaration = declared.find((d) => d.integration.account === check.account);
    if (declaration === undefined) continue;
    if (!lines.has(declaration.file))
      lines.set(declaration.file, await campaignLines(declaration.file, options.cwd));
    const where = lines.get(declaration.file);
    const line =
      where?.items.get(check.name) ??
      (check.id !== null ? where?.items.get(String(check.id)) : undefined) ??
      where?.key ??
      1;
    const base = { file: declaration.file, line, column: 1, path: "/actito/campaigns" };
    const label = check.id === null ? `campaign ${check.name}` : `campaign ${check.id} "${check.name}"`;
    if (check.error !== undefined) {
      diagnostics.push({
        ...base,
        code: LINK_CODES.campaignUnreadable,
        severity: "error",
        message: `${label} could not be read: ${check.error}`,
      });
      continue;
    }
    const links = declaration.integration.actito.links;
    const rule: LinkRule = {
      domains: links?.domains ?? [],
      parameter: links?.parameter ?? "reaid",
      reaidAttribute: declaration.integration.actito.reaidAttribute,
    };
    for (const problem of check.problems) {
      diagnostics.push({
        ...base,
        code: LINK_CODES.linkWithoutReaid,
        severity: options.severity,
        message: `${label}, HTML line ${problem.line}: ${problem.problem} — ${problem.href} (${explainProblem(problem, rule)})`,
      });
    }
  }
  return diagnostics;
}
