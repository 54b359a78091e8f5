// Edits classic pcap files the way a lossy or reordering capture would look: packets swapped, dropped,
// duplicated or cut, and Ethernet records rewritten to another link type. Only for test fixtures.
import { readFileSync } from 'node:fs';

export interface PcapRecord {
  header: Buffer;
  data: Buffer;
}

export interface PcapFile {
  header: Buffer;
  records: PcapRecord[];
}

export function readPcap(path: string): PcapFile {
  const bytes = readFileSync(path);
  const magic = bytes.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`${path}: not a little-endian pcap`);
  const records: PcapRecord[] = [];
  for (let at = 24; at + 16 <= bytes.length;) {
    const captured = bytes.readUInt32LE(at + 8);
    records.push({ header: Buffer.from(bytes.subarray(at, at + 16)), data: Buffer.from(bytes.subarray(at + 16, at + 16 + captured)) });
    at += 16 + captured;
  }
  return { header: Buffer.from(bytes.subarray(0, 24)), records };
}

export function writePcap(file: PcapFile): Buffer {
  const parts: Buffer[] = [file.header];
  for (const record of file.records) {
    const header = Buffer.from(record.header);
    header.writeUInt32LE(record.data.length, 8);
    parts.push(header, record.data);
  }
  return Buffer.concat(parts);
}

/** TCP payload length of an Ethernet/IPv4 record (0 for anything else). */
export function tcpPayloadLength(record: PcapRecord): number {
  const ip = 14;
  if (record.data.length < ip + 20 || record.data.readUInt16BE(12) !== 0x0800) return 0;
  const ipHeader = (record.data[ip] & 0x0f) * 4;
  const total = record.data.readUInt16BE(ip + 2);
  const tcpHeader = (record.data[ip + ipHeader + 12] >> 4) * 4;
  return total - ipHeader - tcpHeader;
}

/** Source port of an Ethernet/IPv4 TCP record. */
export function sourcePort(record: PcapRecord): number {
  const ipHeader = (record.data[14] & 0x0f) * 4;
  return record.data.readUInt16BE(14 + ipHeader);
}

/** The same packets with the 14-byte Ethernet header replaced by a 4-byte BSD loopback family (DLT_NULL). */
export function asNullLinkType(file: PcapFile): PcapFile {
  const header = Buffer.from(file.header);
  header.writeUInt32LE(0, 20);
  return {
    header,
    records: file.records.map((r) => {
      const family = Buffer.alloc(4);
      family.writeUInt32LE(r.data.readUInt16BE(12) === 0x86dd ? 30 : 2);
      return { header: r.header, data: Buffer.concat([family, r.data.subarray(14)]) };
    }),
  };
}
