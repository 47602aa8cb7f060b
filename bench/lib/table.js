/** Markdown tables, so console output pastes straight into bench/RESULTS.md. */

function markdownTable(rows) {
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(rows[0]);
  const cell = (value) => (typeof value === 'number' ? formatNumber(value) : String(value ?? ''));
  const lines = [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function formatNumber(value) {
  if (!Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}x` : '-';

module.exports = { markdownTable, ratio };
