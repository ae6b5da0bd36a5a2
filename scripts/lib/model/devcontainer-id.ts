// ${devcontainerId}: a stable id of a config's container, as devcontainer.json has one, for the
// names that must differ from one container to another (a cache volume per container). It is
// the POSIX cksum of the config's name, or NAME/INSTANCE for an instance of it: launch.sh
// computes it with cksum when --instance is given, and the formats without instances (Quadlet,
// compose, Kubernetes, backup.sh) take the config's own, computed here.
export const DEVCONTAINER_ID = 'devcontainerId';

/** The id of a config's container (no instance), as cksum prints it. */
export function devcontainerId(configId: string): string {
  return String(cksum(Buffer.from(configId, 'utf8')));
}

/**
 * Whether a model uses ${devcontainerId} in any of its templates: read from the model as data,
 * so that a key added later is not missed.
 */
export function usesDevcontainerId(model: object): boolean {
  return JSON.stringify(model).includes(JSON.stringify({ variable: DEVCONTAINER_ID }));
}

/** POSIX cksum: CRC-32 (polynomial 0x04C11DB7, no reflection) of the bytes, then of their length. */
function cksum(bytes: Uint8Array): number {
  let crc = 0;
  const add = (byte: number) => {
    crc = (crc ^ (byte << 24)) >>> 0;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  };
  for (const byte of bytes) add(byte);
  for (let length = bytes.length; length > 0; length = Math.floor(length / 256)) add(length & 0xff);
  return ~crc >>> 0;
}
