import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";

async function script(shell: string): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(["node", "emi", "completion", shell], io);
  return { code, out: io.out(), err: io.err() };
}

/** What bash completes for the words typed so far (the last one being completed). */
async function completeInBash(words: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "emi-completion-"));
  try {
    await writeFile(join(dir, "emi.bash"), (await script("bash")).out);
    const run = spawnSync(
      "bash",
      [
        "-c",
        `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _emi; printf '%s\\n' "\${COMPREPLY[@]}"`,
        "bash",
        join(dir, "emi.bash"),
        ...words,
      ],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    return run.stdout.split("\n").filter((line) => line !== "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("emi completion", () => {
  it("completes commands, subcommands and their options in bash", async () => {
    expect(await completeInBash(["emi", "pl"])).toEqual(["plan"]);
    expect(await completeInBash(["emi", "in"])).toEqual(["init"]);
    expect(await completeInBash(["emi", "state", ""])).toEqual(["show", "--help"]);
    expect(await completeInBash(["emi", "state", "show", "--fo"])).toEqual(["--format"]);
    expect(await completeInBash(["emi", "serve", "--port", "80", "--metrics"])).toEqual(["--metrics-port"]);
    expect(await completeInBash(["emi", "init", "--emi"])).toEqual(["--emi-spec"]);
  });

  it.each(["bash", "zsh", "fish"])("prints a %s script naming every command", async (shell) => {
    const { code, out, err } = await script(shell);
    expect(err).toBe("");
    expect(code).toBe(0);
    for (const command of [
      "validate",
      "plan",
      "apply",
      "sync",
      "drift",
      "init",
      "demo",
      "serve",
      "completion",
    ])
      expect(out, command).toContain(command);
    if (shell === "fish") expect(out).toContain("complete -c emi -f -n '__fish_use_subcommand' -a init");
    if (shell === "zsh") expect(out.split("\n")[0]).toBe("#compdef emi");
  });

  it("refuses another shell with a usage error", async () => {
    const { code, err } = await script("tcsh");
    expect(code).toBe(2);
    expect(err).toContain("Allowed choices are bash, zsh, fish");
  });
});
