import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/create-github-client.ts";
import { GitHubError } from "../../src/github/github-error.ts";
import { planCommentMarker, upsertStickyComment } from "../../src/github/upsert-sticky-comment.ts";
import { FakeGitHub } from "./fake-github.ts";

// Throttling on, as in production: octokit spaces comment writes 3 s apart (shared across clients),
// so these few tests take seconds; every other test turns throttling off.
describe("createGitHubClient with throttling on", () => {
  let fake: FakeGitHub;
  let pr: number;
  const secondary =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

  beforeEach(async () => {
    fake = await new FakeGitHub().start();
    pr = fake.addPullRequest();
  });
  afterEach(() => fake.stop());

  const post = (retries: number) =>
    upsertStickyComment(
      createGitHubClient({ token: fake.token, baseUrl: fake.url, retries, retryBaseMs: 1 }),
      {
        owner: "acme",
        repo: "integrations",
        issueNumber: pr,
        marker: planCommentMarker("acme", "integrations"),
        body: "## plan",
      },
    );

  it("waits as GitHub says and retries when it hits a secondary rate limit", async () => {
    fake.fail("POST", /\/comments$/, 403, 1, secondary, { "retry-after": "1" });
    const result = await post(2);
    expect(result.action).toBe("created");
    expect(fake.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([403, 201]);
  });

  it("gives up with a GitHubError when the rate limit outlasts the retries", async () => {
    fake.fail("POST", /\/comments$/, 403, Number.POSITIVE_INFINITY, secondary, { "retry-after": "1" });
    const error = await post(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect(String(error)).toMatch(/GitHub answered 403: You have exceeded a secondary rate limit/);
  });
});
