/**
 * nchan (the nginx pub/sub module) as a fan-out target: writes an nginx config into a temporary
 * directory and runs nginx in the foreground. Nothing is installed here; when the module is
 * missing, `nchanAvailable()` says so and how to install it.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NGINX_BINARY = '/usr/sbin/nginx';
const NCHAN_MODULE_PATHS = [
  '/usr/lib/nginx/modules/ngx_nchan_module.so',
  '/usr/share/nginx/modules/ngx_nchan_module.so',
];
const INSTALL_HINT =
  'apt-get install -y nginx-light libnginx-mod-nchan  (Debian 12; the package loads into the distribution nginx)';

function nchanModulePath() {
  return NCHAN_MODULE_PATHS.find((candidate) => fs.existsSync(candidate));
}

/** Whether nginx and the nchan module are installed; `reason` says what to install if not. */
function nchanAvailable() {
  if (!fs.existsSync(NGINX_BINARY)) return { ok: false, reason: `no ${NGINX_BINARY}: ${INSTALL_HINT}` };
  if (!nchanModulePath()) return { ok: false, reason: `no ngx_nchan_module.so: ${INSTALL_HINT}` };
  return { ok: true };
}

/**
 * An nginx config for one nchan server: `/sub/<channel>` EventSource subscribers, `/pub/<channel>`
 * publishers. `workers` nginx worker processes (1 compares one event loop with one event loop).
 */
function writeNchanConfig({ port, workers, maxConnections }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickwire-nchan-'));
  const config = `
load_module ${nchanModulePath()};
worker_processes ${workers};
worker_rlimit_nofile ${maxConnections + 1024};
pid ${dir}/nginx.pid;
error_log stderr warn;
daemon off;
events { worker_connections ${maxConnections + 512}; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location ~ ^/sub/(\\w+)$ {
      nchan_subscriber eventsource;
      nchan_channel_id $1;
      nchan_eventsource_event tick;
      nchan_subscriber_first_message newest;
    }
    location ~ ^/pub/(\\w+)$ {
      nchan_publisher;
      nchan_channel_id $1;
      nchan_message_buffer_length 16;
      nchan_message_timeout 30s;
    }
  }
}
`;
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, config);
  return { dir, file };
}

module.exports = { NGINX_BINARY, INSTALL_HINT, nchanAvailable, writeNchanConfig };
