/** The JSON Schema for `eksgate.yaml`, generated from the same definition the parser uses. */
import * as z from "zod";
import { accessConfigSchema } from "./schema.js";

export const JSON_SCHEMA_ID = "https://eksgate.dev/schema/v1alpha1/eksgate.schema.json";

export function accessConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(accessConfigSchema, { io: "input", target: "draft-2020-12" });
  return { ...generated, $id: JSON_SCHEMA_ID, title: "eksgate AccessConfig" };
}

/** The schema file's exact text (stable key order, trailing newline). */
export function accessConfigJsonSchemaText(): string {
  return `${JSON.stringify(accessConfigJsonSchema(), null, 2)}\n`;
}
