// Peels a captured packet down to its TCP segment: link layer (Ethernet with VLAN tags, Linux cooked
// SLL and SLL2, BSD/macOS loopback NULL and LOOP, raw IP), then IPv4 or IPv6, then TCP. Anything else
// is counted by the reason it was skipped. Every header length is checked against the captured bytes.

export interface TcpSegment {
  /** "address:port" of each end; IPv6 addresses in brackets. */
  source: string;
  destination: string;
  sourcePort: number;
  destinationPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
  /** Payload bytes the IP header announced beyond those captured (the snapshot length cut them). */
  missingTail: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export type SkipReason = 'link type' | 'not IP' | 'not TCP' | 'IP fragment' | 'malformed';

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];
/** BSD address families for IPv6 differ by system (Linux 10, the BSDs 24, FreeBSD 28, macOS 30). */
const AF_INET6 = new Set([10, 24, 28, 30]);

/** The TCP segment in a packet, or why there is none. */
export function tcpSegmentOf(linkType: number, data: Uint8Array, originalLength: number): TcpSegment | SkipReason {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const ip = ipOffset(linkType, view);
  if (typeof ip === 'string') return ip;
  const { offset, version } = ip;
  if (offset >= data.length) return 'malformed';
  const wireExtra = originalLength - data.length;
  return version === 6 ? fromIpv6(data, view, offset, wireExtra) : fromIpv4(data, view, offset, wireExtra);
}

function ipOffset(linkType: number, view: DataView): { offset: number; version: 4 | 6 } | SkipReason {
  const n = view.byteLength;
  const byEtherType = (type: number, offset: number) =>
    type === ETHERTYPE_IPV4 ? { offset, version: 4 as const } : type === ETHERTYPE_IPV6 ? { offset, version: 6 as const } : 'not IP';
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (n < 14) return 'malformed';
      let offset = 12;
      let type = view.getUint16(offset);
      for (let tags = 0; ETHERTYPE_VLAN.includes(type) && tags < 2; tags++) {
        offset += 4;
        if (n < offset + 2) return 'malformed';
        type = view.getUint16(offset);
      }
      return byEtherType(type, offset + 2);
    }
    case LINKTYPE.LINUX_SLL:
      return n < 16 ? 'malformed' : byEtherType(view.getUint16(14), 16);
    case LINKTYPE.LINUX_SLL2:
      return n < 20 ? 'malformed' : byEtherType(view.getUint16(0), 20);
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (n < 4) return 'malformed';
      // NULL is in the capturing host's byte order (unknown here), LOOP in network order: accept either.
      const families = [view.getUint32(0, true), view.getUint32(0, false)];
      if (families.includes(2)) return { offset: 4, version: 4 };
      if (families.some((f) => AF_INET6.has(f))) return { offset: 4, version: 6 };
      return 'not IP';
    }
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
    case 12:
    case 14: {
      if (n < 1) return 'malformed';
      const version = view.getUint8(0) >> 4;
      return version === 4 || version === 6 ? { offset: 0, version } : 'not IP';
    }
    default:
      return 'link type';
  }
}

function fromIpv4(data: Uint8Array, view: DataView, at: number, wireExtra: number): TcpSegment | SkipReason {
  if (data.length < at + 20 || view.getUint8(at) >> 4 !== 4) return 'malformed';
  const headerLength = (view.getUint8(at) & 0x0f) * 4;
  const totalLength = view.getUint16(at + 2);
  if (headerLength < 20 || totalLength < headerLength) return 'malformed';
  if (view.getUint8(at + 9) !== 6) return 'not TCP';
  const fragment = view.getUint16(at + 6);
  if (fragment & 0x2000 || fragment & 0x1fff) return 'IP fragment';
  // TSO/GRO captures (loopback, offloading NICs) write 0 for lengths past 64 KiB: trust the capture then.
  const end = totalLength === 0 ? data.length + wireExtra : at + totalLength;
  const address = (o: number) => `${data[o]}.${data[o + 1]}.${data[o + 2]}.${data[o + 3]}`;
  return tcp(data, view, at + headerLength, end, address(at + 12), address(at + 16));
}

const IPV6_EXTENSIONS = new Set([0, 43, 60, 51]);

function fromIpv6(data: Uint8Array, view: DataView, at: number, wireExtra: number): TcpSegment | SkipReason {
  if (data.length < at + 40 || view.getUint8(at) >> 4 !== 6) return 'malformed';
  const payloadLength = view.getUint16(at + 4);
  let next = view.getUint8(at + 6);
  let offset = at + 40;
  for (let hops = 0; IPV6_EXTENSIONS.has(next) && hops < 8; hops++) {
    if (data.length < offset + 2) return 'malformed';
    const length = next === 51 ? (view.getUint8(offset + 1) + 2) * 4 : (view.getUint8(offset + 1) + 1) * 8;
    next = view.getUint8(offset);
    offset += length;
  }
  if (next === 44) return 'IP fragment';
  if (next !== 6) return 'not TCP';
  const end = payloadLength === 0 ? data.length + wireExtra : at + 40 + payloadLength;
  return tcp(data, view, offset, end, `[${ipv6Text(data, at + 8)}]`, `[${ipv6Text(data, at + 24)}]`);
}

function tcp(data: Uint8Array, view: DataView, at: number, end: number, from: string, to: string): TcpSegment | SkipReason {
  if (data.length < at + 20) return 'malformed';
  const headerLength = (view.getUint8(at + 12) >> 4) * 4;
  if (headerLength < 20 || at + headerLength > end) return 'malformed';
  const start = at + headerLength;
  const captured = Math.max(0, Math.min(end, data.length) - start);
  const sourcePort = view.getUint16(at);
  const destinationPort = view.getUint16(at + 2);
  return {
    source: `${from}:${sourcePort}`,
    destination: `${to}:${destinationPort}`,
    sourcePort,
    destinationPort,
    seq: view.getUint32(at + 4),
    ack: view.getUint32(at + 8),
    flags: view.getUint8(at + 13),
    payload: data.subarray(start, start + captured),
    missingTail: Math.max(0, end - start - captured),
  };
}

/** RFC 5952 text: lower-case hex, the longest run of two or more zero groups as "::". */
function ipv6Text(data: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((data[at + 2 * i] << 8) | data[at + 2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
