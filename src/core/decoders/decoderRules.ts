// Rules that pin a decoder to frames by session, topic prefix and frame index. They come from settings,
// so anything malformed is skipped rather than trusted.
import type { DecodeContext } from '../types';

/** Pins a decoder by session, topic prefix and frame index; unset fields match anything. */
export interface DecoderRule {
  decoder: string;
  sessionId?: string;
  topicPrefix?: string;
  frameIndex?: number;
  /** For protobuf: the fully-qualified message type, e.g. demo.Tick. */
  messageType?: string;
}

const optional = (v: unknown, type: 'string' | 'number') => v === undefined || typeof v === type;

export function isDecoderRule(value: unknown): value is DecoderRule {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.decoder === 'string' &&
    optional(r.sessionId, 'string') &&
    optional(r.topicPrefix, 'string') &&
    optional(r.messageType, 'string') &&
    (r.frameIndex === undefined || Number.isInteger(r.frameIndex))
  );
}

/** Session beats topic beats frame index; between otherwise equal rules the longer topic prefix wins. */
export function ruleSpecificity(rule: DecoderRule): number {
  const criteria =
    (rule.sessionId !== undefined ? 4 : 0) + (rule.topicPrefix !== undefined ? 2 : 0) + (rule.frameIndex !== undefined ? 1 : 0);
  return criteria * 1_000_000 + Math.min(rule.topicPrefix?.length ?? 0, 999_999);
}

export function ruleMatches(rule: DecoderRule, context: DecodeContext): boolean {
  if (rule.sessionId !== undefined && rule.sessionId !== context.sessionId) return false;
  if (rule.frameIndex !== undefined && rule.frameIndex !== context.frameIndex) return false;
  if (rule.topicPrefix !== undefined && (context.topic === undefined || !context.topic.startsWith(rule.topicPrefix))) return false;
  return true;
}

/** The most specific rule matching the frame (the first of equals), if any. */
export function matchRule(rules: readonly unknown[], context: DecodeContext): DecoderRule | undefined {
  let best: DecoderRule | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    if (!isDecoderRule(rule) || !ruleMatches(rule, context)) continue;
    const score = ruleSpecificity(rule);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}
