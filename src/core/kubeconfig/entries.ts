/**
 * The three kubeconfig entries `eksgate kubeconfig` writes for one team on one cluster.
 * Built from the model's exec-user forms (kubeconfig-entry.ts); the eksgate form also
 * names the team's IAM group, so that `eksgate token` can say which group a refused
 * person should ask to join.
 */
import type { Cluster, Team } from "../model/access-config.js";
import {
  awsCliExecUser,
  eksgateExecUser,
  kubeconfigCluster,
  kubeconfigContext,
  type EksgatePluginCommand,
  type NamedUser,
} from "../model/kubeconfig-entry.js";
import type { KubeconfigEntries } from "./merge.js";

export type ExecForm = "eksgate" | "aws";

/** What the entries need of a team; a config's Team has it, and so do the CLI flags. */
export type TeamIdentity = Pick<Team, "name" | "roleArn"> & { readonly iamGroup?: string };

export interface EntryOptions {
  readonly exec: ExecForm;
  /** AWS config profile the aws form runs with (required for it). */
  readonly profileName?: string;
  /** Name of the user and context instead of the cluster ARN. */
  readonly alias?: string;
  /**
   * How the eksgate form runs the plugin (default `eksgate-token`; `eksgate`, as
   * `eksgate token`, where there is no POSIX shell).
   */
  readonly plugin?: EksgatePluginCommand;
  /** Command for the eksgate form instead of the plugin's name on PATH. */
  readonly command?: string;
  /**
   * An Identity Center team: the eksgate form signs with this `aws sso login` profile
   * instead of assuming the team role.
   */
  readonly ssoProfile?: string;
}

export function teamKubeconfigEntries(
  team: TeamIdentity,
  cluster: Cluster,
  endpoint: { readonly server: string; readonly certificateAuthorityData: string },
  options: EntryOptions,
): KubeconfigEntries {
  const names = options.alias !== undefined ? { name: options.alias } : {};
  let user: NamedUser;
  if (options.exec === "aws") {
    if (options.profileName === undefined) throw new Error("the aws exec form needs a profile name");
    user = awsCliExecUser(cluster, options.profileName, names);
  } else {
    const base = eksgateExecUser(team, cluster, {
      ...names,
      ...(options.plugin !== undefined ? { plugin: options.plugin } : {}),
      ...(options.ssoProfile !== undefined ? { profile: options.ssoProfile } : {}),
    });
    user = {
      name: base.name,
      user: {
        exec: {
          ...base.user.exec,
          ...(options.command !== undefined ? { command: options.command } : {}),
        },
      },
    };
  }
  return {
    cluster: kubeconfigCluster(cluster, endpoint.server, endpoint.certificateAuthorityData),
    user,
    context: kubeconfigContext(cluster, names),
  };
}
