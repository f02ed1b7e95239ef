import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../src/github/github-error.ts";
import { resolveGitHubContext } from "../../src/github/resolve-github-context.ts";

describe("resolveGitHubContext", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emi-context-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const event = async (payload: unknown) => {
    const path = join(dir, "event.json");
    await writeFile(path, JSON.stringify(payload));
    return path;
  };
  const pr = (number: number, head: string | null, fork = false) => ({
    pull_request: {
      number,
      head: { sha: "a".repeat(40), repo: head === null ? null : { full_name: head, fork } },
      base: { repo: { full_name: "acme/integrations" } },
    },
  });

  it("reads the pull request, head commit and run link of a pull_request event", async () => {
    const context = await resolveGitHubContext({
      GITHUB_REPOSITORY: "acme/integrations",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: await event(pr(7, "acme/integrations")),
      GITHUB_SHA: "b".repeat(40),
      GITHUB_SERVER_URL: "https://ghe.example/",
      GITHUB_RUN_ID: "99",
    });
    expect(context).toEqual({
      owner: "acme",
      repo: "integrations",
      pr: 7,
      sha: "a".repeat(40),
      isFork: false,
      eventName: "pull_request",
      runUrl: "https://ghe.example/acme/integrations/actions/runs/99",
    });
  });

  it("marks a fork's pull request, including one whose fork was deleted", async () => {
    const base = { GITHUB_REPOSITORY: "acme/integrations" };
    for (const payload of [pr(8, "someone/integrations", true), pr(8, "someone/integrations"), pr(8, null)]) {
      const context = await resolveGitHubContext({ ...base, GITHUB_EVENT_PATH: await event(payload) });
      expect(context.isFork).toBe(true);
    }
  });

  it("has no pull request on a push", async () => {
    const context = await resolveGitHubContext({
      GITHUB_REPOSITORY: "acme/integrations",
      GITHUB_EVENT_PATH: await event({ after: "c".repeat(40) }),
      GITHUB_SHA: "c".repeat(40),
    });
    expect(context.pr).toBeUndefined();
    expect(context.sha).toBe("c".repeat(40));
  });

  it("lets --repo and --pr win over the environment, outside Actions too", async () => {
    expect(await resolveGitHubContext({}, { repo: "other/repo", pr: "12" })).toEqual({
      owner: "other",
      repo: "repo",
      pr: 12,
      isFork: false,
    });
  });

  it("throws a GitHubError for a missing repository, a malformed one or a bad number", async () => {
    await expect(resolveGitHubContext({})).rejects.toThrow(/--repo owner\/name/);
    await expect(resolveGitHubContext({}, { repo: "nope" })).rejects.toBeInstanceOf(GitHubError);
    await expect(resolveGitHubContext({}, { repo: "a/b", pr: "x1" })).rejects.toThrow(
      /not a pull request number/,
    );
    await expect(
      resolveGitHubContext({ GITHUB_REPOSITORY: "a/b", GITHUB_EVENT_PATH: join(dir, "missing.json") }),
    ).rejects.toThrow(/cannot read the GitHub event file/);
  });
});
