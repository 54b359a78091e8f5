// Prints a parsed scenario file back as canonical `.zmq` text (two-space indentation, one blank line between
// blocks), for the parser's round-trip tests: parsing the output must give the same file.
import { formatSubject } from '../../src/core/scenario/scenarioAssertions';
import type { EndpointDef, FrameSpec, ScenarioFile, Step } from '../../src/core/scenario/scenarioAst';

export function formatScenarioFile(file: Pick<ScenarioFile, 'variables' | 'endpoints' | 'scenarios'>): string {
  const blocks: string[] = [];
  if (file.variables.length) blocks.push(file.variables.map((v) => `@${v.name} = ${v.value}`).join('\n'));
  for (const endpoint of file.endpoints) blocks.push(formatEndpoint(endpoint).join('\n'));
  for (const scenario of file.scenarios) blocks.push([`scenario ${scenario.name}`, ...formatSteps(scenario.steps, '  ')].join('\n'));
  return blocks.join('\n\n') + '\n';
}

/** Quotes text that would not read back as itself (empty, padded, or quoted already). */
function quoteIfNeeded(text: string): string {
  return text === '' || text !== text.trim() || text.startsWith('"') ? JSON.stringify(text) : text;
}

function formatEndpoint(e: EndpointDef): string[] {
  const lines = [`endpoint ${e.name} ${e.type} ${e.mode} ${e.address}`];
  for (const prefix of e.subscriptions) lines.push(`  subscribe ${quoteIfNeeded(prefix)}`);
  if (e.routingId !== undefined) lines.push(`  routing-id ${quoteIfNeeded(e.routingId)}`);
  if (e.sendHighWaterMark !== undefined) lines.push(`  sndhwm ${e.sendHighWaterMark}`);
  if (e.receiveHighWaterMark !== undefined) lines.push(`  rcvhwm ${e.receiveHighWaterMark}`);
  if (e.linger !== undefined) lines.push(`  linger ${e.linger}`);
  if (e.reconnectIntervalMs !== undefined) lines.push(`  reconnect ${e.reconnectIntervalMs}ms`);
  const s = e.security;
  if (s) {
    const options: [string, string | undefined][] = [
      ['server-key', s.serverPublicKey],
      ['keypair', s.keyPair],
      ['allow', s.allowedClientKeys?.join(',')],
      ['user', s.username],
      ['users', s.users?.join(',')],
      ['password', s.passwordName],
    ];
    lines.push(`  security ${[s.mechanism, ...options.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`)].join(' ')}`);
  }
  return lines;
}

function formatFrame(frame: FrameSpec): string {
  return frame.value === '' ? frame.format : `${frame.format} ${frame.value}`;
}

const ms = (value: number) => `${value}ms`;

function formatSteps(steps: Step[], indent: string): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    const inner = `${indent}  `;
    const within = 'timeoutMs' in step && step.timeoutMs !== undefined ? ` within ${ms(step.timeoutMs)}` : '';
    switch (step.kind) {
      case 'send':
        lines.push(`${indent}send ${step.endpoint}`, ...step.frames.map((f) => inner + formatFrame(f)));
        break;
      case 'receive':
      case 'request': {
        lines.push(`${indent}${step.kind === 'receive' ? step.keyword : 'request'} ${step.endpoint}${within}`);
        if (step.kind === 'request') lines.push(...step.frames.map((f) => inner + formatFrame(f)));
        for (const a of step.assertions)
          lines.push(`${inner}${formatSubject(a.subject)} ${a.op}${a.expected !== undefined ? ` ${a.expected.raw}` : ''}`);
        for (const c of step.captures) lines.push(`${inner}capture ${c.name} = ${formatSubject(c.subject)}`);
        break;
      }
      case 'subscribe':
      case 'unsubscribe':
        lines.push(`${indent}${step.kind} ${step.endpoint}${step.prefix === '' ? '' : ` ${quoteIfNeeded(step.prefix)}`}`);
        break;
      case 'wait':
        lines.push(`${indent}wait ${ms(step.durationMs)}`);
        break;
      case 'waitFor':
        lines.push(`${indent}wait for ${step.endpoint}${within}`);
        break;
      case 'repeat':
        lines.push(
          `${indent}repeat ${step.count}${step.everyMs !== undefined ? ` every ${ms(step.everyMs)}` : ''}`,
          ...formatSteps(step.steps, inner),
        );
        break;
      case 'generate': {
        const options = [
          step.rate !== undefined ? `rate ${step.rate}/s` : '',
          step.burst ? `burst ${step.burst.size} every ${ms(step.burst.everyMs)}` : '',
          step.count !== undefined ? `count ${step.count}` : '',
          step.durationMs !== undefined ? `for ${ms(step.durationMs)}` : '',
        ].filter(Boolean);
        lines.push(`${indent}generate ${step.endpoint} ${options.join(' ')}`, ...step.frames.map((f) => inner + formatFrame(f)));
        break;
      }
      case 'replay': {
        const options = [
          step.speed === 1 ? '' : `speed ${step.speed === 'max' ? 'max' : `${step.speed}x`}`,
          step.session !== undefined ? `session ${step.session}` : '',
          step.direction ? `direction ${step.direction}` : '',
        ].filter(Boolean);
        lines.push(`${indent}replay ${step.endpoint} ${step.file}${options.length ? ` ${options.join(' ')}` : ''}`);
        break;
      }
    }
  }
  return lines;
}
