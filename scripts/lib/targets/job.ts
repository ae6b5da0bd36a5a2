// The job target: generated/<id>/job.sh, the job runner with status files and JSONL logs.
import { header } from '../header.ts';
import type { Environment } from '../model/environment.ts';
import type { GeneratedFile } from '../output.ts';
import { renderTemplate } from '../render.ts';
import { heredoc, quote } from '../shell/quote.ts';

export function renderJob(env: Environment, jobs: { directory: string }): GeneratedFile {
  const usage = [
    'Usage: job.sh NAME -- COMMAND [ARG...]   run a command as job NAME',
    '       job.sh status [NAME]              state, exit code and times of the jobs',
    '       job.sh tail NAME [-f]             the last lines of the latest log of NAME',
    '',
    `Records go to ${jobs.directory} (override with BOXWRIGHT_JOB_DIR):`,
    '  NAME.status              state=running|succeeded|failed, exit, started, finished, log',
    '  NAME-YYYYmmdd-HHMMSS.jsonl  {"time":..., "stream":"stdout"|"stderr", "text":...} per line',
    "The command's output also goes to the terminal; its exit code is job.sh's.",
  ].join('\n');
  const view = {
    header: header(env.source, 'hash', `Job runner for ${env.id}`),
    usage: `  ${heredoc(usage)}`,
    directory: quote(jobs.directory),
  };
  return { path: `${env.id}/job.sh`, content: renderTemplate('job.sh.mustache', view), executable: true };
}
