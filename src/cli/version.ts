declare const __EKSGATE_VERSION__: string | undefined;

/** Set at build time from package.json; "dev" when running from source. */
export const EKSGATE_VERSION: string = typeof __EKSGATE_VERSION__ === "string" ? __EKSGATE_VERSION__ : "dev";
