/**
 * Reads a JSON log line as text, because JSON.parse silently keeps one of two equal keys and
 * so cannot tell whether a line wrote a key twice.
 */

/** Every member name of a JSON object line, in order and with repeats (JSON.parse drops repeats). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') {
      const end = endOfString(line, i);
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    } else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') depth -= 1;
  }
  return keys;
}

function endOfString(line: string, start: number): number {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i += 1;
    else if (line[i] === '"') return i;
  }
  throw new Error(`unterminated string in ${line}`);
}

/** The top-level keys a JSON line repeats; JSON.parse keeps one of each, so a reader never sees them. */
export function repeatedJsonKeys(line: string): string[] {
  const keys = topLevelKeys(line);
  return keys.filter((key, index) => keys.indexOf(key) !== index);
}
