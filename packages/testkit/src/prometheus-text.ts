/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), enough for tests
 * to prove `/metrics` parses: every sample line is `name{labels} value`, every name has TYPE.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromExposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: PromSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

export function parsePrometheusText(text: string): PromExposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: PromSample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const where = `line ${index + 1}: ${line.slice(0, 120)}`;
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      if (!name || !type || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type)) {
        throw new Error(`bad TYPE, ${where}`);
      }
      types.set(name, type);
      return;
    }
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const space = rest.indexOf(' ');
      help.set(space === -1 ? rest : rest.slice(0, space), space === -1 ? '' : rest.slice(space + 1));
      return;
    }
    if (line.startsWith('#')) return;
    const match = SAMPLE_RE.exec(line);
    if (!match) throw new Error(`bad sample, ${where}`);
    const [, name, rawLabels, rawValue] = match;
    const labels: Record<string, string> = {};
    if (rawLabels) {
      LABEL_RE.lastIndex = 0;
      let consumed = 0;
      let label: RegExpExecArray | null;
      while ((label = LABEL_RE.exec(rawLabels)) !== null) {
        labels[label[1]!] = label[2]!;
        consumed = LABEL_RE.lastIndex;
      }
      if (consumed !== rawLabels.length) throw new Error(`bad labels, ${where}`);
    }
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    // Prometheus parses values with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
    if (Number.isNaN(value) && rawValue!.toLowerCase() !== 'nan') throw new Error(`bad value, ${where}`);
    const family = familyOf(name!, types);
    if (!family) throw new Error(`sample without TYPE, ${where}`);
    samples.push({ name: name!, labels, value });
  });
  return { types, help, samples };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of SUFFIXES) {
    if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length)))
      return name.slice(0, -suffix.length);
  }
  return undefined;
}

/** Sum of the samples of `name` whose labels include `labels`. */
export function sampleValue(
  exposition: PromExposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  return exposition.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
