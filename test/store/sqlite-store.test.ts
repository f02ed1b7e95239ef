import { sqliteHarness } from "./store-harness.ts";
import { describeStoreContract } from "./store-contract.ts";

describeStoreContract(sqliteHarness());
