// Keys and passwords for the CLI, by the names scenario files use: from environment variables (a CI's
// secret store sets them), never from the scenario file or the command line where they would be logged.
//   ZEROMQ_KEYPAIR_<NAME>="<public Z85> <secret Z85>"   ZEROMQ_PASSWORD_<NAME>="..."
import type { EndpointSecurity } from '../core/session/endpointConfig';
import type { CurveKeyPair, SessionSecurity } from '../core/security/security';
import { ZmqUserError } from '../core/session/zmqErrors';

export function environmentName(kind: 'KEYPAIR' | 'PASSWORD', name: string): string {
  return `ZEROMQ_${kind}_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function keyPair(name: string, env: NodeJS.ProcessEnv): CurveKeyPair {
  const variable = environmentName('KEYPAIR', name);
  const parts = env[variable]?.trim().split(/\s+/);
  if (!parts || parts.length !== 2)
    throw new ZmqUserError(
      `The key pair "${name}" is not set: put "<public key> <secret key>" (Z85, separated by a blank) in ${variable}.`,
    );
  return { publicKey: parts[0], secretKey: parts[1] };
}

function password(name: string, env: NodeJS.ProcessEnv): string {
  const variable = environmentName('PASSWORD', name);
  const value = env[variable];
  if (value === undefined) throw new ZmqUserError(`The password "${name}" is not set: put it in ${variable}.`);
  return value;
}

export async function resolveSecurityFromEnvironment(
  setting: EndpointSecurity,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SessionSecurity> {
  switch (setting.mechanism) {
    case 'curve-client':
      return {
        mechanism: 'curve-client',
        serverPublicKey: setting.serverPublicKey ?? '',
        ...(setting.keyPair ? keyPair(setting.keyPair, env) : {}),
      };
    case 'curve-server':
      return { mechanism: 'curve-server', ...keyPair(setting.keyPair ?? '', env), allowedClientKeys: setting.allowedClientKeys };
    case 'plain-client':
      return {
        mechanism: 'plain-client',
        username: setting.username ?? '',
        password: password(setting.passwordName ?? setting.username ?? '', env),
      };
    case 'plain-server':
      return {
        mechanism: 'plain-server',
        users: (setting.users ?? []).map((username) => ({
          username,
          password: password(`${setting.passwordName ?? 'server'}:${username}`, env),
        })),
      };
  }
}
