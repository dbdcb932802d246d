// Type-aware lint for the whole project. Every rule we switch off says why.
import tseslint from "typescript-eslint";

/** What src/core may not import: Node built-ins, SDKs, or anything outside the core. */
const CORE_PURITY = [
  { group: ["node:*"], message: "src/core is pure: no Node built-ins." },
  { group: ["@aws-sdk/*", "@smithy/*", "@kubernetes/*"], message: "src/core is pure: no SDKs." },
  {
    group: ["**/adapters/**", "**/engine/**", "**/cli/**", "**/ports/**"],
    message: "src/core imports only core.",
  },
];

/** The SDKs and client libraries, which only src/adapters may load. */
const SDKS = ["@aws-sdk/*", "@smithy/*", "@kubernetes/*"];
const SDK_MESSAGE =
  "AWS SDK and @kubernetes/client-node imports stay in src/adapters (see docs/architecture.md).";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "test/env/k8s/**/*.go"] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Template literals with numbers are idiomatic and safe.
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Outside src/adapters no code imports an SDK, statically or with import(). The one
    // exception is the token entry point's own credential chain, loaded only when needed.
    files: ["src/**/*.ts"],
    ignores: ["src/adapters/**", "src/token/credentials-chain.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: SDKS, message: SDK_MESSAGE }] }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportExpression[source.value=/^@(aws-sdk|smithy|kubernetes)./]",
          message: SDK_MESSAGE,
        },
      ],
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: CORE_PURITY }],
      "no-restricted-globals": ["error", "process", "Date", "console", "setTimeout", "fetch"],
    },
  },
  {
    // The model is the bottom of the core: every other part of it builds on the model, so the
    // model imports none of them (docs/architecture.md).
    files: ["src/core/model/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...CORE_PURITY,
            {
              group: [
                "**/config/**",
                "**/evaluate/**",
                "**/kubeconfig/**",
                "**/lint/**",
                "**/migrate/**",
                "**/plan/**",
                "**/snapshot/**",
              ],
              message:
                "core/model imports only core/model, diagnostics and yaml-js; see docs/architecture.md.",
            },
          ],
        },
      ],
    },
  },
  {
    // The plan part of docs/architecture.md: the planner reads the model and nothing else of
    // the core (same purity rules as the rest of src/core).
    files: ["src/core/plan/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...CORE_PURITY,
            {
              group: ["**/config/**", "**/evaluate/**", "**/lint/**", "**/snapshot/**"],
              message: "The planner works from the model (core/model) only; see docs/architecture.md.",
            },
          ],
        },
      ],
    },
  },
  {
    // Use cases talk to the world through ports only; ports speak the model's vocabulary.
    files: ["src/engine/**/*.ts", "src/ports/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: SDKS, message: SDK_MESSAGE },
            { group: ["**/adapters/**", "**/cli/**"], message: "The engine reaches adapters through ports." },
          ],
        },
      ],
    },
  },
  {
    files: ["src/token/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/core/plan/**",
                "**/core/evaluate/**",
                "**/core/config/**",
                "yaml",
                "zod",
                "commander",
                "listr2",
              ],
              message: "The token path stays tiny.",
            },
            { group: SDKS, message: SDK_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
