// Regenerates schema/eksgate.schema.json from the config schema (npm run schema).
import { mkdir, writeFile } from "node:fs/promises";
import { accessConfigJsonSchemaText } from "../src/core/config/json-schema.js";

await mkdir("schema", { recursive: true });
await writeFile("schema/eksgate.schema.json", accessConfigJsonSchemaText());
process.stdout.write("wrote schema/eksgate.schema.json\n");
