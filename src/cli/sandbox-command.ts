import { type Command, Option } from "commander";
import { stringify } from "yaml";
import { defaultSeed } from "../sandbox/default-seed.ts";
import { startSandbox } from "../sandbox/start-sandbox.ts";
import type { CommandContext } from "./command-context.ts";
import { untilStopped } from "./until-stopped.ts";

interface SandboxFlags {
  port: string;
  host: string;
  seed?: string;
  printSeed?: boolean;
}

/** The default data set as a seed file to start from (`emi sandbox --print-seed > sandbox.yaml`). */
function defaultSeedYaml(): string {
  return (
    "# The data emi sandbox serves without --seed: edit it and pass it with --seed FILE.\n" +
    "# Schema: schemas/sandbox-seed.schema.json (shipped with emi).\n" +
    stringify(defaultSeed, { lineWidth: 0 })
  );
}

/**
 * `emi sandbox`: runs the Actito stand-in. The first line of stdout is the base URL (for
 * `EMI_ACTITO_URL`); a summary of licences goes to stderr, never the API keys.
 */
export function registerSandboxCommand(program: Command, ctx: CommandContext): void {
  program
    .command("sandbox")
    .description("run the Actito stand-in (sandbox) on a port until interrupted")
    .addOption(new Option("--port <port>", "port to listen on; 0 picks a free one").default("4010"))
    .addOption(new Option("--host <host>", "address to listen on").default("127.0.0.1"))
    .option("--seed <file>", "YAML seed file (schemas/sandbox-seed.schema.json); default data set without it")
    .option("--print-seed", "print the default data set as a YAML seed file to start from, and exit")
    .action(async (flags: SandboxFlags) => {
      if (flags.printSeed) {
        ctx.io.stdout.write(defaultSeedYaml());
        return;
      }
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        program.error(`error: --port must be an integer from 0 to 65535`, { exitCode: 2 });
      }
      const stopped = untilStopped();
      const sandbox = await startSandbox({ port, host: flags.host, seed: flags.seed });
      ctx.io.stdout.write(`${sandbox.url}\n`);
      const { tables } = sandbox.stats();
      for (const [table, { profiles }] of Object.entries(tables)) {
        ctx.io.stderr.write(`  table ${table}: ${profiles} profiles\n`);
      }
      ctx.io.stderr.write(`emi sandbox: serving the Actito API at ${sandbox.url}; stop with Ctrl-C\n`);
      await stopped;
      await sandbox.close();
    });
}
