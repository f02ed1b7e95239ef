import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub } from "../github/fake-github.ts";
import { createWorld, KEYS, type World } from "./e2e-harness.ts";

let world: World;
let github: FakeGitHub;
let githubEnv: Record<string, string>;

beforeEach(async () => {
  world = await createWorld();
  github = await new FakeGitHub().start();
  githubEnv = {
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_STEP_SUMMARY: join(world.dir, "step-summary.md"),
  };
});
afterEach(async () => {
  await github.stop();
  await world.close();
});

function assertNoSecretSent(): void {
  const sent = github.everythingSent() + world.outputs.join("\n");
  for (const key of Object.values(KEYS)) expect(sent).not.toContain(key);
  expect(world.outputs.join("\n")).not.toContain(github.token);
}

describe("emi plan --comment", () => {
  it("creates one sticky comment, then edits it in place on the next run", async () => {
    const pr = github.addPullRequest();
    const first = await world.run(["plan", "--comment", "--pr", String(pr)], { env: githubEnv });
    expect(first.code).toBe(0);
    expect(github.commentsOn(pr)).toHaveLength(1);
    expect(github.commentsOn(pr)[0]?.body).toContain("emi plan");
    expect(github.commentsOn(pr)[0]?.body).toContain("1042");

    await world.write(
      "integrations/1042.yaml",
      (await world.read("integrations/1042.yaml")).replace("[1043]", "[1043, 1044]"),
    );
    const second = await world.run(["plan", "--comment", "--pr", String(pr)], { env: githubEnv });
    expect(second.code).toBe(0);
    expect(github.commentsOn(pr)).toHaveLength(1);
    expect(github.commentsOn(pr)[0]?.body).toContain("1044");
    assertNoSecretSent();
  });

  it("leaves alone another user's comments that start with emi's marker, and keeps its own", async () => {
    const pr = github.addPullRequest();
    const marker = `<!-- emi:plan repo=${github.owner}/${github.repo} -->`;
    const planted = github.addComment(pr, `${marker}\n### emi plan — planted by someone else`, "mallory");
    const second = github.addComment(pr, `${marker}\nanother planted one`, "mallory");
    for (let run = 0; run < 2; run++) {
      const result = await world.run(["plan", "--comment", "--pr", String(pr)], { env: githubEnv });
      expect(result.code).toBe(0);
    }
    const comments = github.commentsOn(pr);
    expect(comments.find((c) => c.id === planted.id)?.body).toBe(
      `${marker}\n### emi plan — planted by someone else`,
    );
    expect(comments.find((c) => c.id === second.id)?.body).toBe(`${marker}\nanother planted one`);
    const ours = comments.filter((c) => c.user === "github-actions[bot]");
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("1042");
    expect(github.requests.filter((r) => r.method === "DELETE")).toEqual([]);
    assertNoSecretSent();
  });

  it("fails the command when the comment cannot be posted", async () => {
    const pr = github.addPullRequest();
    github.fail("POST", /\/issues\/\d+\/comments$/, 422);
    const result = await world.run(["plan", "--comment", "--pr", String(pr)], { env: githubEnv });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/error:/);
    assertNoSecretSent();
  });

  it("posts the plan even when a declaration is invalid, and exits 1", async () => {
    const pr = github.addPullRequest();
    await world.write(
      "integrations/1050.yaml",
      "account: 1050\nprovider: actito\nactito:\n  endpont: api1\n",
    );
    const result = await world.run(["plan", "--comment", "--pr", String(pr)], { env: githubEnv });
    expect(result.code).toBe(1);
    expect(github.commentsOn(pr)).toHaveLength(1);
    expect(result.out).toMatch(/^::error file=integrations\/1050.yaml,line=4,col=3,.*title=unknown-key::/m);
  });
});

describe("emi apply --comment", () => {
  it("updates the merged pull request's comment to the apply result", async () => {
    const sha = "abcdef0123456789abcdef0123456789abcdef01";
    const pr = github.addPullRequest({ mergeCommitSha: sha });
    await world.run(["plan", "--comment", "--pr", String(pr)], { env: githubEnv });
    const applied = await world.run(["apply", "--yes", "--comment"], {
      env: { ...githubEnv, GITHUB_SHA: sha },
    });
    expect(applied.code).toBe(0);
    expect(github.commentsOn(pr)).toHaveLength(1);
    expect(github.commentsOn(pr)[0]?.body).toMatch(/appl/i);
    expect(github.issuesLabelled("emi-apply-failed", "open")).toHaveLength(0);
    assertNoSecretSent();
  });

  it("opens one emi-apply-failed issue when apply fails, and updates it on the next failure", async () => {
    const env = {
      ...githubEnv,
      GITHUB_SHA: "1111111111111111111111111111111111111111",
      ACTITO_KEY_LUMEN: "wrong-key",
    };
    const first = await world.run(["apply", "--yes", "--comment"], { env });
    expect(first.code).toBe(1);
    expect(github.issuesLabelled("emi-apply-failed", "open")).toHaveLength(1);
    const second = await world.run(["apply", "--yes", "--comment"], { env });
    expect(second.code).toBe(1);
    expect(github.issuesLabelled("emi-apply-failed")).toHaveLength(1);
    expect(github.everythingSent()).not.toContain("wrong-key");
    assertNoSecretSent();
  });
});

describe("emi drift --report", () => {
  it("opens one emi-drift issue while there is drift and closes it when the drift is gone", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const clean = await world.run(["drift", "--report"], { env: githubEnv });
    expect(clean.code).toBe(0);
    expect(github.issuesLabelled("emi-drift")).toHaveLength(0);

    // A setting changed outside the repository's declarations: the key is revoked.
    const revoked = { ...githubEnv, ACTITO_KEY_NORDLYS: "revoked-key" };
    const drifted = await world.run(["drift", "--report"], { env: revoked });
    expect(drifted.code).toBe(2);
    expect(github.issuesLabelled("emi-drift", "open")).toHaveLength(1);
    await world.run(["drift", "--report"], { env: revoked });
    expect(github.issuesLabelled("emi-drift")).toHaveLength(1);

    const gone = await world.run(["drift", "--report"], { env: githubEnv });
    expect(gone.code).toBe(0);
    expect(github.issuesLabelled("emi-drift", "open")).toHaveLength(0);
    expect(github.everythingSent()).not.toContain("revoked-key");
    assertNoSecretSent();
  });
});
