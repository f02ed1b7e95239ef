import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../src/github/github-error.ts";
import { APPLY_FAILED_TITLE, reportApply } from "../../src/github/report-apply.ts";
import { planCommentMarker } from "../../src/github/upsert-sticky-comment.ts";
import { FakeGitHub } from "./fake-github.ts";
import {
  ACTITO_KEY,
  type ActionsEnv,
  actionsEnv,
  STORE_PASSWORD,
  testClientOptions,
} from "./github-test-env.ts";

const MERGE_SHA = "abcdef0123456789abcdef0123456789abcdef01";

describe("reportApply", () => {
  let fake: FakeGitHub;
  let actions: ActionsEnv;
  let pr: number;
  const marker = planCommentMarker("acme", "integrations");

  beforeEach(async () => {
    fake = await new FakeGitHub().start();
    pr = fake.addPullRequest({ mergeCommitSha: MERGE_SHA });
    actions = await actionsEnv(fake, { name: "push", payload: { after: MERGE_SHA }, sha: MERGE_SHA });
  });
  afterEach(async () => {
    await fake.stop();
    await actions.cleanup();
  });

  const report = (markdown: string, ok: boolean) =>
    reportApply({ env: actions.env, markdown, ok, clientOptions: testClientOptions });

  it("updates the merged pull request's plan comment to the apply result", async () => {
    fake.addComment(pr, `${marker}\n## emi plan\n\n1 to create`, "github-actions[bot]");
    const result = await report("## emi apply: applied\n\n| 1042 | created |", true);
    expect(result.pr).toBe(pr);
    expect(result.comment?.action).toBe("updated");
    const comments = fake.commentsOn(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("## emi apply: applied\n\n| 1042 | created |");
    expect(comments[0]!.body).toContain("emi apply: applied · commit `abcdef0`");
    expect(fake.issuesLabelled("emi-apply-failed")).toEqual([]);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("opens one emi-apply-failed issue on failure, and comments on it when apply fails again", async () => {
    const first = await report("## emi apply: failed\n\n1042: 401 from Actito", false);
    expect(first.issue?.action).toBe("created");
    const second = await report("## emi apply: failed\n\n1042: 401 from Actito", false);
    expect(second.issue?.number).toBe(first.issue?.number);
    const issues = fake.issuesLabelled("emi-apply-failed", "open");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe(APPLY_FAILED_TITLE);
    expect(issues[0]!.body).toContain("1042: 401 from Actito");
    expect(issues[0]!.body).toContain(`pull request #${pr}`);
    expect(fake.commentsOn(issues[0]!.number).map((c) => c.body)).toEqual([
      expect.stringMatching(/failed again: commit `abcdef0`, pull request #1, \[workflow run\]/),
    ]);
    expect(fake.labels.map((l) => l.name)).toEqual(["emi-apply-failed"]);
  });

  it("closes the emi-apply-failed issue when apply succeeds again", async () => {
    await report("failed", false);
    const result = await report("applied", true);
    expect(result.closedIssues).toHaveLength(1);
    expect(fake.issuesLabelled("emi-apply-failed", "open")).toEqual([]);
  });

  it("comments nowhere but still files the issue after a direct push with no pull request", async () => {
    const direct = await actionsEnv(fake, {
      name: "push",
      payload: {},
      sha: "1111111111111111111111111111111111111111",
    });
    try {
      const result = await reportApply({
        env: direct.env,
        markdown: "failed",
        ok: false,
        clientOptions: testClientOptions,
      });
      expect(result.pr).toBeUndefined();
      expect(result.comment).toBeUndefined();
      expect(result.issue?.action).toBe("created");
      expect(fake.comments).toEqual([]);
    } finally {
      await direct.cleanup();
    }
  });

  it("still opens the issue when the comment fails, then throws naming what failed", async () => {
    fake.fail("POST", /\/issues\/\d+\/comments$/, 403);
    const error = await report("failed", false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect(String(error)).toMatch(
      /reporting the apply to GitHub: posting the emi comment on acme\/integrations#1 failed/,
    );
    expect(fake.issuesLabelled("emi-apply-failed", "open")).toHaveLength(1);
  });

  it("sends no secret to GitHub", async () => {
    await report(`failed: key ${ACTITO_KEY} rejected, store ${actions.env.EMI_STORE}`, false);
    const sent = fake.everythingSent();
    for (const secret of [ACTITO_KEY, STORE_PASSWORD, fake.token]) expect(sent).not.toContain(secret);
    expect(await actions.summary()).not.toContain(ACTITO_KEY);
  });

  it("reports to every pull request merged since the last applied commit, whose own runs were cancelled", async () => {
    const sha = (n: number) => `${String(n).repeat(40)}`.slice(0, 40);
    const applied = fake.addPullRequest({ mergeCommitSha: sha(1) });
    const cancelled = fake.addPullRequest({ mergeCommitSha: sha(2) });
    const head = fake.addPullRequest({ mergeCommitSha: sha(3) });
    fake.addComment(cancelled, `${marker}\n## emi plan\n\n1 to create`, "github-actions[bot]");
    const result = await reportApply({
      env: actions.env,
      markdown: "## emi apply: applied",
      ok: true,
      sha: sha(3),
      since: sha(1),
      clientOptions: testClientOptions,
    });
    expect(result.pr).toBe(head);
    expect(result.earlierPrs).toEqual([cancelled]);
    expect(result.earlierPrsCut).toBeUndefined();
    const [comment] = fake.commentsOn(cancelled);
    expect(fake.commentsOn(cancelled)).toHaveLength(1);
    expect(comment!.body).toContain("## emi apply: applied");
    expect(comment!.body).toContain(
      `applied with the changes merged up to commit \`3333333\` (pull request #${head})`,
    );
    expect(fake.commentsOn(applied)).toEqual([]);
    expect(fake.unknownRoutes).toEqual([]);
  });
});
