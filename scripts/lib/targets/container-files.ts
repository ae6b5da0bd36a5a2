// The generated files that a container reads, mounted at /opt/boxwright (by launch.sh) or
// given as a ConfigMap (on Kubernetes): the entrypoint, supervisord.conf, the workspace, job.sh.
import type { Environment } from '../model/environment.ts';
import type { GeneratedFile } from '../output.ts';
import { renderEntrypoint } from './entrypoint.ts';
import { renderJob } from './job.ts';
import { renderSupervisord } from './supervisord.ts';
import { renderWorkspace } from './workspace.ts';

/** The files of generated/<id>/ that the container reads, mounted at /opt/boxwright. */
export function containerFiles(environment: Environment): GeneratedFile[] {
  const { startup, services, workspace, jobs } = environment;
  return [
    ...(startup ? [renderEntrypoint(environment, startup)] : []),
    ...(services.length ? [renderSupervisord(environment)] : []),
    ...(workspace ? [renderWorkspace(environment, workspace)] : []),
    ...(jobs ? [renderJob(environment, jobs)] : []),
  ];
}
