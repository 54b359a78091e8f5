// "Plot this field": the decoded field a user picked, as what the monitoring panel samples: the
// message's topic and session, and an expression path (`$.price` for the payload, `$2.x` for frame 2).
import type { FieldPlotSpec } from '../core/monitor/trafficSampler';
import type { CaptureRecord } from '../core/types';

export function plotSpecFor(record: CaptureRecord, frameIndex: number, path: (string | number)[]): FieldPlotSpec {
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= record.frames.length)
    throw new Error(`Message #${record.seq} has no frame ${frameIndex}.`);
  if (!Array.isArray(path) || path.length === 0 || path.length > 32) throw new Error('Pick a field inside the decoded value to plot.');
  let expression = frameIndex === payloadIndex(record) ? '$' : `$${frameIndex}`;
  for (const key of path) {
    if (typeof key === 'number' && Number.isInteger(key) && key >= 0) expression += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][\w]*$/.test(key)) expression += `.${key}`;
    else if (typeof key === 'string') expression += `[${JSON.stringify(key.slice(0, 200))}]`;
    else throw new Error('A field path is made of names and array indexes.');
  }
  const topic = record.hasTopic && record.frames.length ? new TextDecoder().decode(record.frames[0].subarray(0, 200)) : '';
  return { topic, path: expression, sessionId: record.sessionId };
}

/** The frame `$` means (as in filter expressions): the first non-empty one after the topic or routing id. */
function payloadIndex(record: CaptureRecord): number {
  let index = record.hasTopic || record.hasRoutingId ? 1 : 0;
  while (index < record.frames.length - 1 && record.frames[index].length === 0) index++;
  return Math.min(index, record.frames.length - 1);
}
