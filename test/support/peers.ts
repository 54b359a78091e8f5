// Real peers for tests: pyzmq scripts run by Debian's /usr/bin/python3 (a ZeroMQ stack nobody here
// wrote), started as child processes that print READY once bound or connected.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface PythonPeer {
  process: ChildProcess;
  /** Lines the peer printed on stdout so far. */
  lines: string[];
  /** Resolves when the peer printed a line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const PYTHON = '/usr/bin/python3';

// print() writes its arguments piece by piece: a monitor thread printing at the same moment splices its
// line into the middle of another ("READYEVENT ..."). One locked write per line keeps lines whole.
const ATOMIC_PRINT = `import builtins, threading as _threading
_print_lock = _threading.Lock()
_builtin_print = builtins.print
def _atomic_print(*args, sep=' ', end='\\n', file=None, flush=False):
    with _print_lock:
        _builtin_print(sep.join(str(a) for a in args) + end, end='', file=file, flush=True)
builtins.print = _atomic_print
`;

// A test process that dies without its after() hooks (libzmq's pipe.cpp:355 abort did) left its peers
// running with their ports bound, and every later test file on those ports failed. Linux's
// PR_SET_PDEATHSIG (1) has the kernel kill the peer when the test process goes.
export const DIE_WITH_PARENT = `import ctypes as _ctypes, signal as _signal
try:
    _ctypes.CDLL(None, use_errno=True).prctl(1, _signal.SIGKILL)
except Exception:
    pass
`;

/** Starts `/usr/bin/python3 -c script` and waits for its READY line. The script gets `zmq` imported. */
export async function startPythonPeer(script: string, args: string[] = []): Promise<PythonPeer> {
  const child = spawn(PYTHON, ['-u', '-c', `${DIE_WITH_PARENT}${ATOMIC_PRINT}import zmq, sys, time, json\n${script}`, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const peer: PythonPeer = {
    process: child,
    lines,
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`python peer did not print ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`python peer exited (${code}) before ${pattern}; stderr: ${stderr}`));
        });
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
  await peer.waitForLine(/^READY/);
  return peer;
}

/**
 * A pyzmq peer with one socket of `type`, bound or connected at `address`, that prints READY and then runs
 * `body` (Python; the socket is named after its type in lower case: `pub`, `rep`, `push`, ...).
 */
export function startPythonSocket(
  type: 'PUB' | 'SUB' | 'REQ' | 'REP' | 'PUSH' | 'PULL' | 'DEALER' | 'ROUTER' | 'PAIR',
  action: 'bind' | 'connect',
  address: string,
  body: string,
  args: string[] = [],
): Promise<PythonPeer> {
  const name = type.toLowerCase();
  const preamble = `ctx = zmq.Context()\n${name} = ctx.socket(zmq.${type})\n${name}.${action}(${JSON.stringify(address)})\nprint("READY", flush=True)\n`;
  return startPythonPeer(preamble + body, args);
}

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it is true or `timeoutMs` passes (then throws with `what`). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}
