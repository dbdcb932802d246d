// The HTML audit report in a real browser: Debian's chromium, headless. The screenshot is
// kept under test-artifacts/ (gitignored) for a person to look at.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";
import { SPAWN_DEADLINE_MS } from "../support/time-limits.js";

const run = promisify(execFile);
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve("test-artifacts");
const SCREENSHOT = join(ARTIFACTS, "audit-report.png");

function chromiumArgs(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
  ];
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("eksgate audit --html in headless Chromium", () => {
  let dir: string;
  let report: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = mkdtempSync(join(tmpdir(), "eksgate-audit-html-"));
    report = join(dir, "report.html");
    const term = recordingTerminal();
    const code = await runCli(["audit", "--snapshot", "test/fixtures/snapshot/org", "--html", report], term);
    expect(code).toBe(1); // the fixture maps roles into system:masters
    expect(term.stdout()).toContain(`wrote ${report}`);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("is self-contained: no external scripts, styles or images", () => {
    const html = readFileSync(report, "utf8");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
  });

  it("renders a screenshot of the page", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(SCREENSHOT, { force: true });
    const profile = mkdtempSync(join(dir, "profile-"));
    await run(
      CHROMIUM,
      [...chromiumArgs(profile), `--screenshot=${SCREENSHOT}`, "--window-size=1400,1000", `file://${report}`],
      { timeout: SPAWN_DEADLINE_MS },
    );
    expect(existsSync(SCREENSHOT)).toBe(true);
    const bytes = readFileSync(SCREENSHOT);
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    expect(pngSize(bytes)).toEqual({ width: 1400, height: 1000 });
  });

  it("has the findings and the graph nodes in the rendered DOM", async () => {
    const profile = mkdtempSync(join(dir, "profile-"));
    const { stdout } = await run(CHROMIUM, [...chromiumArgs(profile), "--dump-dom", `file://${report}`], {
      timeout: SPAWN_DEADLINE_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('<table id="findings">');
    expect(stdout).toMatch(/<tr class="finding error" data-code="AUD101">/);
    expect(stdout).toMatch(/<tr class="finding error" data-code="AUD121">/);
    expect(stdout).toMatch(/<tr class="finding warning" data-code="AUD130">/);
    const svgs = stdout.match(/<svg class="graph"[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(2);
    const staging = svgs.find((s) => s.includes('aria-label="access graph of cluster staging"')) ?? "";
    expect(staging).toContain('data-id="iam-group:rnd"');
    expect(staging).toContain(">group rnd</text>");
    expect(staging).toContain(">role eksgate-rnd</text>");
    expect(staging).toContain(">ClusterRole cluster-admin</text>");
    expect(staging).toMatch(
      /data-from="iam-group:rnd" data-to="iam-role:arn:aws:iam::111122223333:role\/eksgate-rnd"/,
    );
  });
});
