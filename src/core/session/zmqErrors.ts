// Turns libzmq/zeromq.js errors into messages a user can act on. The core never shows UI: callers get a
// `ZmqUserError` whose message is ready for a notification.
import type * as Zmq from 'zeromq';

export class ZmqUserError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ZmqUserError';
  }
}

let loaded: typeof Zmq | undefined;

/** Loads the native addon on first use, so a platform without a prebuild fails with a clear message. */
export function loadZeromq(): typeof Zmq {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('zeromq') as typeof Zmq;
    return loaded;
  } catch (error) {
    throw new ZmqUserError(
      `The ZeroMQ native library could not be loaded on ${process.platform}-${process.arch} (${errorText(error)}). ` +
        'Install the extension package built for this platform (in Remote/WSL the extension runs on the remote machine).',
      'ENOADDON',
    );
  }
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export type ZmqAction = 'bind' | 'connect' | 'send' | 'receive' | 'configure';

/** Explains an error of `action` on `address` (or on the socket when no address applies). */
export function explainZmqError(error: unknown, action: ZmqAction, address?: string, socketType?: string): ZmqUserError {
  const code = errorCode(error);
  const where = address ? ` ${address}` : '';
  const raw = errorText(error);
  switch (code) {
    case 'EADDRINUSE':
      return new ZmqUserError(
        `Cannot bind${where}: the address is already in use (another process, or another session, is ` +
          'bound to it). Stop that process, pick another port, or connect to it instead of binding.',
        code,
      );
    case 'EACCES':
      return new ZmqUserError(
        `Cannot ${action}${where}: permission denied. For ipc:// check that the directory exists and is writable; ports below 1024 need root.`,
        code,
      );
    case 'ENOENT':
      return new ZmqUserError(`Cannot ${action}${where}: the path does not exist (for ipc:// the directory must exist).`, code);
    case 'EADDRNOTAVAIL':
      return new ZmqUserError(
        `Cannot ${action}${where}: the address is not available on this machine (is the host/interface name right?).`,
        code,
      );
    case 'ENODEV':
      return new ZmqUserError(`Cannot ${action}${where}: no such network interface.`, code);
    case 'EPROTONOSUPPORT':
      return new ZmqUserError(`Cannot ${action}${where}: this libzmq does not support that transport.`, code);
    case 'ECONNREFUSED':
      return new ZmqUserError(`Cannot connect${where}: connection refused (nothing listens there).`, code);
    case 'EINVAL':
      return new ZmqUserError(`Cannot ${action}${where}: libzmq rejected the address or option as invalid (${raw}).`, code);
    case 'EHOSTUNREACH':
      return new ZmqUserError(
        'Cannot send: no connected peer has that routing id. A ROUTER needs the routing ' +
          'id of a peer that is connected now (see the peers in the Endpoints view).',
        code,
      );
    case 'EFSM':
      return new ZmqUserError(
        socketType === 'REQ'
          ? 'Cannot send: a REQ socket must receive the reply to its last request before it sends again (REQ/REP lock-step).'
          : socketType === 'REP'
            ? 'Cannot send: a REP socket can only send a reply after it has received a request.'
            : `Cannot ${action}: the socket is in the wrong state for that (lock-step pattern).`,
        code,
      );
    case 'EAGAIN':
      return new ZmqUserError(
        `Cannot ${action}: timed out${action === 'send' ? ' (no peer ready to receive: is anything connected, and is it reading?)' : ''}.`,
        code,
      );
    case 'ENOTSUP':
      return new ZmqUserError(`${socketType ?? 'This'} socket cannot ${action}.`, code);
    case 'EBUSY':
      return new ZmqUserError(`Cannot ${action}: another ${action} on this socket is still in progress.`, code);
    case 'ETERM':
    case 'ENOTSOCK':
      return new ZmqUserError(`Cannot ${action}: the socket is closed.`, code);
    default:
      return new ZmqUserError(`Cannot ${action}${where}: ${raw}`, code);
  }
}
