// Builds dist/ with esbuild. Code splitting keeps the `eksgate token` path tiny:
// the CLI loads heavy modules (SDKs, yaml, zod) only through dynamic imports.
import { build } from "esbuild";
import { chmod, readFile, rm } from "node:fs/promises";

const { version } = JSON.parse(await readFile("package.json", "utf8"));

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts", token: "src/token/main.ts" },
  outdir: "dist",
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
await chmod("dist/cli.js", 0o755);
await chmod("dist/token.js", 0o755);
