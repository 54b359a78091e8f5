// Demo traffic for trying the inspector (npm start) and for e2e tests, on the project's own zeromq package:
//   PUB  tcp://127.0.0.1:5556  JSON ticks on ticks.AAPL / ticks.MSFT, protobuf demo.Tick on proto.ticks (~20 msg/s)
//   REP  tcp://127.0.0.1:5557  replies {"echo": [request frames as text], "at": ISO time} to every request
//   PUSH tcp://127.0.0.1:5558  work items (JSON), one every 500 ms while a PULL is connected
// Env: DEMO_HOST, DEMO_PUB_PORT, DEMO_REP_PORT, DEMO_PUSH_PORT, DEMO_RATE (PUB messages per second).
// Prints one line "demo-traffic ready ..." once everything is bound. Ctrl-C or SIGTERM closes everything.
import * as zmq from 'zeromq';

const host = process.env.DEMO_HOST ?? '127.0.0.1';
const port = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a TCP port, got ${process.env[name]}`);
  return value;
};
const pubAddress = `tcp://${host}:${port('DEMO_PUB_PORT', 5556)}`;
const repAddress = `tcp://${host}:${port('DEMO_REP_PORT', 5557)}`;
const pushAddress = `tcp://${host}:${port('DEMO_PUSH_PORT', 5558)}`;
const rate = Math.max(1, Number(process.env.DEMO_RATE ?? 20));

// ---- demo.Tick (demo/workspace/proto/tick.proto), encoded by hand: the wire format is small ----
function varint(value) {
  let v = BigInt(value);
  const bytes = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return bytes;
}
const key = (field, wireType) => varint((field << 3) | wireType);

/** message Tick { string sym = 1; double price = 2; uint64 seq = 3; int64 ts = 4; uint32 size = 5; } */
function encodeTick({ sym, price, seq, ts, size }) {
  const symBytes = Buffer.from(sym, 'utf8');
  const priceBytes = Buffer.alloc(8);
  priceBytes.writeDoubleLE(price);
  return Buffer.from([
    ...key(1, 2),
    ...varint(symBytes.length),
    ...symBytes,
    ...key(2, 1),
    ...priceBytes,
    ...key(3, 0),
    ...varint(seq),
    ...key(4, 0),
    ...varint(ts),
    ...key(5, 0),
    ...varint(size),
  ]);
}

// ---- prices that wander like a market ----
const prices = { AAPL: 190, MSFT: 420, GOOG: 170 };
function nextPrice(sym) {
  prices[sym] = Math.max(1, prices[sym] * (1 + (Math.random() - 0.5) * 0.002));
  return Math.round(prices[sym] * 100) / 100;
}

const pub = new zmq.Publisher({ linger: 0 });
const rep = new zmq.Reply({ linger: 0 });
const push = new zmq.Push({ linger: 0, sendHighWaterMark: 100 });
let running = true;
const counts = { pub: 0, rep: 0, push: 0 };

async function publishTicks() {
  const plan = [() => ['ticks.AAPL', 'json', 'AAPL'], () => ['ticks.MSFT', 'json', 'MSFT'], () => ['proto.ticks', 'proto', 'GOOG']];
  let seq = 0;
  while (running) {
    const [topic, format, sym] = plan[seq % plan.length]();
    seq += 1;
    const tick = { sym, price: nextPrice(sym), seq, ts: Date.now() };
    const payload = format === 'json' ? JSON.stringify(tick) : encodeTick({ ...tick, size: 100 * (1 + (seq % 7)) });
    await pub.send([topic, payload]);
    counts.pub += 1;
    await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
}

async function serveEcho() {
  for await (const frames of rep) {
    counts.rep += 1;
    await rep.send(JSON.stringify({ echo: frames.map((frame) => frame.toString('utf8')), at: new Date().toISOString() }));
  }
}

async function pushWork() {
  const tasks = ['resize', 'thumbnail', 'transcode', 'checksum'];
  let job = 0;
  while (running) {
    job += 1;
    // Waits (no loss) while no PULL is connected: PUSH blocks when it has no peer.
    await push.send(
      JSON.stringify({ job, task: tasks[job % tasks.length], file: `images/${1000 + job}.png`, queuedAt: new Date().toISOString() }),
    );
    counts.push += 1;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function shutdown(signal) {
  if (!running) return;
  running = false;
  console.log(
    `demo-traffic: ${signal}, closing (sent ${counts.pub} ticks, answered ${counts.rep} requests, pushed ${counts.push} work items)`,
  );
  for (const socket of [pub, rep, push]) socket.close();
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await pub.bind(pubAddress);
  await rep.bind(repAddress);
  await push.bind(pushAddress);
} catch (error) {
  console.error(
    `demo-traffic: cannot bind (${error.message}). Is another demo already running? Change ports with DEMO_PUB_PORT, DEMO_REP_PORT, DEMO_PUSH_PORT.`,
  );
  process.exit(1);
}
console.log(`demo-traffic ready PUB ${pubAddress} REP ${repAddress} PUSH ${pushAddress} (${rate} ticks/s)`);
const ignoreClosed = (error) => {
  if (running) console.error(`demo-traffic: ${error.message}`);
};
publishTicks().catch(ignoreClosed);
serveEcho().catch(ignoreClosed);
pushWork().catch(ignoreClosed);
