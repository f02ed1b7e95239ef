import { checkAttributeValue, technicalAttributes } from "./attribute-rules.ts";
import type { AttributeValue, SeedAttribute } from "./sandbox-seed.ts";

/** A profile as the API shows it. */
export interface StoredProfile {
  profileId: number;
  attributes: Record<string, unknown>;
}

/** A profile created or changed through the API (not by seeding): what webhooks deliver. */
export interface ProfileChange {
  type: "CREATE" | "UPDATE";
  profileId: number;
  /** The values the operation gave. */
  values: Record<string, AttributeValue>;
  /** Attributes whose value is now different (all given ones on CREATE). */
  changed: string[];
}

/** One page of a listing, in profileId order. */
export interface ProfileSlice {
  profiles: StoredProfile[];
  /** profileId of the last profile returned, or null when the page is empty. */
  lastProfileId: number | null;
  /** True when profiles with a higher profileId exist. */
  more: boolean;
}

const firstNames = ["Astrid", "Bjorn", "Camille", "Dara", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas"];
const lastNames = [
  "Andersen",
  "Berg",
  "Costa",
  "Dubois",
  "Eriksen",
  "Fischer",
  "Garcia",
  "Holm",
  "Ito",
  "Jensen",
];

/**
 * The profiles of one table, held column-wise so a million of them fit in a few hundred MB:
 * one dense array per attribute, one per moment, and a Map per unique attribute. Profiles are
 * never deleted, so profileId is slot + 1 and id order is insertion order — which is what keeps
 * a cursor (the last profileId seen) correct while profiles are created and updated.
 */
export class ProfileTableStore {
  readonly attributes: SeedAttribute[];
  private readonly columns = new Map<string, AttributeValue[]>();
  private readonly uniqueIndexes = new Map<string, Map<AttributeValue, number>>();
  private readonly created: number[] = [];
  private readonly updated: number[] = [];
  /** Told of every create and write once set (the sandbox's webhook delivery). */
  onChange: ((change: ProfileChange) => void) | undefined;
  #creating = false;

  constructor(
    readonly entity: string,
    readonly id: string,
    readonly name: string,
    attributes: readonly SeedAttribute[],
  ) {
    this.attributes = [];
    for (const attribute of attributes) this.addAttribute(attribute);
  }

  get size(): number {
    return this.created.length;
  }

  attribute(name: string): SeedAttribute | undefined {
    return this.attributes.find((a) => a.name === name);
  }

  /** Adds an empty column; the caller has checked that no attribute of that name exists. */
  addAttribute(attribute: SeedAttribute): void {
    this.attributes.push({ ...attribute, unique: attribute.unique ?? false });
    this.columns.set(attribute.name, new Array<AttributeValue>(this.size).fill(null));
    if (attribute.unique) this.uniqueIndexes.set(attribute.name, new Map());
  }

  isUnique(name: string): boolean {
    return this.uniqueIndexes.has(name);
  }

  /** Slot of the profile whose unique attribute (or `profileId`) has this value. */
  findSlot(attribute: string, value: AttributeValue): number | undefined {
    if (attribute === "profileId") {
      const id = typeof value === "number" ? value : Number(value);
      return Number.isSafeInteger(id) && id >= 1 && id <= this.size ? id - 1 : undefined;
    }
    return this.uniqueIndexes.get(attribute)?.get(value);
  }

  /** Adds `count` profiles user-<from>@<entity>.example … quickly, without per-value checks. */
  generate(from: number, count: number, at: number): void {
    const email = this.columns.get("emailAddress");
    const emailIndex = this.uniqueIndexes.get("emailAddress");
    const first = this.columns.get("firstName");
    const last = this.columns.get("lastName");
    for (let i = from; i < from + count; i++) {
      const slot = this.size;
      for (const column of this.columns.values()) {
        if (column !== email && column !== first && column !== last) column.push(null);
      }
      if (email) {
        const address = `user-${i}@${this.entity}.example`;
        email.push(address);
        emailIndex?.set(address, slot);
      }
      first?.push(firstNames[i % firstNames.length]!);
      last?.push(lastNames[Math.floor(i / firstNames.length) % lastNames.length]!);
      this.created.push(at);
      this.updated.push(at);
    }
  }

  /** Why these values cannot be written to the profile in `slot` (undefined: a new one). */
  checkWrite(values: Record<string, AttributeValue>, slot: number | undefined): string | undefined {
    for (const [name, value] of Object.entries(values)) {
      if (technicalAttributes.has(name))
        return `attribute ${name} is managed by Actito and cannot be written`;
      const attribute = this.attribute(name);
      if (!attribute) return `unknown attribute ${name}`;
      const problem = checkAttributeValue(attribute, value);
      if (problem) return problem;
      if (value !== null) {
        const owner = this.uniqueIndexes.get(name)?.get(value);
        if (owner !== undefined && owner !== slot) {
          return `unique attribute ${name} already has this value on profile ${owner + 1}`;
        }
      }
    }
    if (slot === undefined) {
      for (const attribute of this.attributes) {
        if (attribute.mandatory && (values[attribute.name] ?? null) === null) {
          return `attribute ${attribute.name} is mandatory`;
        }
      }
    }
    return undefined;
  }

  /** Creates a profile from checked values and returns its profileId. */
  create(values: Record<string, AttributeValue>, at: number): number {
    const slot = this.size;
    for (const column of this.columns.values()) column.push(null);
    this.created.push(at);
    this.updated.push(at);
    this.#creating = true;
    try {
      this.write(slot, values, at);
    } finally {
      this.#creating = false;
    }
    this.onChange?.({ type: "CREATE", profileId: slot + 1, values, changed: Object.keys(values) });
    return slot + 1;
  }

  /** Writes checked values into an existing profile. */
  write(slot: number, values: Record<string, AttributeValue>, at: number): void {
    const changed: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      const column = this.columns.get(name)!;
      if ((column[slot] ?? null) !== value) changed.push(name);
      const index = this.uniqueIndexes.get(name);
      if (index) {
        const previous = column[slot] ?? null;
        if (previous !== null && index.get(previous) === slot) index.delete(previous);
        if (value !== null) index.set(value, slot);
      }
      column[slot] = value;
    }
    this.updated[slot] = at;
    if (!this.#creating && changed.length > 0) {
      this.onChange?.({ type: "UPDATE", profileId: slot + 1, values, changed });
    }
  }

  /** The profile in `slot`, with only `only` attributes when given. */
  read(slot: number, only?: readonly string[]): StoredProfile {
    const attributes: Record<string, unknown> = {};
    const names = only ?? [...this.columns.keys(), "creationMoment", "updateMoment"];
    for (const name of names) {
      if (name === "creationMoment") attributes[name] = new Date(this.created[slot]!).toISOString();
      else if (name === "updateMoment") attributes[name] = new Date(this.updated[slot]!).toISOString();
      else if (name === "profileId") continue;
      else attributes[name] = this.columns.get(name)?.[slot] ?? null;
    }
    return { profileId: slot + 1, attributes };
  }

  /** Up to `pageSize` profiles with profileId > afterId and updateMoment ≥ updatedSince. */
  list(options: {
    afterId: number;
    pageSize: number;
    updatedSince?: number;
    only?: readonly string[];
  }): ProfileSlice {
    const profiles: StoredProfile[] = [];
    const since = options.updatedSince ?? Number.NEGATIVE_INFINITY;
    let slot = Math.max(0, options.afterId);
    let lastProfileId: number | null = null;
    for (; slot < this.size && profiles.length < options.pageSize; slot++) {
      if (this.updated[slot]! < since) continue;
      profiles.push(this.read(slot, options.only));
      lastProfileId = slot + 1;
    }
    return { profiles, lastProfileId, more: slot < this.size };
  }

  /** Every profile, for tests and the demo. */
  *all(): Iterable<StoredProfile> {
    for (let slot = 0; slot < this.size; slot++) {
      const profile = this.read(slot);
      delete profile.attributes.creationMoment;
      delete profile.attributes.updateMoment;
      yield profile;
    }
  }
}
