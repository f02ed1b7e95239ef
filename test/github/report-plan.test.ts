import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../src/github/github-error.ts";
import { reportPlan } from "../../src/github/report-plan.ts";
import { planCommentMarker } from "../../src/github/upsert-sticky-comment.ts";
import { FakeGitHub } from "./fake-github.ts";
import {
  ACTITO_KEY,
  type ActionsEnv,
  actionsEnv,
  planMarkdown,
  pullRequestEvent,
  STORE_PASSWORD,
  testClientOptions,
} from "./github-test-env.ts";

describe("reportPlan", () => {
  let fake: FakeGitHub;
  let actions: ActionsEnv;
  let pr: number;
  const marker = planCommentMarker("acme", "integrations");

  beforeEach(async () => {
    fake = await new FakeGitHub().start();
    pr = fake.addPullRequest();
    actions = await actionsEnv(fake, { name: "pull_request", payload: pullRequestEvent(fake, pr) });
  });
  afterEach(async () => {
    await fake.stop();
    await actions.cleanup();
  });

  const report = (markdown: string, extra: Partial<Parameters<typeof reportPlan>[0]> = {}) =>
    reportPlan({ env: actions.env, markdown, clientOptions: testClientOptions, ...extra });

  it("creates the plan comment on the first run and edits it on the second", async () => {
    const first = await report("## emi plan\n\n1 to create");
    expect(first.comment?.action).toBe("created");
    const second = await report("## emi plan\n\n2 to create");
    expect(second.comment).toMatchObject({ action: "updated", id: first.comment!.id });
    const comments = fake.commentsOn(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`${marker}\n## emi plan\n\n2 to create`);
    expect(comments[0]!.body).toContain(
      "emi plan · commit `feedfac` · [workflow run](https://github.example/acme/integrations/actions/runs/4242)",
    );
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("writes the plan to the step summary too", async () => {
    const result = await report("## emi plan\n\nno changes");
    expect(result.summary.written).toBe(true);
    expect(await actions.summary()).toBe("## emi plan\n\nno changes\n");
  });

  it("removes a duplicate left by a concurrent run", async () => {
    fake.addComment(pr, `${marker}\nold`, "github-actions[bot]");
    fake.addComment(pr, `${marker}\nolder duplicate`, "github-actions[bot]");
    const result = await report("## emi plan");
    expect(result.comment?.deleted).toBe(1);
    expect(fake.commentsOn(pr)).toHaveLength(1);
  });

  it("keeps a 200-integration plan under GitHub's limit with a link to the run", async () => {
    await report(planMarkdown(200));
    const body = fake.commentsOn(pr)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("**200 to create**");
    expect(body).toMatch(
      /Truncated.*\(\[workflow run\]\(https:\/\/github\.example\/acme\/integrations\/actions\/runs\/4242\)\)/s,
    );
  });

  it("fails with a GitHubError when the comment cannot be posted", async () => {
    fake.fail("POST", /\/comments$/, 500);
    const error = await report("## emi plan").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect(String(error)).toMatch(
      /posting the emi comment on acme\/integrations#1 failed: GitHub answered 500/,
    );
    // The retry was tried once before giving up.
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(2);
  });

  it("fails when there is no token", async () => {
    actions.env.GITHUB_TOKEN = undefined;
    await expect(report("## plan")).rejects.toThrow(/GITHUB_TOKEN is not set/);
  });

  it("fails when there is no pull request to comment on", async () => {
    const push = await actionsEnv(fake, { name: "push", payload: { after: "x" } });
    try {
      await expect(
        reportPlan({ env: push.env, markdown: "p", clientOptions: testClientOptions }),
      ).rejects.toThrow(/--comment needs a pull request/);
    } finally {
      await push.cleanup();
    }
  });

  it("comments on --repo/--pr outside Actions", async () => {
    const other = fake.addPullRequest();
    const env = { GITHUB_TOKEN: fake.token, GITHUB_API_URL: fake.url };
    const result = await reportPlan({
      env,
      markdown: "## plan",
      repo: "acme/integrations",
      pr: other,
      clientOptions: testClientOptions,
    });
    expect(result.comment?.action).toBe("created");
    expect(fake.commentsOn(other)).toHaveLength(1);
    expect(result.summary.written).toBe(false);
  });

  it("does not fail a fork's pull request whose read-only token cannot comment, and says so", async () => {
    const fork = await actionsEnv(fake, {
      name: "pull_request",
      payload: pullRequestEvent(fake, pr, { fork: true }),
    });
    fake.fail("POST", /\/comments$/, 403, Number.POSITIVE_INFINITY, "Resource not accessible by integration");
    try {
      const result = await reportPlan({
        env: fork.env,
        markdown: "## offline plan",
        clientOptions: testClientOptions,
      });
      expect(result.comment).toBeUndefined();
      expect(result.skipped).toMatch(/fork.*read-only.*step summary/);
      expect(await fork.summary()).toContain("## offline plan");
    } finally {
      await fork.cleanup();
    }
  });

  it("still fails a same-repository pull request whose token is refused", async () => {
    fake.fail("POST", /\/comments$/, 403);
    await expect(report("## plan")).rejects.toThrow(/403/);
  });

  it("sends no secret to GitHub and writes none to the summary, even when the Markdown carries one by mistake", async () => {
    await report(planMarkdown(3, { secret: `oops ${ACTITO_KEY} and ${STORE_PASSWORD}` }));
    const sent = fake.everythingSent();
    expect(sent).toContain("oops ***");
    for (const secret of [ACTITO_KEY, STORE_PASSWORD, fake.token]) {
      expect(sent).not.toContain(secret);
      expect(await actions.summary()).not.toContain(secret);
    }
    // The token travels in the authorization header and nowhere else.
    expect(fake.requests.every((r) => r.headers.authorization === `token ${fake.token}`)).toBe(true);
  });

  it("puts no token into the error when the post fails", async () => {
    fake.fail("POST", /\/comments$/, 401);
    const error = (await report("## plan").catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(fake.token);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(fake.token);
  });
});
