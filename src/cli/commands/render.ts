/** `eksgate render`: show (and optionally write) everything eksgate would create, offline. */
import { loadConfigFile } from "../../adapters/fs/config-file.js";
import { OutputWriteError, writeFilesAtomically } from "../../adapters/fs/write-files.js";
import { desiredState } from "../../core/plan/desired.js";
import { stringify } from "yaml";
import type { RenderCliOptions } from "../program.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { outputWriteDiagnostic, renderDiagnostics } from "../views/diagnostics.js";
import { renderFiles, renderingData, renderText } from "../views/render.js";
import { scopeDiagnostics } from "./scope.js";

export async function renderCommand(options: RenderCliOptions, term: Terminal): Promise<number> {
  const loaded = await loadConfigFile(options.config);
  const sources = new Map(loaded.text !== undefined ? [[options.config, loaded.text]] : []);
  if (!loaded.ok) {
    term.err(renderDiagnostics(loaded.diagnostics, term, sources));
    return ExitCode.error;
  }
  if (loaded.diagnostics.length > 0) term.err(renderDiagnostics(loaded.diagnostics, term, sources));
  const config = loaded.value;

  const scope = scopeDiagnostics(config, options, options.config);
  if (scope.length > 0) {
    term.err(renderDiagnostics(scope, term));
    return ExitCode.error;
  }

  const desired = desiredState(config, {
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
    ...(options.team !== undefined ? { team: options.team } : {}),
  });
  switch (options.output) {
    case "json":
      term.out(`${JSON.stringify(renderingData(desired), null, 2)}\n`);
      break;
    case "yaml":
      term.out(stringify(renderingData(desired), { lineWidth: 0, aliasDuplicateObjects: false }));
      break;
    case "text":
      term.out(renderText(desired, options.config, term));
      break;
  }
  if (options.out !== undefined) {
    let written: string[];
    try {
      written = await writeFilesAtomically(options.out, renderFiles(desired));
    } catch (error) {
      if (!(error instanceof OutputWriteError)) throw error;
      term.err(renderDiagnostics([outputWriteDiagnostic(error, "--out")], term));
      return ExitCode.error;
    }
    term.err(`wrote ${written.length} files under ${options.out}\n`);
  }
  return ExitCode.ok;
}
