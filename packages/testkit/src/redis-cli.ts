/** Runs `redis-cli` for the test Redis setups (Cluster creation, Sentinel checks). */
import { execFile } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

/** Resolves with redis-cli's trimmed output, or rejects with that output in the message. */
export function redisCli(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      // redis-cli colours its --cluster output even when it is not writing to a terminal.
      const output = stripVTControlCharacters(`${stdout}${stderr}`).trim();
      if (!error) return resolve(output);
      const why = error.killed
        ? `timed out after ${timeoutMs} ms`
        : typeof error.code === 'number'
          ? `exit code ${error.code}`
          : error.message;
      reject(new Error(`redis-cli ${args.join(' ')} failed (${why}):\n${output || '(no output)'}`));
    });
  });
}
