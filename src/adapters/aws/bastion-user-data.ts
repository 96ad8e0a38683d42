/**
 * The bastion's first-boot script (EC2 user data). It carries no secret: user data is readable by anyone who
 * may describe the instance, and from the instance metadata service.
 *
 * The dead-man switch is armed before anything else, so that nothing later in the script (a package
 * repository that cannot be reached, say) can keep it from being armed. With the instance's
 * `InstanceInitiatedShutdownBehavior: terminate`, the halt terminates the instance.
 *
 * Session Manager shells run as `ssm-user`, which the SSM agent makes a passwordless sudoer — enough to
 * cancel the switch (`shutdown -c`). The agent adds no sudoers entry for an `ssm-user` that already exists
 * (agent 2.3.634.0 and later), so the script creates it first and removes an entry written before it ran.
 */
export function bastionUserData(shutdownAfterSeconds: number): string {
  return [
    '#!/bin/bash',
    '# Drawbridge bastion: ends itself whatever happens to the scheduler and the sweeper.',
    `shutdown -h +${shutdownMinutes(shutdownAfterSeconds)}`,
    '# Session shells get no root: they cannot cancel the switch or touch the agent.',
    'id ssm-user >/dev/null 2>&1 || useradd --create-home ssm-user',
    'rm -f /etc/sudoers.d/ssm-agent-users',
    '# A MySQL client for sessions on the bastion itself (port forwarding does not need it).',
    'dnf install -y mariadb105',
    '',
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
