/** The built dashboard: index.html and assets/. */
export declare const DASHBOARD_DIR: string;
/** The URL path of its files; the page itself is also served at `/`. */
export declare const DASHBOARD_PREFIX: '/dashboard/';
