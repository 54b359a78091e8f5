// ZMTP 3 bytes written by hand, for tests and benchmarks that play a peer at the byte level (hostile or
// captured streams) where a real socket cannot send what they need.

/** A 64-byte ZMTP 3.`minor` greeting with `mechanism` (as-server 0). */
export function zmtpGreeting(mechanism = 'NULL', minor = 1): Buffer {
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3;
  greeting[11] = minor;
  greeting.write(mechanism, 12, 'latin1');
  return greeting;
}
