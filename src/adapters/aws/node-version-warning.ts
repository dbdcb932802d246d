/**
 * The AWS SDK v3 prints a NodeVersionSupportWarning on stderr under Node 20 the first time a
 * client is constructed. eksgate supports Node 20 on purpose (the SDK is pinned to releases
 * that still run there), so the warning would only be noise in every command's output.
 * The SDK reads this variable when a client is built, so importing this module before any
 * client exists is enough. A value the user set explicitly is kept.
 */
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

export {};
