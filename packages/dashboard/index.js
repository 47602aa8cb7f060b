// Where the built dashboard is, for the services that serve it (`pnpm build` writes it).
const { join } = require('node:path');

/** The built dashboard: index.html and assets/. */
exports.DASHBOARD_DIR = join(__dirname, 'dist');
/** The URL path of its files; the page itself is also served at `/`. */
exports.DASHBOARD_PREFIX = '/dashboard/';
