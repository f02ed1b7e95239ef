import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeLabelledIssue } from "../../src/github/close-labelled-issue.ts";
import { createGitHubClient, type GitHubClient } from "../../src/github/create-github-client.ts";
import { EMI_LABELS } from "../../src/github/ensure-label.ts";
import { GitHubError } from "../../src/github/github-error.ts";
import { upsertLabelledIssue } from "../../src/github/upsert-labelled-issue.ts";
import { FakeGitHub } from "./fake-github.ts";
import { testClientOptions } from "./github-test-env.ts";

describe("upsertLabelledIssue and closeLabelledIssue", () => {
  let fake: FakeGitHub;
  let client: GitHubClient;
  const label = EMI_LABELS.drift;
  const target = { owner: "acme", repo: "integrations" };

  beforeEach(async () => {
    fake = await new FakeGitHub().start();
    client = createGitHubClient({ token: fake.token, baseUrl: fake.url, ...testClientOptions });
  });
  afterEach(() => fake.stop());

  it("creates the label and opens one issue when there is none", async () => {
    const result = await upsertLabelledIssue(client, {
      ...target,
      label,
      title: "emi drift detected",
      body: "drift A",
    });
    expect(result.action).toBe("created");
    expect(fake.labels).toEqual([{ name: "emi-drift", color: "fbca04", description: label.description }]);
    expect(fake.issuesLabelled("emi-drift", "open").map((i) => [i.title, i.body])).toEqual([
      ["emi drift detected", "drift A"],
    ]);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("updates the same issue and comments when run again with a different body", async () => {
    const first = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "drift A" });
    const second = await upsertLabelledIssue(client, {
      ...target,
      label,
      title: "t",
      body: "drift B",
      comment: "changed",
      commentWhen: "changed",
    });
    expect(second).toMatchObject({ action: "updated", number: first.number, commented: true });
    expect(fake.issuesLabelled("emi-drift")).toHaveLength(1);
    expect(fake.issuesLabelled("emi-drift")[0]!.body).toBe("drift B");
    expect(fake.commentsOn(first.number).map((c) => c.body)).toEqual(["changed"]);
    expect(fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/labels"))).toHaveLength(1);
  });

  it("neither edits nor comments when the body is unchanged and comments are only for changes", async () => {
    await upsertLabelledIssue(client, { ...target, label, title: "t", body: "drift A" });
    const writes = fake.requests.filter((r) => r.method !== "GET").length;
    const again = await upsertLabelledIssue(client, {
      ...target,
      label,
      title: "t",
      body: "drift A",
      comment: "changed",
      commentWhen: "changed",
    });
    expect(again).toMatchObject({ action: "unchanged", commented: false });
    expect(fake.requests.filter((r) => r.method !== "GET")).toHaveLength(writes);
  });

  it("comments every time when asked to, even with the same body", async () => {
    const first = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "same" });
    await upsertLabelledIssue(client, { ...target, label, title: "t", body: "same", comment: "again" });
    await upsertLabelledIssue(client, { ...target, label, title: "t", body: "same", comment: "again" });
    expect(fake.commentsOn(first.number)).toHaveLength(2);
  });

  it("reuses an existing label and ignores pull requests and closed issues that carry it", async () => {
    fake.labels.push({ name: "emi-drift", color: "000000", description: null });
    const pr = fake.addPullRequest();
    fake.issues.find((i) => i.number === pr)!.labels.push("emi-drift");
    const closed = fake.addIssue({ title: "old", labels: ["emi-drift"] });
    closed.state = "closed";
    const result = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "b" });
    expect(result.action).toBe("created");
    expect(fake.labels).toHaveLength(1);
    expect(fake.issuesLabelled("emi-drift", "open")).toHaveLength(1);
  });

  it("closes duplicates and keeps the oldest open issue", async () => {
    const oldest = fake.addIssue({ title: "t", body: "x", labels: ["emi-drift"] });
    const duplicate = fake.addIssue({ title: "t", body: "y", labels: ["emi-drift"] });
    const result = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "z" });
    expect(result).toMatchObject({ action: "updated", number: oldest.number, closedDuplicates: 1 });
    expect(fake.issuesLabelled("emi-drift", "open").map((i) => i.number)).toEqual([oldest.number]);
    expect(duplicate.stateReason).toBe("not_planned");
  });

  it("cuts an issue body that is over GitHub's limit", async () => {
    const body = `# drift\n${"| 1 | changed |\n".repeat(10_000)}`;
    await upsertLabelledIssue(client, { ...target, label, title: "t", body });
    const posted = fake.issuesLabelled("emi-drift")[0]!.body;
    expect(posted.length).toBeLessThanOrEqual(65_536);
    expect(posted).toMatch(/Truncated/);
  });

  it("closes the open issue with a comment, and does nothing when none is open", async () => {
    const { number } = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "b" });
    expect(await closeLabelledIssue(client, { ...target, label: "emi-drift", comment: "gone" })).toEqual([
      number,
    ]);
    expect(fake.issuesLabelled("emi-drift", "open")).toEqual([]);
    expect(fake.issuesLabelled("emi-drift", "closed")[0]!.stateReason).toBe("completed");
    expect(fake.commentsOn(number).map((c) => c.body)).toEqual(["gone"]);
    expect(await closeLabelledIssue(client, { ...target, label: "emi-drift", comment: "gone" })).toEqual([]);
  });

  it("neither edits, closes nor comments on a labelled issue that someone else opened", async () => {
    const planted = fake.addIssue({
      title: "mine",
      body: "a person's",
      labels: ["emi-drift"],
      user: "mallory",
    });
    const result = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "drift" });
    expect(result.action).toBe("created");
    expect(result.number).not.toBe(planted.number);
    expect(planted).toMatchObject({ body: "a person's", state: "open" });
    expect(await closeLabelledIssue(client, { ...target, label: "emi-drift", comment: "gone" })).toEqual([
      result.number,
    ]);
    expect(planted.state).toBe("open");
    expect(fake.commentsOn(planted.number)).toEqual([]);
  });

  it("throws a GitHubError when the issue cannot be opened", async () => {
    fake.fail("POST", /\/issues$/, 403, Number.POSITIVE_INFINITY, "Resource not accessible by integration");
    const error = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "b" }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(GitHubError);
    expect(error.message).toMatch(
      /opening the emi-drift issue in acme\/integrations failed: GitHub answered 403/,
    );
  });

  it("accepts a concurrent creation of the label", async () => {
    fake.fail("GET", /\/labels\//, 404, 1);
    fake.labels.push({ name: "emi-drift", color: "fbca04", description: null });
    const result = await upsertLabelledIssue(client, { ...target, label, title: "t", body: "b" });
    expect(result.action).toBe("created");
  });
});
