import type { SandboxSeed } from "./sandbox-seed.ts";

/**
 * The data `emi sandbox` serves without a seed file. It matches the example declarations in
 * integrations/: one licence per account, in the declared environment, with the declared entity
 * and table. Boreal's e-mail attribute is not unique and has duplicates and profiles without
 * e-mail, as real tables do.
 */
export const defaultSeed: SandboxSeed = {
  licences: [
    {
      name: "nordlys",
      endpoint: "api3",
      apiKeys: ["sandbox-key-nordlys"],
      entities: [{ name: "nordlys", profileTables: [{ id: "16", name: "customers", generate: 2000 }] }],
    },
    {
      name: "boreal",
      endpoint: "api1",
      apiKeys: ["sandbox-key-boreal"],
      entities: [
        {
          name: "boreal",
          profileTables: [
            {
              id: "7",
              name: "members",
              attributes: [
                {
                  name: "emailAddress",
                  type: "EMAIL_ADDRESS",
                  valueType: "STRING",
                  unique: false,
                  valueRestriction: { maxLength: 255 },
                },
                { name: "firstName", type: "FIRSTNAME", valueType: "STRING", unique: false },
                { name: "lastName", type: "LASTNAME", valueType: "STRING", unique: false },
                { name: "memberNumber", type: "CUSTOM", valueType: "STRING", unique: true },
              ],
              generate: 1490,
              profiles: [
                { emailAddress: "user-1@boreal.example", firstName: "Duplicate", memberNumber: "B-90001" },
                { emailAddress: "user-2@boreal.example", firstName: "Duplicate", memberNumber: "B-90002" },
                { emailAddress: "user-2@boreal.example", firstName: "Triplicate", memberNumber: "B-90003" },
                { emailAddress: "shared@boreal.example", firstName: "Shared", memberNumber: "B-90004" },
                { emailAddress: "shared@boreal.example", firstName: "Shared", memberNumber: "B-90005" },
                { emailAddress: null, firstName: "NoMail", memberNumber: "B-90006" },
                { emailAddress: null, firstName: "NoMail", memberNumber: "B-90007" },
                { emailAddress: null, firstName: "NoMail", memberNumber: "B-90008" },
                { firstName: "NoMail", lastName: "Walk-in", memberNumber: "B-90009" },
                { firstName: "NoMail", lastName: "Walk-in", memberNumber: "B-90010" },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "lumen",
      endpoint: "api3",
      apiKeys: ["sandbox-key-lumen"],
      entities: [{ name: "lumen", profileTables: [{ id: "3", name: "customers", generate: 1000 }] }],
    },
    {
      name: "solstice",
      endpoint: "api",
      apiKeys: ["sandbox-key-solstice"],
      entities: [{ name: "solstice", profileTables: [{ id: "21", name: "customers", generate: 500 }] }],
    },
  ],
};
