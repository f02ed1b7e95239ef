import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/github/create-github-client.ts";
import { GitHubError } from "../../src/github/github-error.ts";
import { planCommentMarker, upsertStickyComment } from "../../src/github/upsert-sticky-comment.ts";
import { FakeGitHub } from "./fake-github.ts";
import { planMarkdown, testClientOptions } from "./github-test-env.ts";

describe("upsertStickyComment", () => {
  let fake: FakeGitHub;
  let client: GitHubClient;
  let pr: number;
  const marker = planCommentMarker("acme", "integrations");

  beforeEach(async () => {
    fake = await new FakeGitHub().start();
    client = createGitHubClient({ token: fake.token, baseUrl: fake.url, ...testClientOptions });
    pr = fake.addPullRequest();
  });
  afterEach(() => fake.stop());

  const post = (body: string) =>
    upsertStickyComment(client, { owner: "acme", repo: "integrations", issueNumber: pr, marker, body });

  it("creates the comment when the pull request has none of ours", async () => {
    fake.addComment(pr, "Looks good to me");
    const result = await post("## plan one");
    expect(result.action).toBe("created");
    const ours = fake.commentsOn(pr).filter((c) => c.body.startsWith(marker));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toBe(`${marker}\n## plan one`);
    expect(fake.commentsOn(pr)).toHaveLength(2);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("edits the same comment in place when run a second time", async () => {
    const first = await post("## plan one");
    const second = await post("## plan two");
    expect(second).toMatchObject({ action: "updated", id: first.id, deleted: 0 });
    const ours = fake.commentsOn(pr).filter((c) => c.body.startsWith(marker));
    expect(ours.map((c) => c.body)).toEqual([`${marker}\n## plan two`]);
    expect(fake.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("does not write when the comment already says the same", async () => {
    await post("## same");
    await post("## same");
    expect(fake.requests.filter((r) => r.method !== "GET")).toHaveLength(1);
  });

  it("deletes duplicates and keeps the oldest when several comments carry the marker", async () => {
    const oldest = fake.addComment(pr, `${marker}\nold plan`, "github-actions[bot]");
    fake.addComment(pr, "a person's comment");
    fake.addComment(pr, `${marker}\nduplicate from a concurrent run`, "github-actions[bot]");
    const result = await post("## new plan");
    expect(result).toMatchObject({ action: "updated", id: oldest.id, deleted: 1 });
    expect(fake.commentsOn(pr).map((c) => c.body)).toEqual([`${marker}\n## new plan`, "a person's comment"]);
  });

  it("ignores another repository's emi comment and a comment that only quotes the marker", async () => {
    fake.addComment(pr, `${planCommentMarker("acme", "other")}\nplan of another repo`);
    fake.addComment(pr, `see the plan above ${marker}`);
    await post("## plan");
    expect(fake.commentsOn(pr)).toHaveLength(3);
  });

  it("neither edits nor deletes another user's comment that starts with the marker", async () => {
    const planted = fake.addComment(pr, `${marker}\nplanted by someone else`, "mallory");
    const second = fake.addComment(pr, `${marker}\nanother planted one`, "mallory");
    const result = await post("## plan");
    expect(result.action).toBe("created");
    const comments = fake.commentsOn(pr);
    expect(comments.find((c) => c.id === planted.id)?.body).toBe(`${marker}\nplanted by someone else`);
    expect(comments.find((c) => c.id === second.id)?.body).toBe(`${marker}\nanother planted one`);
    expect(comments.filter((c) => c.user === "github-actions[bot]")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "PATCH" || r.method === "DELETE")).toEqual([]);
  });

  it("recognises its own comments by the token's user when the token is a personal one", async () => {
    await fake.stop();
    fake = await new FakeGitHub({ authenticatedUser: "emi-bot" }).start();
    client = createGitHubClient({ token: fake.token, baseUrl: fake.url, ...testClientOptions });
    pr = fake.addPullRequest();
    const actionsComment = fake.addComment(pr, `${marker}\nby the Actions bot`, "github-actions[bot]");
    const ours = fake.addComment(pr, `${marker}\nold plan`, "emi-bot");
    const result = await post("## plan");
    expect(result).toMatchObject({ action: "updated", id: ours.id, deleted: 0 });
    expect(fake.commentsOn(pr).find((c) => c.id === actionsComment.id)?.body).toBe(
      `${marker}\nby the Actions bot`,
    );
    expect(fake.requests.some((r) => r.method === "GET" && r.path === "/user")).toBe(true);
  });

  it("finds our comment on a later page when the pull request has many comments", async () => {
    fake.maxPerPage = 5;
    for (let i = 0; i < 12; i++) fake.addComment(pr, `chatter ${i}`);
    fake.addComment(pr, `${marker}\nold plan`, "github-actions[bot]");
    const result = await post("## new plan");
    expect(result.action).toBe("updated");
    expect(fake.commentsOn(pr).filter((c) => c.body.startsWith(marker))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "GET").length).toBeGreaterThanOrEqual(3);
  });

  it("stays under GitHub's limit with a truncation note when the plan covers 200 integrations", async () => {
    const body = planMarkdown(200);
    expect(body.length).toBeGreaterThan(65_536);
    const result = await upsertStickyComment(client, {
      owner: "acme",
      repo: "integrations",
      issueNumber: pr,
      marker,
      body,
      artifactUrl: "https://github.example/acme/integrations/actions/runs/4242",
      footer: "<sub>emi plan</sub>",
    });
    expect(result.truncated).toBe(true);
    const posted = fake.commentsOn(pr)[0]!.body;
    expect(posted.length).toBeLessThanOrEqual(65_536);
    expect(posted).toContain("**200 to create**");
    expect(posted).toContain("| 2199 | create | new declaration |");
    expect(posted).toMatch(/Truncated.*more folded sections not shown.*JSON plan in the run's artifacts/s);
    expect(posted).toContain("(https://github.example/acme/integrations/actions/runs/4242)");
    expect(posted.endsWith("<sub>emi plan</sub>")).toBe(true);
    expect(posted.match(/<details>/g)?.length).toBe(posted.match(/<\/details>/g)?.length);
  });

  it("throws a GitHubError naming the pull request when GitHub refuses the post", async () => {
    fake.fail(
      "POST",
      /\/issues\/\d+\/comments$/,
      403,
      Number.POSITIVE_INFINITY,
      "Resource not accessible by integration",
    );
    const error = await post("## plan").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).message).toMatch(
      /posting the emi comment on acme\/integrations#\d+ failed: GitHub answered 403: Resource not accessible by integration/,
    );
    expect((error as GitHubError).status).toBe(403);
    expect((error as GitHubError).message).not.toContain(fake.token);
  });

  it("throws when the comments cannot be listed", async () => {
    fake.fail("GET", /\/comments$/, 404);
    await expect(post("## plan")).rejects.toThrow(
      /reading the comments of acme\/integrations#\d+ failed: GitHub answered 404/,
    );
  });

  it("retries a 502 once and then succeeds", async () => {
    fake.fail("POST", /\/comments$/, 502, 1);
    const result = await post("## plan");
    expect(result.action).toBe("created");
    expect(fake.commentsOn(pr)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([502, 201]);
  });

  it("does not retry a 422 (a body GitHub refuses stays refused)", async () => {
    fake.fail("POST", /\/comments$/, 422, 1);
    await expect(post("## plan")).rejects.toThrow(GitHubError);
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("throws when the token is refused", async () => {
    const bad = createGitHubClient({ token: "wrong-token-value", baseUrl: fake.url, ...testClientOptions });
    await expect(
      upsertStickyComment(bad, { owner: "acme", repo: "integrations", issueNumber: pr, marker, body: "x" }),
    ).rejects.toThrow(/GitHub answered 401: Bad credentials \(is GITHUB_TOKEN set and valid\?\)/);
  });
});
