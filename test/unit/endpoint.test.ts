import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEndpoint } from '../../src/core/session/endpoint';

function good(input: string, mode: 'bind' | 'connect' = 'connect') {
  const result = parseEndpoint(input, { mode });
  assert.ok(result.ok, `${input}: ${result.ok ? '' : result.error}`);
  return result.endpoint;
}

function bad(input: string, pattern: RegExp, mode: 'bind' | 'connect' = 'connect') {
  const result = parseEndpoint(input, { mode });
  assert.equal(result.ok, false, `${input} should be rejected`);
  if (!result.ok) assert.match(result.error, pattern, input);
}

test('tcp endpoints: hosts, IPv4, IPv6 in brackets, wildcard binds', () => {
  assert.deepEqual(good('tcp://127.0.0.1:5555'), { transport: 'tcp', address: 'tcp://127.0.0.1:5555', host: '127.0.0.1', port: 5555 });
  assert.equal(good('  TCP://localhost:80 ').address, 'tcp://localhost:80');
  assert.equal(good('tcp://[::1]:5555').host, '::1');
  assert.equal(good('tcp://[::1]:5555').address, 'tcp://[::1]:5555');
  assert.equal(good('tcp://*:5555', 'bind').host, '*');
  assert.equal(good('tcp://127.0.0.1:*', 'bind').port, undefined);
  assert.equal(good('tcp://eth0:5555', 'bind').host, 'eth0');
  assert.match(good('tcp://*:80', 'bind').warning ?? '', /root/);
});

test('tcp endpoints: clear errors for ports, hosts and wildcards', () => {
  bad('tcp://127.0.0.1:65536', /out of range: ports run from 1 to 65535/);
  bad('tcp://127.0.0.1:0x50', /not a number/);
  bad('tcp://127.0.0.1', /need a port/);
  bad('tcp://:5555', /host is missing/);
  bad('tcp://*:5555', /can only be bound/);
  bad('tcp://127.0.0.1:*', /wildcard port can only be bound/);
  bad('tcp://::1:5555', /IPv6 addresses must be in brackets/);
  bad('tcp://[::1:5555', /Missing "\]"/);
  bad('tcp://[zz::1]:5555', /not a valid IPv6/);
  bad('tcp://bad host:5555', /not a valid host name/);
});

test('missing or unknown transports are explained', () => {
  bad('127.0.0.1:5555', /has no transport: write tcp:\/\/127.0.0.1:5555/);
  bad('5555', /write tcp:\/\/127.0.0.1:5555/);
  bad('http://localhost:80', /Unknown transport "http:\/\/"/);
  bad('ws://localhost:80', /not supported/);
  bad('', /Enter an endpoint/);
  bad('hello', /not an endpoint/);
});

test('ipc and inproc: paths, and inproc cannot reach another process', () => {
  assert.equal(good('ipc:///tmp/feed.sock').path, '/tmp/feed.sock');
  bad('ipc://', /needs a path/);
  bad(`ipc:///${'x'.repeat(120)}`, /limited to 107/);
  const inproc = good('inproc://workers');
  assert.match(inproc.warning ?? '', /same process/);
  bad('inproc://', /needs a name/);
});

test('pgm and epgm explain that the bundled libzmq has no multicast', () => {
  bad('pgm://eth0;239.192.1.1:5555', /without PGM \(zeromq.capability.pgm is false\)/);
  bad('epgm://eth0;239.192.1.1:5555', /multicast/);
  const withPgm = parseEndpoint('epgm://eth0;239.192.1.1:5555', { pgmAvailable: true });
  assert.ok(withPgm.ok);
});

test('ipc path length counts UTF-8 bytes, not characters; NUL and other control characters are refused', () => {
  // 120 "é": 120 UTF-16 units, 240 bytes: past the 107-byte sun_path limit.
  bad(`ipc:///${'é'.repeat(120)}`, /is 241 bytes long \(UTF-8\); Linux socket paths are limited to 107 bytes/);
  assert.equal(good(`ipc:///${'é'.repeat(53)}`).path, `/${'é'.repeat(53)}`);
  bad('ipc://\0x', /control character \(NUL, \\0\) at position 6/);
  bad('inproc://a\0b', /NUL/);
  bad('tcp://127.0.0.1:55\x0155', /control character \(U\+0001\)/);
});

test('hosts are validated: numbers that are not an IPv4 address are refused, names still pass', () => {
  bad('tcp://999.1.1.1:5555', /"999\.1\.1\.1" is not a valid IPv4 address/);
  bad('tcp://10.0.0:5555', /not a valid IPv4 address/);
  bad('tcp://256.0.0.1:5555', /not a valid IPv4 address/);
  assert.equal(good('tcp://host-1.example.com:5555').host, 'host-1.example.com');
  assert.equal(good('tcp://10.0.0.255:5555').host, '10.0.0.255');
});

test('a wildcard port written with leading zeros (tcp://*:00) binds like tcp://*:0', () => {
  assert.equal(good('tcp://*:00', 'bind').port, undefined);
  assert.equal(good('tcp://*:00', 'bind').address, 'tcp://*:*');
  assert.deepEqual(good('tcp://*:00', 'bind'), good('tcp://*:0', 'bind'));
  bad('tcp://127.0.0.1:000', /wildcard port can only be bound/);
});
