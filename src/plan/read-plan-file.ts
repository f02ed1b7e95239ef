import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EmiError } from "../types/errors.ts";
import { PLAN_FORMAT_VERSION, type Plan } from "./plan-types.ts";

/** A saved plan file that is missing, not JSON, or not a plan this version of emi understands. */
class PlanFileError extends EmiError {}

/** Reads a plan saved by `emi plan --out`, checking its format version and shape. */
export async function readPlanFile(path: string, cwd: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "it does not exist"
        : code === "EISDIR"
          ? "it is a folder"
          : (code ?? "read failed");
    throw new PlanFileError(
      `cannot read the plan file ${path} (${why}): save one with emi plan --out ${path}, or run emi apply without a file`,
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`${path} is not JSON: save a plan with emi plan --out ${path}`, { cause: error });
  }
  const plan = value as Partial<Plan> | null;
  const version: unknown = plan?.formatVersion;
  if (plan === null || typeof plan !== "object" || typeof version !== "number") {
    throw new PlanFileError(
      `${path} is not an emi plan (it has no formatVersion): save one with emi plan --out ${path}`,
    );
  }
  if (version !== PLAN_FORMAT_VERSION) {
    // Plans are short-lived: one of another version is refused, never converted (docs/json-outputs.md).
    throw new PlanFileError(
      `${path} was made by another emi version: run emi plan again (the file has plan format ${version}; this emi reads format ${PLAN_FORMAT_VERSION})`,
    );
  }
  if (
    !Array.isArray(plan.changes) ||
    typeof plan.basis?.fingerprint !== "string" ||
    typeof plan.repo !== "string"
  ) {
    throw new PlanFileError(`${path} is not a complete emi plan (changes, basis or repo missing)`);
  }
  return plan as Plan;
}
