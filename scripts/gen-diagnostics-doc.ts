// Regenerates docs/diagnostics.md from the diagnostics registry (npm run docs:diagnostics).
import { writeFile } from "node:fs/promises";
import { diagnosticsDocument } from "../test/support/diagnostics-doc.js";

await writeFile("docs/diagnostics.md", diagnosticsDocument());
process.stdout.write("wrote docs/diagnostics.md\n");
