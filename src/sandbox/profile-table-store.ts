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
 * The profiles of one table, held column-wise: one dense array per attribute, one per moment, and a
 * Map per unique attribute. Profiles are never deleted, so profileId is slot + 1 and id order is
 * insertion order — which is what keeps a cursor (the last profileId seen) correct while profiles
 * are created and updated.
 *
 * Generated profiles stay compact until touched, so ten million fit in a few GB: their slots hold
 * `undefined` and their e-mail and names are computed from the slot (`user-<n>@<entity>.example`),
 * and a generated e-mail is found by parsing it back rather than through the unique index. The
 * first write of an attribute stores its value like any other.
 */
export class ProfileTableStore {
  readonly attributes: SeedAttribute[];
  /** `undefined` in a slot: the generated value (generatedValue), or null. */
  private readonly columns = new Map<string, (AttributeValue | undefined)[]>();
  /** Runs of generated profiles: slots [slot, slot + count) are users from, from + 1, …. */
  readonly #generated: { slot: number; count: number; from: number }[] = [];
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
    return this.uniqueIndexes.get(attribute)?.get(value) ?? this.#generatedSlotOf(attribute, value);
  }

  /** The generated profile whose untouched e-mail is `value`. */
  #generatedSlotOf(attribute: string, value: AttributeValue): number | undefined {
    if (attribute !== "emailAddress" || typeof value !== "string" || this.#generated.length === 0) {
      return undefined;
    }
    const match = /^user-(\d+)@(.+)\.example$/.exec(value);
    if (!match || match[2] !== this.entity) return undefined;
    const n = Number(match[1]);
    for (const run of this.#generated) {
      const slot = run.slot + (n - run.from);
      if (n >= run.from && n < run.from + run.count && this.columns.get(attribute)?.[slot] === undefined) {
        return slot;
      }
    }
    return undefined;
  }

  /** The value of `name` in `slot`: stored, generated, or null. */
  #value(name: string, slot: number): AttributeValue {
    const stored = this.columns.get(name)?.[slot];
    if (stored !== undefined) return stored;
    return this.#generatedValue(name, slot);
  }

  #generatedValue(name: string, slot: number): AttributeValue {
    if (name !== "emailAddress" && name !== "firstName" && name !== "lastName") return null;
    for (const run of this.#generated) {
      if (slot < run.slot || slot >= run.slot + run.count) continue;
      const i = run.from + (slot - run.slot);
      if (name === "emailAddress") return `user-${i}@${this.entity}.example`;
      if (name === "firstName") return firstNames[i % firstNames.length]!;
      return lastNames[Math.floor(i / firstNames.length) % lastNames.length]!;
    }
    return null;
  }

  /**
   * Adds `count` profiles user-<from>@<entity>.example … quickly, without per-value checks. They are
   * kept compact (see the class): one `undefined` per column and two moments per profile.
   */
  generate(from: number, count: number, at: number): void {
    if (count <= 0) return;
    const hasGenerated = ["emailAddress", "firstName", "lastName"].some((name) => this.columns.has(name));
    if (hasGenerated) this.#generated.push({ slot: this.size, count, from });
    for (let i = 0; i < count; i++) {
      for (const column of this.columns.values()) column.push(undefined);
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
        const owner = this.isUnique(name) ? this.findSlot(name, value) : undefined;
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
      const previous = this.#value(name, slot);
      if (previous !== value) changed.push(name);
      const index = this.uniqueIndexes.get(name);
      // An unchanged value leaves its index entry alone: deleting and setting it again would leave a
      // hole in V8's Map each time, and a Map holds at most 2^24 entries, holes included until it
      // grows (a 10M-profile import keyed by e-mail overflowed it that way).
      // A generated value (nothing stored yet) is found by parsing, so its first write indexes it.
      if (index && (previous !== value || column[slot] === undefined)) {
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
      else if (this.columns.has(name)) attributes[name] = this.#value(name, slot);
      else attributes[name] = null;
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
