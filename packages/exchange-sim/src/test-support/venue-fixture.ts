/**
 * One simulator per test with its WebSocket clients, all closed (and the simulator stopped)
 * after each test whatever its outcome. Call at the top of a test file.
 */
import { TestClient } from './ws-test-client';

export interface ConnectOptions {
  /** Answer pings automatically (default true). */
  readonly autoPong?: boolean;
}

interface Stoppable {
  readonly wsUrl: string;
  stop(): Promise<void>;
}

export interface VenueFixture<O, S extends Stoppable> {
  start(options?: O): Promise<S>;
  /** Connects to `path` on the running simulator (e.g. `/?token=sim-key`); rejects on a failed handshake. */
  connect(path: string, options?: ConnectOptions): Promise<TestClient>;
  /** Connects to a full URL (built by an adapter). */
  connectUrl(url: string, options?: ConnectOptions): Promise<TestClient>;
}

export function useVenueFixture<O extends object, S extends Stoppable>(
  startSim: (options: O) => Promise<S>,
  defaults: NoInfer<O>,
): VenueFixture<O, S> {
  let sim: S | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await sim?.stop();
    sim = undefined;
  });

  const connectUrl = async (url: string, options: ConnectOptions = {}): Promise<TestClient> => {
    const client = await TestClient.connect(url, options);
    clients.push(client);
    return client;
  };

  return {
    start: async (options) => {
      sim = await startSim({ ...defaults, ...options });
      return sim;
    },
    connect: async (path, options) => {
      if (!sim) throw new Error('start the simulator first');
      return connectUrl(`${sim.wsUrl}${path}`, options);
    },
    connectUrl,
  };
}
