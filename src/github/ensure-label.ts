import type { GitHubClient } from "./create-github-client.ts";
import { statusOf, wrapGitHubError } from "./github-error.ts";

/** A label emi files issues under. */
export interface LabelSpec {
  name: string;
  /** Six hex digits, no `#`. */
  color: string;
  description: string;
}

/** The labels emi uses, with the colour and description they get when emi creates them. */
export const EMI_LABELS = {
  applyFailed: {
    name: "emi-apply-failed",
    color: "b60205",
    description: "emi apply failed on the default branch",
  },
  drift: { name: "emi-drift", color: "fbca04", description: "live state differs from the declarations" },
} as const satisfies Record<string, LabelSpec>;

/** Creates the label when the repository does not have it yet; a concurrent creation is fine. */
export async function ensureLabel(
  client: GitHubClient,
  target: { owner: string; repo: string; label: LabelSpec },
): Promise<"exists" | "created"> {
  const { owner, repo, label } = target;
  try {
    await client.rest.issues.getLabel({ owner, repo, name: label.name });
    return "exists";
  } catch (error) {
    if (statusOf(error) !== 404)
      throw wrapGitHubError(`reading the label ${label.name} of ${owner}/${repo}`, error);
  }
  try {
    await client.rest.issues.createLabel({
      owner,
      repo,
      name: label.name,
      color: label.color,
      description: label.description,
    });
    return "created";
  } catch (error) {
    // 422 already_exists: another run created it between our read and our write.
    if (statusOf(error) === 422) return "exists";
    throw wrapGitHubError(`creating the label ${label.name} in ${owner}/${repo}`, error);
  }
}
