// How a target that cannot say everything of a config (kube.yaml, devcontainer.json) tells
// what it refuses and what it leaves out, at the place in the config that asked for it.
export interface TargetReport {
  /** A problem: the file cannot say what the config asks for (at a pointer of the config). */
  refuse(message: string, hint?: string, pointer?: string): void;
  /** Something the file leaves out, or says differently, that a user should know. */
  warn(message: string, pointer?: string): void;
}
