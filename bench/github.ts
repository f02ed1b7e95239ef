// Measures emi's GitHub reporting: fitting big plans into a comment, and the sticky-comment round
// trip against the loopback fake GitHub with many comments on the pull request.
// Run: npx tsx bench/github.ts
import { performance } from "node:perf_hooks";
import { createGitHubClient } from "../src/github/create-github-client.ts";
import { fitComment } from "../src/github/fit-comment.ts";
import { planCommentMarker, upsertStickyComment } from "../src/github/upsert-sticky-comment.ts";
import { FakeGitHub } from "../test/github/fake-github.ts";
import { planMarkdown } from "../test/github/github-test-env.ts";

function time<T>(fn: () => T, repeat = 5): { ms: number; value: T } {
  let value = fn();
  const start = performance.now();
  for (let i = 0; i < repeat; i++) value = fn();
  return { ms: (performance.now() - start) / repeat, value };
}

for (const count of [200, 2_000, 20_000]) {
  const markdown = planMarkdown(count);
  const { ms, value } = time(() => fitComment(markdown, { artifactUrl: "https://github.example/run/1" }));
  console.log(
    `fitComment ${count} integrations: input ${markdown.length.toLocaleString("en")} chars → ` +
      `${value.length.toLocaleString("en")} chars in ${ms.toFixed(1)} ms`,
  );
}

const fake = await new FakeGitHub().start();
try {
  const client = createGitHubClient({ token: fake.token, baseUrl: fake.url, throttle: false, retries: 0 });
  const pr = fake.addPullRequest();
  for (let i = 0; i < 1_000; i++) fake.addComment(pr, `review comment ${i}`);
  const marker = planCommentMarker(fake.owner, fake.repo);
  const bodies = {
    create: planMarkdown(200),
    update: planMarkdown(100),
    "update (unchanged)": planMarkdown(100),
  };
  for (const [round, body] of Object.entries(bodies)) {
    const before = fake.requests.length;
    const start = performance.now();
    await upsertStickyComment(client, {
      owner: fake.owner,
      repo: fake.repo,
      issueNumber: pr,
      marker,
      body,
    });
    console.log(
      `upsertStickyComment (${round}) on a pull request with 1,000 comments: ` +
        `${(performance.now() - start).toFixed(0)} ms, ${fake.requests.length - before} requests`,
    );
  }
} finally {
  await fake.stop();
}
