// Type-aware lint for the whole project. Every rule we switch off says why.
import tseslint from "typescript-eslint";

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
      // The core must stay pure: no Node built-ins, SDKs or client libraries.
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "src/core is pure: no Node built-ins." },
            { group: ["@aws-sdk/*", "@smithy/*", "@kubernetes/*"], message: "src/core is pure: no SDKs." },
            {
              group: ["**/adapters/**", "**/engine/**", "**/cli/**", "**/ports/**"],
              message: "src/core imports only core.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", "process", "Date", "console", "setTimeout", "fetch"],
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
