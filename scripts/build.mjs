// Builds dist/ with esbuild (or another directory: `node scripts/build.mjs --outdir DIR`,
// which the end-to-end tests use for a private build). Code splitting keeps the
// `eksgate token` path tiny: the CLI loads heavy modules (SDKs, yaml, zod) only through
// dynamic imports.
import { build } from "esbuild";
import { chmod, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { outdir: { type: "string", default: "dist" } } });
const outdir = values.outdir;
const { version } = JSON.parse(await readFile("package.json", "utf8"));

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts", token: "src/token/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
  define: { __EKSGATE_VERSION__: JSON.stringify(version) },
});
await chmod(join(outdir, "cli.js"), 0o755);
await chmod(join(outdir, "token.js"), 0o755);
