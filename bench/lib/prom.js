/** Reads single samples from a pod's /metrics (Prometheus text). */

async function scrape(url) {
  const res = await fetch(url);
  return res.text();
}

/** The value of `name` (without labels, or with the exact label text given), NaN when absent. */
function sample(text, name, labels = '') {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(prefix.length).split(' ')[0]) : NaN;
}

module.exports = { scrape, sample };
