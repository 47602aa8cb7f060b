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

/**
 * Of the observations a histogram (`name`, without `_bucket`) gained between two scrapes, the
 * share above `le` seconds (a bucket bound), in %; NaN when it gained none.
 */
function shareAbove(before, after, name, le) {
  const gained = (bound) =>
    sample(after, `${name}_bucket`, `le="${bound}"`) - sample(before, `${name}_bucket`, `le="${bound}"`);
  const total = gained('+Inf');
  return total > 0 ? ((total - gained(le)) / total) * 100 : NaN;
}

module.exports = { scrape, sample, shareAbove };
