import { type Command, Option } from "commander";
import { connectActito } from "../actito/connect-actito.ts";
import { readSecret, secretSourceFrom } from "../config/resolve-secret.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import { renderDiagnosticsGithub } from "../github/render-diagnostics-github.ts";
import {
  type CampaignReader,
  checkIntegrationCampaigns,
  linkRuleOf,
  unavailableReader,
} from "../links/check-campaigns.ts";
import type { LinkReport, LinkRule } from "../links/link-check-types.ts";
import { linkDiagnostics } from "../links/link-diagnostics.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import type { CommandContext } from "./command-context.ts";
import { dirOption, formatOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { renderLinkReportText } from "./render-link-report.ts";

interface LinksCheckFlags {
  dir: string;
  account?: string;
  campaign: string[];
  format: "text" | "json" | "github";
}

/** `emi links check`: every newsletter link to the customer's site carries the REAID (exit 0 clean, 1 problems, 2 usage). */
export function registerLinksCommand(program: Command, ctx: CommandContext): void {
  const links = program.command("links").description("check the links of Actito e-mail campaigns");
  links
    .command("check")
    .description(
      "read the declared campaigns from Actito and check that every link to linkDomains carries linkParameter=<reaid value> (exit 0 clean, 1 problems or unreadable, 2 usage)",
    )
    .addOption(dirOption())
    .addOption(new Option("--account <account>", "only the integration of this account (owner or sister)"))
    .addOption(
      new Option(
        "--campaign <campaign>",
        "check this campaign (id or unique name) instead of the declared ones; repeatable",
      )
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([]),
    )
    .addOption(formatOption(["text", "json", "github"]))
    .action(async (flags: LinksCheckFlags, command: Command) => {
      const { io } = ctx;
      const usage = (message: string): never =>
        command.error(`error: ${message}`, { exitCode: ExitCode.usage });
      const validation = await validateDirectory(flags.dir, { cwd: io.cwd });
      if (validation.diagnostics.some((d) => d.severity === "error")) {
        io.stderr.write(`error: the declarations in ${flags.dir} are not valid: run emi validate\n`);
        ctx.exitCode = ExitCode.error;
        return;
      }
      const integrations = selectIntegrations(
        validation.declared.map((d) => d.integration),
        flags,
        usage,
      );
      const secrets = secretSourceFrom(validation.repository, io.env, io.cwd);
      const connect = connectActito(io.env);
      const report: LinkReport = { formatVersion: 1, campaigns: [] };
      const rules = new Map<number, LinkRule>();
      for (const integration of integrations) {
        const rule = linkRuleOf(integration);
        if (rule !== undefined) rules.set(integration.account, rule);
        const secret = await readSecret(integration.actito.apiKey.secretRef, secrets);
        let reader: CampaignReader;
        let close = async () => {};
        if (secret.ok) {
          const client = connect({
            endpoint: integration.actito.endpoint,
            apiKey: secret.value,
            entity: integration.actito.entity,
            account: integration.account,
          });
          reader = client;
          close = () => client.close();
        } else {
          reader = unavailableReader(`the API key is not available here: ${secret.message}`);
        }
        try {
          report.campaigns.push(
            ...(await checkIntegrationCampaigns(integration, reader, {
              ...(flags.campaign.length > 0 ? { only: flags.campaign } : {}),
            })),
          );
        } finally {
          await close();
        }
      }
      if (flags.format === "json") io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (flags.format === "github") {
        const diagnostics = await linkDiagnostics(report.campaigns, validation.declared, {
          cwd: io.cwd,
          severity: "error",
        });
        io.stdout.write(renderDiagnosticsGithub({ files: validation.files, diagnostics }));
        io.stderr.write(renderLinkReportText(report, rules));
      } else io.stdout.write(renderLinkReportText(report, rules));
      const failed = report.campaigns.some((c) => c.error !== undefined || c.problems.length > 0);
      ctx.exitCode = failed ? ExitCode.error : ExitCode.ok;
    });
}

/** The integrations to check: `--account`'s, or every one that declares campaigns (or has link domains, with `--campaign`). */
function selectIntegrations(
  all: DesiredIntegration[],
  flags: LinksCheckFlags,
  usage: (message: string) => never,
): DesiredIntegration[] {
  if (flags.account !== undefined) {
    const account = Number(flags.account);
    if (!/^\d+$/.test(flags.account) || !Number.isSafeInteger(account) || account < 1)
      usage(`--account expects a Raptor account number, got ${flags.account}`);
    const integration = all.find((i) => i.account === account || i.sisterAccounts.includes(account));
    if (integration === undefined) return usage(`no declaration covers account ${flags.account}`);
    if (integration.actito.links === undefined)
      usage(
        `account ${flags.account} declares no actito.linkDomains: there is nothing to check links against`,
      );
    if (flags.campaign.length === 0 && integration.actito.links?.campaigns.length === 0)
      usage(`account ${flags.account} declares no actito.campaigns: name one with --campaign`);
    return [integration];
  }
  if (flags.campaign.length > 0) {
    const withDomains = all.filter((i) => i.actito.links !== undefined);
    if (withDomains.length !== 1)
      usage(
        withDomains.length === 0
          ? "no declaration has actito.linkDomains: there is nothing to check links against"
          : "several declarations have actito.linkDomains: say which with --account",
      );
    return withDomains;
  }
  return all.filter((i) => (i.actito.links?.campaigns.length ?? 0) > 0);
}
