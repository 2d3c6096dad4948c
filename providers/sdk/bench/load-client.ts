// The load generator of the Describe benchmark, run as its own process so the server under test
// has its core to itself: keeps `concurrency` unary calls in flight on one channel for `seconds`
// and prints the warm-up call count and every measured call's latency (ms) as JSON.
import { credentials, Metadata } from '@grpc/grpc-js';
import { ProviderClient } from '@virtrigaud/proto';

const [address, concurrencyText, secondsText, warmupText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const client = new ProviderClient(address, credentials.createInsecure());

function run(seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const endAt = performance.now() + seconds * 1000;
  return new Promise((resolve, reject) => {
    let active = concurrency;
    const next = () => {
      if (performance.now() >= endAt) {
        active -= 1;
        if (active === 0) resolve(latencies);
        return;
      }
      const started = performance.now();
      const metadata = new Metadata();
      metadata.set('x-correlation-id', 'bench');
      client.describe(
        { id: 'vm-000001', targetHostId: '', owner: undefined },
        metadata,
        { deadline: Date.now() + 5000 },
        (err) => {
          if (err) return reject(err);
          latencies.push(performance.now() - started);
          next();
        },
      );
    };
    for (let i = 0; i < concurrency; i += 1) next();
  });
}

(async () => {
  const warmup = (await run(Number(warmupText))).length;
  const latencies = await run(Number(secondsText));
  process.stdout.write(
    JSON.stringify({ warmup, latencies: latencies.map((ms) => Math.round(ms * 1000) / 1000) }),
  );
  client.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
