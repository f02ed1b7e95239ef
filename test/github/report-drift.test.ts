import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DRIFT_TITLE, reportDrift } from "../../src/github/report-drift.ts";
import { FakeGitHub } from "./fake-github.ts";
import { ACTITO_KEY, type ActionsEnv, actionsEnv, testClientOptions } from "./github-test-env.ts";

describe("reportDrift", () => {
  let fake: FakeGitHub;
  let actions: ActionsEnv;

  beforeEach(async () => {
    fake = await new FakeGitHub().start();
    actions = await actionsEnv(fake, { name: "schedule", payload: { schedule: "17 6 * * *" } });
  });
  afterEach(async () => {
    await fake.stop();
    await actions.cleanup();
  });

  const report = (markdown: string, hasDrift: boolean) =>
    reportDrift({ env: actions.env, markdown, hasDrift, clientOptions: testClientOptions });

  it("opens the emi-drift issue once, updates it when the drift changes, and stays quiet when it does not", async () => {
    const first = await report("1042: key revoked", true);
    expect(first.issue?.action).toBe("created");
    const same = await report("1042: key revoked", true);
    expect(same.issue).toMatchObject({ action: "unchanged", commented: false, number: first.issue?.number });
    const changed = await report("1042: key revoked\n1050: attribute removed", true);
    expect(changed.issue).toMatchObject({ action: "updated", commented: true, number: first.issue?.number });

    const issues = fake.issuesLabelled("emi-drift", "open");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe(DRIFT_TITLE);
    expect(issues[0]!.body).toContain("1050: attribute removed");
    expect(fake.commentsOn(issues[0]!.number).map((c) => c.body)).toEqual([
      "The drift changed in [this run](https://github.example/acme/integrations/actions/runs/4242).",
    ]);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("closes the issue when the drift is gone, and does nothing when there was none", async () => {
    const { issue } = await report("1042: key revoked", true);
    const gone = await report("no drift", false);
    expect(gone.closedIssues).toEqual([issue!.number]);
    expect(fake.issuesLabelled("emi-drift", "open")).toEqual([]);
    expect(fake.commentsOn(issue!.number).at(-1)?.body).toMatch(/^No drift found in \[this run\]/);
    const writes = fake.requests.filter((r) => r.method !== "GET").length;
    expect((await report("no drift", false)).closedIssues).toEqual([]);
    expect(fake.requests.filter((r) => r.method !== "GET")).toHaveLength(writes);
  });

  it("writes the report to the step summary and sends no secret", async () => {
    await report(`1042: the key ${ACTITO_KEY} is revoked`, true);
    expect(await actions.summary()).toContain("1042: the key *** is revoked");
    expect(fake.everythingSent()).not.toContain(ACTITO_KEY);
    expect(fake.everythingSent()).not.toContain(fake.token);
  });
});
