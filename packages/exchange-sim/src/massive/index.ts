/** The Massive simulator: stocks socket with in-band auth and per-account connection limit, snapshot, reference and status REST. */
export { MASSIVE_MALFORMED_FRAMES, MASSIVE_STOCKS_PATH, startMassiveSim } from './sim';
export type { MassiveSim, MassiveSimFaults, MassiveSimStats } from './sim-api';
export { DEFAULT_MASSIVE_SIM_OPTIONS, MASSIVE_DELAY_MS, MASSIVE_PLANS, MASSIVE_SIM_FEEDS } from './options';
export type { MassivePlan, MassiveSimFeed, MassiveSimOptions } from './options';
export { MassiveRestBodies, MassiveStatus } from './payloads';
export { MASSIVE_POLICY_CLOSE_CODE } from './connection';
