import fs from 'node:fs/promises';

/**
 * How many bytes of a TCP connection the peer has not acknowledged yet: what `ss -tn` shows as Send-Q.
 *
 * Once every byte is in the kernel, a writer learns nothing more from Node (it exposes no SIOCOUTQ): the kernel
 * may still hold megabytes that the peer has not read. The send queue shrinks only as the peer's application
 * reads and opens its receive window again, so a shrinking queue is the one visible sign that the peer is still
 * reading. Linux lists every TCP socket with its queue in /proc/net/tcp and /proc/net/tcp6 (`tx_queue`, hex);
 * elsewhere there is no such file and the answer is undefined.
 */

export interface TcpEndpoints {
  localPort: number;
  remotePort: number;
}

const PROC_FILES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** The connection's unacknowledged send-queue bytes, or undefined when the kernel does not tell (not Linux). */
export async function sendQueueBytes(
  endpoints: TcpEndpoints,
  procFiles: readonly string[] = PROC_FILES,
): Promise<number | undefined> {
  for (const file of procFiles) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    const queue = parseSendQueue(text, endpoints);
    if (queue !== undefined) return queue;
  }
  return undefined;
}

/**
 * The `tx_queue` of the one row whose local and remote ports are the connection's, from the text of
 * /proc/net/tcp(6): `sl local_address rem_address st tx_queue:rx_queue …`, addresses as `HEXADDR:HEXPORT`.
 * Ports alone identify a connection on one host unless two peers share a port pair; then the answer is
 * undefined rather than a guess.
 */
export function parseSendQueue(text: string, { localPort, remotePort }: TcpEndpoints): number | undefined {
  let found: number | undefined;
  let matches = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !fields[0]?.endsWith(':')) continue;
    if (portOf(fields[1]) !== localPort || portOf(fields[2]) !== remotePort) continue;
    const tx = Number.parseInt(fields[4]?.split(':')[0] ?? '', 16);
    if (!Number.isFinite(tx)) continue;
    found = tx;
    matches++;
  }
  return matches === 1 ? found : undefined;
}

function portOf(address: string | undefined): number | undefined {
  const hex = address?.split(':')[1];
  return hex ? Number.parseInt(hex, 16) : undefined;
}
