/**
 * The bastion's first-boot configuration (EC2 user data), a cloud-init `#cloud-config` document. It carries
 * no secret: user data is readable by anyone who may describe the instance, and from the instance metadata
 * service.
 *
 * **No session before the hardening.** Session Manager shells run as `ssm-user`, which the SSM agent makes a
 * passwordless sudoer when it creates the user — enough to cancel the dead-man switch. The agent adds no
 * sudoers entry for an `ssm-user` that already exists (agent 2.3.634.0 and later). So the user is made, and
 * any entry removed, in `bootcmd`: cloud-init's init stage, which systemd runs before `network-online.target`,
 * and the agent's unit starts only after that target — so the agent cannot be `Online`, and no session can
 * open, before the hardening ran. Should the hardening fail, the agent is masked for this boot and never comes
 * `Online`: provisioning then fails at `wait-reachable` and is compensated (fail closed).
 *
 * **The dead-man switch** is the first command of the final stage (`runcmd`), before anything that could stall
 * (a package repository that cannot be reached). With `InstanceInitiatedShutdownBehavior: terminate`, the halt
 * terminates the instance.
 */
import { stringify } from 'yaml';

/** The hardening, as one shell command so that any failure masks the agent. */
export const HARDENING_COMMAND =
  '(id ssm-user >/dev/null 2>&1 || useradd --create-home ssm-user) && rm -f /etc/sudoers.d/ssm-agent-users' +
  ' || systemctl mask --runtime --now amazon-ssm-agent';

export function bastionUserData(shutdownAfterSeconds: number): string {
  const config = {
    bootcmd: [['sh', '-c', HARDENING_COMMAND]],
    runcmd: [
      ['shutdown', '-h', `+${shutdownMinutes(shutdownAfterSeconds)}`],
      // A MySQL client for sessions on the bastion itself (port forwarding does not need it).
      ['dnf', 'install', '-y', 'mariadb105'],
    ],
  };
  return [
    '#cloud-config',
    '# Drawbridge bastion: no root for session shells before the SSM agent starts; ends itself whatever',
    '# happens to the scheduler and the sweeper.',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}

/** Whole minutes for `shutdown -h +N`, rounded up (never earlier than asked) and at least 1 (`+0` is now). */
export function shutdownMinutes(shutdownAfterSeconds: number): number {
  if (!Number.isFinite(shutdownAfterSeconds)) {
    throw new RangeError(`shutdownAfterSeconds must be finite, got ${shutdownAfterSeconds}`);
  }
  return Math.max(1, Math.ceil(shutdownAfterSeconds / 60));
}

export function encodeUserData(script: string): string {
  return Buffer.from(script, 'utf8').toString('base64');
}
