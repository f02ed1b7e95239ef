import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received, as sent (after JSON parsing of the body). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  status: number;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  stateReason: string | null;
  isPullRequest: boolean;
  /** Who opened it (login). */
  user: string;
  /** For pull requests: the merge commit, when merged. */
  mergeCommitSha?: string;
  mergedAt?: string | null;
}

export interface FakeLabel {
  name: string;
  color: string;
  description: string | null;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  message: string;
  headers: Record<string, string>;
}

/**
 * A loopback stand-in for the part of GitHub's REST API emi uses. It keeps comments, issues, pull
 * requests and labels in memory, checks the token, the routes, methods and body shapes against
 * GitHub's documentation (unknown fields and wrong types are refused with 422 as GitHub's schema
 * validation does), enforces the 65,536-character body limit, paginates with Link headers, and can
 * be told to fail a route.
 */
export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  /** Requests to routes the fake does not know: emi should send none. */
  readonly unknownRoutes: string[] = [];
  comments: FakeComment[] = [];
  issues: FakeIssue[] = [];
  labels: FakeLabel[] = [];
  /** Page size cap, lowered by tests to exercise pagination. */
  maxPerPage = 100;
  private nextCommentId = 1000;
  private nextNumber = 1;
  private failures: Failure[] = [];
  private server: Server | undefined;
  url = "";
  /**
   * Whose token this is. Undefined: an Actions GITHUB_TOKEN, which `GET /user` refuses with 403 and
   * whose writes are authored by github-actions[bot]; a login: a personal token of that user.
   */
  authenticatedUser: string | undefined;

  constructor(options: { owner?: string; repo?: string; token?: string; authenticatedUser?: string } = {}) {
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "integrations";
    this.token = options.token ?? "ghs_faketoken0123456789abcdefghijklmnop";
    this.authenticatedUser = options.authenticatedUser;
  }

  /** The author of what this token writes. */
  get writer(): string {
    return this.authenticatedUser ?? "github-actions[bot]";
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())));
  }

  /** Makes the next `times` requests matching method and path answer `status` (with extra headers). */
  fail(
    method: string,
    path: RegExp,
    status: number,
    times = Number.POSITIVE_INFINITY,
    message = "Fake failure",
    headers: Record<string, string> = {},
  ): void {
    this.failures.push({ method, path, status, times, message, headers });
  }

  /** Adds a pull request (an issue with a pull_request part), optionally merged as `mergeCommitSha`. */
  addPullRequest(options: { mergeCommitSha?: string; title?: string } = {}): number {
    const number = this.nextNumber++;
    this.issues.push({
      number,
      title: options.title ?? `Pull request ${number}`,
      body: "",
      labels: [],
      state: options.mergeCommitSha ? "closed" : "open",
      stateReason: null,
      isPullRequest: true,
      user: "octocat",
      ...(options.mergeCommitSha
        ? { mergeCommitSha: options.mergeCommitSha, mergedAt: "2026-01-01T00:00:00Z" }
        : { mergedAt: null }),
    });
    return number;
  }

  /** Adds a comment as someone else would (a person, or an older emi run). */
  addComment(issueNumber: number, body: string, user = "octocat"): FakeComment {
    const comment = {
      id: this.nextCommentId++,
      issueNumber,
      body,
      user,
      createdAt: new Date().toISOString(),
    };
    this.comments.push(comment);
    return comment;
  }

  /** Adds an issue directly, e.g. a duplicate another run left behind. */
  addIssue(issue: { title: string; body?: string; labels?: string[]; user?: string }): FakeIssue {
    const created: FakeIssue = {
      number: this.nextNumber++,
      title: issue.title,
      body: issue.body ?? "",
      labels: issue.labels ?? [],
      state: "open",
      stateReason: null,
      isPullRequest: false,
      user: issue.user ?? this.writer,
    };
    this.issues.push(created);
    return created;
  }

  commentsOn(issueNumber: number): FakeComment[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber);
  }

  issuesLabelled(label: string, state?: "open" | "closed"): FakeIssue[] {
    return this.issues.filter(
      (i) => !i.isPullRequest && i.labels.includes(label) && (state === undefined || i.state === state),
    );
  }

  /** Everything emi sent: paths, queries, header values and bodies, for leak checks. */
  everythingSent(): string {
    return this.requests
      .map((r) =>
        [
          r.method,
          r.path,
          JSON.stringify(r.query),
          // The authorization header must carry the token; every other header must not.
          JSON.stringify({ ...r.headers, authorization: undefined }),
          r.rawBody,
        ].join("\n"),
      )
      .join("\n");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4999",
        ...headers,
      });
      res.end(data === undefined ? "" : JSON.stringify(data));
    };

    const auth = req.headers.authorization;
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }
    const failure = this.failures.find(
      (f) => f.times > 0 && f.method === record.method && f.path.test(record.path),
    );
    if (failure) {
      failure.times -= 1;
      return send(failure.status, { message: failure.message }, failure.headers);
    }

    let body: Record<string, unknown> = {};
    if (rawBody !== "") {
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
        return send(415, { message: "Unsupported Media Type" });
      }
      try {
        const parsed = JSON.parse(rawBody) as unknown;
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          return send(400, { message: "Problems parsing JSON" });
        }
        body = parsed as Record<string, unknown>;
      } catch {
        return send(400, { message: "Problems parsing JSON" });
      }
    }

    if (record.method === "GET" && record.path === "/user") {
      if (this.authenticatedUser === undefined) {
        return send(403, {
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        });
      }
      return send(200, { login: this.authenticatedUser, id: 7, type: "User" });
    }
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!record.path.startsWith(`${prefix}/`)) return this.unknown(record, send);
    const route = `${record.method} ${record.path.slice(prefix.length)}`;
    let m: RegExpMatchArray | null = null;

    m = route.match(/^GET \/issues\/(\d+)\/comments$/);
    if (m) {
      const issue = this.issueOrPull(Number(m[1]));
      if (!issue) return send(404, { message: "Not Found" });
      return this.page(
        record,
        send,
        this.commentsOn(issue.number).map((c) => this.commentJson(c)),
      );
    }
    m = route.match(/^POST \/issues\/(\d+)\/comments$/);
    if (m) {
      const issue = this.issueOrPull(Number(m[1]));
      if (!issue) return send(404, { message: "Not Found" });
      const problem = shape(body, { body: "string" }, ["body"]) ?? tooLong(body.body, "IssueComment");
      if (problem) return send(422, problem);
      const comment = this.addComment(issue.number, body.body as string, this.writer);
      return send(201, this.commentJson(comment));
    }
    m = route.match(/^PATCH \/issues\/comments\/(\d+)$/);
    if (m) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return send(404, { message: "Not Found" });
      const problem = shape(body, { body: "string" }, ["body"]) ?? tooLong(body.body, "IssueComment");
      if (problem) return send(422, problem);
      comment.body = body.body as string;
      return send(200, this.commentJson(comment));
    }
    m = route.match(/^DELETE \/issues\/comments\/(\d+)$/);
    if (m) {
      const before = this.comments.length;
      this.comments = this.comments.filter((c) => c.id !== Number(m![1]));
      return this.comments.length === before ? send(404, { message: "Not Found" }) : send(204);
    }
    m = route.match(/^GET \/labels\/([^/]+)$/);
    if (m) {
      const label = this.labels.find(
        (l) => l.name.toLowerCase() === decodeURIComponent(m![1]!).toLowerCase(),
      );
      return label ? send(200, this.labelJson(label)) : send(404, { message: "Not Found" });
    }
    if (route === "POST /labels") {
      const problem = shape(body, { name: "string", color: "string", description: "string" }, ["name"]);
      if (problem) return send(422, problem);
      if (body.color !== undefined && !/^[0-9a-fA-F]{6}$/.test(body.color as string)) {
        return send(422, validation("Label", "color", "invalid"));
      }
      if (this.labels.some((l) => l.name.toLowerCase() === (body.name as string).toLowerCase())) {
        return send(422, validation("Label", "name", "already_exists"));
      }
      const label = {
        name: body.name as string,
        color: (body.color as string | undefined) ?? "ededed",
        description: (body.description as string | undefined) ?? null,
      };
      this.labels.push(label);
      return send(201, this.labelJson(label));
    }
    if (route === "GET /issues") {
      const state = record.query.state ?? "open";
      const wanted = (record.query.labels ?? "").split(",").filter(Boolean);
      const list = this.issues
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => wanted.every((w) => i.labels.includes(w)))
        .sort((a, b) => b.number - a.number)
        .map((i) => this.issueJson(i));
      return this.page(record, send, list);
    }
    if (route === "POST /issues") {
      const problem =
        shape(body, { title: "string", body: "string", labels: "string[]" }, ["title"]) ??
        tooLong(body.body, "Issue");
      if (problem) return send(422, problem);
      const labels = (body.labels as string[] | undefined) ?? [];
      // GitHub creates a missing label on the fly for users with push access; emi creates it first.
      for (const name of labels) {
        if (!this.labels.some((l) => l.name === name))
          this.labels.push({ name, color: "ededed", description: null });
      }
      const issue = this.addIssue({ title: body.title as string, body: (body.body as string) ?? "", labels });
      return send(201, this.issueJson(issue));
    }
    m = route.match(/^PATCH \/issues\/(\d+)$/);
    if (m) {
      const issue = this.issueOrPull(Number(m[1]));
      if (!issue) return send(404, { message: "Not Found" });
      const problem =
        shape(
          body,
          { title: "string", body: "string", state: "string", state_reason: "string", labels: "string[]" },
          [],
        ) ?? tooLong(body.body, "Issue");
      if (problem) return send(422, problem);
      if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
        return send(422, validation("Issue", "state", "invalid"));
      }
      if (
        body.state_reason !== undefined &&
        !["completed", "not_planned", "reopened", "duplicate"].includes(body.state_reason as string)
      ) {
        return send(422, validation("Issue", "state_reason", "invalid"));
      }
      if (typeof body.title === "string") issue.title = body.title;
      if (typeof body.body === "string") issue.body = body.body;
      if (body.state === "open" || body.state === "closed") issue.state = body.state;
      if (typeof body.state_reason === "string") issue.stateReason = body.state_reason;
      if (Array.isArray(body.labels)) issue.labels = body.labels as string[];
      return send(200, this.issueJson(issue));
    }
    m = route.match(/^GET \/compare\/([0-9a-f]{7,40})\.\.\.([0-9a-f]{7,40})$/);
    if (m) {
      // The default branch's history is the merge commits, in the order the pull requests were added.
      const history = this.issues.flatMap((i) => (i.mergeCommitSha ? [i.mergeCommitSha] : []));
      const base = history.indexOf(m[1]!);
      const head = history.indexOf(m[2]!);
      if (base < 0 || head < 0) return send(404, { message: "Not Found" });
      const commits = history.slice(base + 1, head + 1).map((sha) => ({ sha }));
      return send(200, { total_commits: commits.length, commits });
    }
    m = route.match(/^GET \/commits\/([0-9a-f]{7,40})\/pulls$/);
    if (m) {
      const sha = m[1]!;
      const pulls = this.issues
        .filter((i) => i.isPullRequest && i.mergeCommitSha === sha)
        .map((i) => this.pullJson(i));
      return send(200, pulls);
    }
    return this.unknown(record, send);
  }

  private unknown(record: RecordedRequest, send: (status: number, data?: unknown) => void): void {
    this.unknownRoutes.push(`${record.method} ${record.path}`);
    send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  }

  private issueOrPull(number: number): FakeIssue | undefined {
    return this.issues.find((i) => i.number === number);
  }

  private page(
    record: RecordedRequest,
    send: (status: number, data?: unknown, headers?: Record<string, string>) => void,
    items: unknown[],
  ): void {
    const perPage = Math.min(Number(record.query.per_page ?? 30), this.maxPerPage);
    const page = Number(record.query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const next = new URL(`${this.url}${record.path}`);
      for (const [k, v] of Object.entries(record.query)) next.searchParams.set(k, v);
      next.searchParams.set("page", String(page + 1));
      const lastUrl = new URL(next);
      lastUrl.searchParams.set("page", String(last));
      headers.link = `<${next.href}>; rel="next", <${lastUrl.href}>; rel="last"`;
    }
    send(200, items.slice((page - 1) * perPage, page * perPage), headers);
  }

  private htmlBase(): string {
    return `https://github.example/${this.owner}/${this.repo}`;
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${c.id}`,
      html_url: `${this.htmlBase()}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      body: c.body,
      user: { login: c.user, id: 1, type: c.user.endsWith("[bot]") ? "Bot" : "User" },
      created_at: c.createdAt,
      updated_at: c.createdAt,
      author_association: "NONE",
    };
  }

  private labelJson(l: FakeLabel) {
    return {
      id: 1,
      node_id: "LA_1",
      name: l.name,
      color: l.color,
      description: l.description,
      default: false,
    };
  }

  private issueJson(i: FakeIssue) {
    return {
      id: i.number * 10,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.stateReason,
      html_url: `${this.htmlBase()}/${i.isPullRequest ? "pull" : "issues"}/${i.number}`,
      labels: i.labels.map((name) => ({ name })),
      user: { login: i.user, id: 1, type: i.user.endsWith("[bot]") ? "Bot" : "User" },
      ...(i.isPullRequest ? { pull_request: { url: `${this.url}/pulls/${i.number}` } } : {}),
    };
  }

  private pullJson(i: FakeIssue) {
    return {
      number: i.number,
      state: i.state,
      title: i.title,
      html_url: `${this.htmlBase()}/pull/${i.number}`,
      merged_at: i.mergedAt ?? null,
      merge_commit_sha: i.mergeCommitSha ?? null,
    };
  }
}

type FieldType = "string" | "string[]";

/** Checks a JSON body against the documented fields: required ones present, known ones typed, no others. */
function shape(
  body: Record<string, unknown>,
  fields: Record<string, FieldType>,
  required: string[],
): object | undefined {
  for (const name of required) {
    if (body[name] === undefined) return validation("Body", name, "missing_field");
  }
  for (const [name, value] of Object.entries(body)) {
    const type = fields[name];
    if (!type) return validation("Body", name, "unknown_field");
    const ok =
      type === "string"
        ? typeof value === "string" || (name === "state_reason" && value === null)
        : Array.isArray(value) && value.every((v) => typeof v === "string");
    if (!ok) return validation("Body", name, "invalid");
  }
  return undefined;
}

function tooLong(value: unknown, resource: string): object | undefined {
  if (typeof value === "string" && [...value].length > 65_536) {
    return {
      message: "Validation Failed",
      errors: [
        {
          resource,
          code: "custom",
          field: "body",
          message: "body is too long (maximum is 65536 characters)",
        },
      ],
    };
  }
  return undefined;
}

function validation(resource: string, field: string, code: string): object {
  return { message: "Validation Failed", errors: [{ resource, field, code }] };
}
