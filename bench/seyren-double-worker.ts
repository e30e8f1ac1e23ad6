import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startSeyrenDouble } from '../test/support/seyren-double';

/**
 * The Seyren double in its own thread. In production Seyren is another process on another machine; in one
 * event loop with the client, the double's own CPU work would be charged to the client and cap the measured
 * speed-up well below what concurrency buys against a real server.
 */
export interface RemoteSeyrenDouble {
  url: string;
  requestCount(): Promise<number>;
  checkCount(): Promise<number>;
  close(): Promise<void>;
}

type Request = { id: number; op: 'requests' | 'checks' | 'close' };

export async function startSeyrenDoubleInWorker(latencyMs: number): Promise<RemoteSeyrenDouble> {
  const worker = new Worker(__filename, { workerData: { latencyMs } });
  const pending = new Map<number, (value: number) => void>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { url: string }) => resolve(m.url));
  });
  worker.on('message', (m: { id: number; value: number }) => pending.get(m.id)?.(m.value));
  const ask = (op: Request['op']) =>
    new Promise<number>((resolve) => {
      const id = nextId++;
      pending.set(id, (v) => {
        pending.delete(id);
        resolve(v);
      });
      worker.postMessage({ id, op } satisfies Request);
    });
  return {
    url,
    requestCount: () => ask('requests'),
    checkCount: () => ask('checks'),
    close: async () => {
      await ask('close');
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void startSeyrenDouble({ latencyMs: (workerData as { latencyMs: number }).latencyMs }).then((double) => {
    port.on('message', async (m: Request) => {
      if (m.op === 'requests') port.postMessage({ id: m.id, value: double.requests.length });
      else if (m.op === 'checks') port.postMessage({ id: m.id, value: double.checks.size });
      else {
        await double.close();
        port.postMessage({ id: m.id, value: 0 });
      }
    });
    port.postMessage({ url: double.url });
  });
}
